"""/api/v1/municipalities: every municipality this installation serves, with the absolute
addresses of its site, its API and its feeds. The same list under every municipality's API."""

from urllib.parse import urlsplit

from flask import current_app, jsonify, request
from sqlalchemy import select

from webapp import tenant
from webapp.api import params
from webapp.api.views import bp
from webapp.extensions import db
from webapp.i18n import offered_by
from webapp.models import Municipality

FEEDS = ("all", "office", "presence")


def site_root(town: Municipality) -> str:
    """Where `town`'s site begins: its own first host when it has one (in a police area,
    where hosts route), with the installation's scheme; else the installation's address,
    with /<slug> unless it is the default municipality (PUBLIC_BASE_URL, which production
    sets, or this request's host)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")
    if town.hosts and town.police_area is not None:
        return f"{urlsplit(base).scheme}://{town.hosts[0]}"
    return base if tenant.is_default(town) else f"{base}/{town.slug}"


def municipality(town: Municipality) -> dict:
    root = site_root(town)
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
