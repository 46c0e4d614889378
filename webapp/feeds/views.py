"""Calendar feeds: thin responses around the pure builders in ical.py.

Endpoints (other blueprints link to these names):
  feeds.calendar  /feeds/<all|office|presence>.ics   subscription feeds (inline)
  feeds.place     /feeds/places/<slug>.ics           one place's presence
  feeds.slot      /feeds/slots/<id>.ics              one event, as a download
All take an optional ?lang=en for English text; Swedish otherwise.
"""

from flask import Blueprint, abort

bp = Blueprint("feeds", __name__, url_prefix="/feeds")


@bp.get("/<any(all,office,presence):name>.ics")
def calendar(name):
    abort(501)


@bp.get("/places/<slug>.ics")
def place(slug):
    abort(501)


@bp.get("/slots/<int:slot_id>.ics")
def slot(slot_id):
    abort(501)
