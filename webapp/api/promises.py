"""/api/v1/promises: every promise with its activities, targets and published figures.

The figures are webapp.promise.followup's, the same as on the public page."""

from flask import abort, jsonify
from flask_babel import gettext as _

from webapp import site
from webapp.api import params
from webapp.api.views import bp
from webapp.extensions import db
from webapp.promise import records
from webapp.promise.followup import promise_followup
from webapp.site import timezone


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def presence(figures) -> dict:
    """Every slot's state counted (they add up to `planned`), and the hours."""
    return {
        "planned": figures.planned,
        "held": figures.held,
        "not_held": figures.not_held,
        "cancelled": figures.cancelled,
        "unreported": figures.unreported,
        "upcoming": figures.upcoming,
        "hours_planned": _hours(figures.planned_minutes),
        "hours_held": _hours(figures.held_minutes),
        "planned_hours": _hours(figures.planned_minutes),
        "held_hours": _hours(figures.held_minutes),
    }


def presence_apart(item, lang: str) -> list:
    """A promise several municipalities signed: each one's presence, in total and per place
    (keyed by the municipality's slug and the place's); empty for a promise of one."""
    return [
        {
            "municipality": s.municipality.slug,
            "name": s.municipality.text("name", lang),
            "presence": presence(s.total),
            "places": [
                {"place": p.slug, "name": p.text("name", lang), "presence": presence(f)}
                for p, f in s.places
            ],
        }
        for s in item.presence_apart
    ]


def activity(item, position: int, lang: str) -> dict:
    a = item.activity
    return {
        "key": a.key,
        "commitment": position,
        "title": a.text("title", lang),
        "owner": a.owner,
        "measure": a.measure,
        "target": a.target,
        "target_per": a.target_per,
        "unit": a.unit,
        "publish": a.publish,
        "done": item.done,
        "state": item.state,
        "expected": item.expected,
        "tertials": [
            {
                "tertial": t.key,
                "first_day": t.first_day.isoformat(),
                "last_day": t.last_day.isoformat(),
                "value": value,
                "status": status,
            }  # fmt: skip
            for t, value, status in item.rows
        ],
        "presence": presence(item.presence) if item.presence else None,
        "presence_by_municipality": presence_apart(item, lang),
    }


def response_times(followup) -> list:
    return [
        {
            "tertial": t.key,
            "fewer_than_5": r.small,
            "received": None if r.small else r.received,
            "handled": None if r.small else r.handled,
            "handled_within_14_days": None if r.small else r.handled_within_14_days,
            "median_days_to_handled": None if r.small else r.median_days,
        }
        for t, r in followup.response_times
    ]


def response_times_apart(followup, lang: str) -> list:
    """A promise several municipalities signed: each one's response times per tertial, under
    the same suppression as the page; empty for a promise of one municipality."""
    out = []
    for s in followup.signatories if followup.shared else ():
        rows = []
        for t, st in followup.response_times_of(s.municipality):
            r, shown = st.times, st.shown
            rows.append({
                "tertial": t.key,
                "fewer_than_5": st.small,
                "withheld": st.withheld and not st.small,
                "received": r.received if shown else None,
                "handled": r.handled if shown else None,
                "handled_within_14_days": r.handled_within_14_days if shown else None,
                "median_days_to_handled": r.median_days if shown else None,
            })  # fmt: skip
        out.append({"municipality": s.municipality.slug, "name": s.municipality.text("name", lang),
                    "response_times": rows})  # fmt: skip
    return out


def themes_raised(followup) -> list:
    """The page's themes-per-place tables, one count a row: place or theme null for all;
    each count names its municipality (a shared promise's tables are one per signatory)."""
    signed = followup.promise.municipalities
    only = signed[0].slug if len(signed) == 1 else None
    return [
        {
            "tertial": y.period.key,
            "municipality": table.municipality.slug if table.municipality else only,
            "place": place.slug if place else None,
            "theme": cell.theme,
            "count": cell.value,
            "fewer_than_5": cell.small,
        }
        for y in followup.you_said
        for table in y.tables
        for place, cells, total in table.rows
        for cell in (*cells, total)
    ]


def promise(followup, lang: str) -> dict:
    p = followup.promise
    return {
        "id": p.key,
        "title": p.text("title", lang),
        "summary": p.text("summary", lang) or None,
        "url": p.url,
        "first_day": p.first_day.isoformat(),
        "last_day": p.last_day.isoformat(),
        "in_force": followup.in_force,
        "example_data": bool(p.example_data),
        "commitments": [c.text("title", lang) for c, _items in followup.commitments],
        "activities": [
            activity(item, position, lang)
            for position, (_c, items) in enumerate(followup.commitments)
            for item in items
        ],
        "response_times": response_times(followup),
        "response_times_by_municipality": response_times_apart(followup, lang),
        "themes_raised": themes_raised(followup),
    }


@bp.get("/promises")
def promises():
    lang, tz, now = params.language(params.query(("lang",))), timezone(), site.now()
    rows = records.all_promises(db.session)
    return jsonify(promises=[promise(promise_followup(db.session, p, tz, now), lang) for p in rows])


@bp.get("/promises/<key>")
def promise_one(key):
    lang = params.language(params.query(("lang",)))
    found = records.promise_by_key(db.session, key) if params.SLUG.fullmatch(key) else None
    if found is None:
        abort(404, description=_("Det finns inget löfte med den beteckningen."))
    return jsonify(promise(promise_followup(db.session, found, timezone(), site.now()), lang))
