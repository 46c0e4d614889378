"""The municipality a request is for, resolved once per request at its edge.

Views, templates and feeds read it here (through `site.municipality`) and pass it to the
domain as an argument; nothing below the views reads the row for itself. Every query of the
request is limited to the municipality's rows here (`scope_request`), not view by view.
"""

from flask import abort, g, has_request_context, redirect, request
from sqlalchemy import func, select

from webapp.addresses import AREA, TENANT, TENANT_ID, UNPREFIXED
from webapp.extensions import db
from webapp.models import (
    Municipality,
    PoliceArea,
    scope_accounts_to,
    scope_of,
    scope_to,
)

UNSCOPED = ("health",)
# What a police area's own address serves: its start page and its feed of every
# municipality's presence.
AREA_PAGES = {("public.root", None), ("public.home", None), ("feeds.calendar", "presence")}


def municipality() -> Municipality | None:
    """This request's municipality, read from the database once per request."""
    if "municipality" not in g:
        g.municipality = _resolve(db.session)
    return g.municipality


def municipality_id() -> int | None:
    """The id of the request's municipality, as the address layer found it (reads nothing)."""
    town_id = request.environ.get(TENANT_ID)
    if town_id is None:
        town = municipality()
        town_id = town.id if town is not None else None
    return town_id


def scope_request():
    """before_request: limit every query of the request to its municipality's rows
    (webapp.models.scope), before any view runs; the municipality's id comes from the
    address layer, so this reads nothing (a view that writes still starts its transaction
    as a write). The health check, static files and unknown addresses are nobody's. The
    default municipality's prefixed address redirects to its unprefixed one."""
    if request.blueprint in UNSCOPED or request.endpoint == "static":
        return None
    if request.routing_exception is not None:  # a 404 or 405 page: it reads no rows
        return None
    if request.environ.get(UNPREFIXED):
        root = request.script_root.removesuffix("/" + request.environ[TENANT])
        path = request.full_path if request.query_string else request.path
        return redirect(root + path, 308)
    area = request.environ.get(AREA)
    if area is not None:
        if (request.endpoint, (request.view_args or {}).get("name")) not in AREA_PAGES:
            abort(404)
        scope_to(db.session, area)
        return None
    town_id = municipality_id()
    scope_to(db.session, None if town_id is None else [town_id])
    return None


def accounts_reach(user) -> tuple | None:
    """The municipalities whose accounts and audit entries `user` administers: its own, or
    every one and the area's own (None) for an account of the whole police area."""
    return None if user.municipality_id is None else (user.municipality_id,)


def scope_accounts(user) -> None:
    """Limit every query of the request for accounts and audit entries to `user`'s reach."""
    scope_accounts_to(db.session, accounts_reach(user))


def towns() -> list[Municipality]:
    """Every municipality this installation serves, by name."""
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)))


def towns_in_reach() -> list[Municipality]:
    """The municipalities the request's queries read, by name: one, or a police area's."""
    every = towns()
    scope = scope_of(db.session)
    return every if scope is None else [town for town in every if town.id in scope]


def scope_to_area(user) -> None:
    """For an account of the whole area, widen the request's queries to every municipality
    of the police area of its address (pages that list the area's week)."""
    town = municipality()
    if user.municipality_id is not None or town is None or town.police_area_id is None:
        return
    ids = select(Municipality.id).where(Municipality.police_area_id == town.police_area_id)
    scope_to(db.session, db.session.scalars(ids).all())


def home_of_invite(actor, provider_home: int | None) -> int | None:
    """The municipality an account invited by `actor` belongs to: the actor's own (an admin
    of one municipality makes no account beyond it), else the provider's organisation's."""
    return actor.municipality_id if actor.municipality_id is not None else provider_home


def organisation_of(user) -> Municipality | PoliceArea | None:
    """Whom an account works for, as its mails name it: its municipality; for an account of
    the whole area, the police area of the request's municipality, else that municipality."""
    if user.municipality_id is not None:
        return db.session.get(Municipality, user.municipality_id)
    town = municipality()
    if town is not None and town.police_area is not None:
        return town.police_area
    return town


def home_chosen_by(actor, chosen: str | None) -> Municipality | None:
    """The municipality an account made or moved by `actor` belongs to: the actor's own, or,
    by an account of the whole area, the one chosen by slug ("" or None: the whole area)."""
    if actor.municipality_id is not None:
        return db.session.get(Municipality, actor.municipality_id)
    if not chosen:
        return None
    return db.session.scalar(select(Municipality).where(Municipality.slug == chosen))


def police_area() -> PoliceArea | None:
    """The police area whose own address (/<area slug>/…) this request is for, if any."""
    if request.environ.get(AREA) is None:
        return None
    town = municipality()
    return town.police_area if town is not None else None


def _resolve(session) -> Municipality | None:
    slug = request.environ.get(TENANT) if has_request_context() else None
    if slug is not None:
        return session.scalar(select(Municipality).where(Municipality.slug == slug))
    # Outside the address layer: a police area's default municipality, else the one there is.
    return session.scalar(
        select(Municipality)
        .outerjoin(PoliceArea, Municipality.police_area_id == PoliceArea.id)
        .order_by(func.coalesce(Municipality.slug == PoliceArea.default_slug, False).desc())
        .order_by(Municipality.id)
        .limit(1)
    )
