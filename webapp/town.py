"""The municipality this instance serves, read once per request (site and i18n both need it)."""

from flask import g
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Municipality


def municipality() -> Municipality | None:
    """The municipality row, read once per request."""
    if "municipality" not in g:
        g.municipality = db.session.scalar(select(Municipality))
    return g.municipality
