"""Residents' feedback: posters with QR codes, the form, scan counts and the staff inbox.

Pure parts (no Flask): codes, poster_pdf, masking, export, tokens. Queries and changes take the
session and `now` explicitly (service, inbox). Views are in views.py (public) and
webapp/staff/inbox.py, webapp/staff/posters.py (staff).
"""
