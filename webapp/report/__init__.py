"""The staff's reports: the follow-up (uppföljning) for a tertial, a year or any days, and the
report for kommunstyrelsen on one period of a promise. The figures are the domain's
(webapp.promise); here they are chosen, worded and served.

forms: the period form; board: the board's report in words; export: the follow-up as CSV;
views: the staff pages and files, on the staff blueprint.
"""
