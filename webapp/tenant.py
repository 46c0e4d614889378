"""The municipality a request is for, resolved once per request at its edge.

Views, templates and feeds read it here (through `site.municipality`) and pass it to the
domain as an argument; nothing below the views reads the row for itself. An installation
serves one municipality today, the single row of its table: serving several (a police
area) changes `_resolve` only.
"""

from flask import g
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Municipality


def municipality() -> Municipality | None:
    """This request's municipality, read from the database once per request."""
    if "municipality" not in g:
        g.municipality = _resolve(db.session)
    return g.municipality


def _resolve(session) -> Municipality | None:
    return session.scalar(select(Municipality))
