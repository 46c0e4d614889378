"""The citizen promise followed up: promises from the data file, what staff record was done,
and the figures every output shows. No Flask: functions take the session, `now` and tz.

periods: the whole promise, its years and tertials; records: promises and the entries staff
record; followup: the figures for a period (one computation for the page, API, feed and the
board's report); targets: the target that applies and the pace; figures: presence, office
hours and answers for any days; svg, atom, document, pdf, xlsx: pure builders.
"""
