"""The citizen promise followed up: promises from the data file, what staff record was done,
and the figures every output shows. No Flask: functions take the session, `now` and tz.

data: the [[promises]] part of the data file; loading: into the database; records: promises and
entries; followup: the figures (one computation for the page, API, CSV, XLSX); svg: charts.
"""
