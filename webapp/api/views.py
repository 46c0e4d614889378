"""Read-only JSON API under /api/v1: parse the query, call the schedule queries, serialise.

Every time in a response is local (the municipality's timezone) ISO 8601 with its offset.
Errors are {"error": {"status", "message"}} (webapp/errors.py); see /api/v1/openapi.json.
"""

from datetime import timedelta

from flask import Blueprint, jsonify, request

from webapp import site
from webapp.addresses import VIA_HOST
from webapp.api import params, serialize
from webapp.api.openapi import document
from webapp.extensions import db
from webapp.i18n import supported
from webapp.schedule import store
from webapp.schedule.office import office_status_at
from webapp.schedule.slots import IN_PROGRESS, UPCOMING
from webapp.site import municipality, timezone

bp = Blueprint("api", __name__, url_prefix="/api/v1")

CACHE_SECONDS = 60
STATUS_CACHE_SECONDS = 30


@bp.after_app_request
def _api_headers(response):
    """Anyone may read the API from a browser; answers are cached briefly, errors not at all."""
    if request.path.startswith("/api/"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        if response.status_code != 200:
            response.headers["Cache-Control"] = "no-store"
        else:
            seconds = STATUS_CACHE_SECONDS if request.endpoint == "api.status" else CACHE_SECONDS
            response.headers.setdefault("Cache-Control", f"public, max-age={seconds}")
    return response


def _example_data() -> bool:
    town = municipality()
    return bool(town.example_data) if town else True


@bp.get("/places")
def places():
    lang = params.language(params.query(("lang",)))
    rows = store.all_places(db.session)
    return jsonify(
        example_data=_example_data(), places=[serialize.place(row, lang) for row in rows]
    )


@bp.get("/office-hours")
def office_hours():
    values = params.query(("from", "to", "lang"))
    lang, tz = params.language(values), timezone()
    first, last = params.day_range(values, site.now().astimezone(tz).date())
    days = store.office_days_between(
        db.session, first, last, tz, locale=lang, municipality=municipality()
    )
    return jsonify(
        {
            "example_data": _example_data(),
            "timezone": tz.key,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "days": [serialize.office_day(day, lang, tz) for day in days],
        }
    )


@bp.get("/presence")
def presence():
    values = params.query(("from", "to", "place", "lang"))
    known = {row.slug: row for row in store.all_places(db.session)} if "place" in values else {}
    lang, tz, slug = params.language(values), timezone(), params.place_slug(values, list(known))
    first, last = params.day_range(values, site.now().astimezone(tz).date())
    place = known[slug] if slug else None
    start = store.local_day_bounds(first, tz)[0]
    end = store.local_day_bounds(last, tz)[1]
    slots = store.slots_between(db.session, start, end, place=place)
    return jsonify(
        {
            "example_data": _example_data(),
            "timezone": tz.key,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "place": slug,
            "slots": [serialize.slot(slot, lang, tz) for slot in slots],
        }
    )


@bp.get("/status")
def status():
    lang, tz, now = params.language(params.query(("lang",))), timezone(), site.now()
    today = now.astimezone(tz).date()
    office = None
    if store.get_office(db.session) is not None:
        days = store.office_days_between(
            db.session,
            today,
            today + timedelta(days=params.STATUS_DAYS),
            tz,
            locale=lang,
            municipality=municipality(),
        )
        office = serialize.office_status(office_status_at(days, now, tz), lang, tz)
    slots = store.slots_between(db.session, now, now + timedelta(days=params.STATUS_DAYS))
    return jsonify(
        {
            "example_data": _example_data(),
            "timezone": tz.key,
            "now": serialize.moment(now, tz),
            "office": office,
            "presence_now": [
                serialize.slot(s, lang, tz) for s in slots if IN_PROGRESS.holds(s, now)
            ],
            "next_presence": next(
                (serialize.slot(s, lang, tz) for s in slots if UPCOMING.holds(s, now)),
                None,
            ),
        }
    )


@bp.get("/openapi.json")
def openapi():
    params.query(())
    prefixed = request.script_root and not request.environ.get(VIA_HOST)
    places = [row.slug for row in store.all_places(db.session)]
    return jsonify(document(supported(), places, site.site_url() if prefixed else None))
