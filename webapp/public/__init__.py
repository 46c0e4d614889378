"""Resident-facing pages (endpoints public.*): views.py for the schedule, info.py for the rest."""

from flask import Blueprint

bp = Blueprint("public", __name__)
LANG = "/<lang:lang>"
