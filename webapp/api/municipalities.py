"""/api/v1/municipalities: every municipality this installation serves, with the absolute
addresses of its site, its API and its feeds. The same list under every municipality's API."""

from flask import jsonify
from sqlalchemy import select

from webapp import site
from webapp.api import params
from webapp.api.views import bp
from webapp.extensions import db
from webapp.i18n import offered_by
from webapp.models import Municipality

FEEDS = ("all", "office", "presence")


def municipality(town: Municipality) -> dict:
    root = site.municipality_url(town)
    return {
        "slug": town.slug,
        "name": town.name,
        "police_area": town.police_area.slug if town.police_area is not None else None,
        "site": f"{root}/sv/",
        "api": f"{root}/api/v1",
        "feeds": {name: f"{root}/feeds/{name}.ics" for name in FEEDS},
        "languages": list(offered_by(town)),
        "example_data": bool(town.example_data),
    }


@bp.get("/municipalities")
def municipalities():
    params.query(())
    rows = db.session.scalars(select(Municipality).order_by(Municipality.slug))
    return jsonify(municipalities=[municipality(town) for town in rows])
