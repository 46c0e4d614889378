"""Calendar feeds: thin responses around the pure builders in ical.py."""

from flask import Blueprint

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
