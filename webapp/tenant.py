"""The municipality a request is for, resolved once per request at its edge.

Views, templates and feeds read it here (through `site.municipality`) and pass it to the
domain as an argument; nothing below the views reads the row for itself. Every query of the
request is limited to the municipality's rows here (`scope_request`), not view by view.
"""

from flask import g, request
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Municipality, PoliceArea, scope_to

UNSCOPED = ("health",)


def municipality() -> Municipality | None:
    """This request's municipality, read from the database once per request."""
    if "municipality" not in g:
        g.municipality = _resolve(db.session)
    return g.municipality


def scope_request() -> None:
    """before_request: resolve the request's municipality and limit every query of the
    request to its rows (webapp.models.scope), before any view runs. The health check and
    static files are nobody's: they read no municipality (and /health answers while the
    database is down)."""
    if request.blueprint in UNSCOPED or request.endpoint == "static":
        return
    town = municipality()
    scope_to(db.session, None if town is None else [town.id])


def _resolve(session) -> Municipality | None:
    # A police area's default municipality, else the one there is.
    return session.scalar(
        select(Municipality)
        .outerjoin(PoliceArea, Municipality.police_area_id == PoliceArea.id)
        .order_by(func.coalesce(Municipality.slug == PoliceArea.default_slug, False).desc())
        .order_by(Municipality.id)
        .limit(1)
    )
