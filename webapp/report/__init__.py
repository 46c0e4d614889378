"""The follow-up report (uppföljning) of the citizen promise, per tertial, year or any period.

periods: tertial bounds; followup: the figures (pure, takes the session, tz and now);
export: the same figures as CSV; views: the staff page /<lang>/staff/report.
"""
