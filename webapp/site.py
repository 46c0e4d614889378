"""What every page needs: the municipality, the language, links to the other language."""

from zoneinfo import ZoneInfo

from flask import current_app, g, request, url_for
from flask_babel import get_locale
from sqlalchemy import select

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.i18n import LANGUAGE_NAMES
from webapp.models import Municipality


def municipality() -> Municipality | None:
    """The municipality row, read once per request."""
    if "municipality" not in g:
        g.municipality = db.session.scalar(select(Municipality))
    return g.municipality


def now():
    """The request's time, read from the clock once per request (at the edge)."""
    if "now" not in g:
        g.now = utcnow()
    return g.now


def public_base_url() -> str:
    """PUBLIC_BASE_URL, or this request's scheme and host when it is not set (development)."""
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")


def timezone() -> ZoneInfo:
    town = municipality()
    return ZoneInfo(town.timezone if town else "Europe/Stockholm")


def lang() -> str:
    return str(get_locale() or "sv")


def other_languages() -> list[dict]:
    """The same page in every other language, for the language switch."""
    if request.url_rule is None or "lang" not in (request.view_args or {}):
        return [
            {"code": c, "name": n, "url": url_for("public.home", lang=c)}
            for c, n in LANGUAGE_NAMES.items()
            if c != lang()
        ]
    args = {**request.view_args}
    return [
        {"code": code, "name": name, "url": url_for(request.endpoint, **{**args, "lang": code})}
        for code, name in LANGUAGE_NAMES.items()
        if code != lang()
    ]


def template_context() -> dict:
    return {
        "municipality": municipality(),
        "lang": lang(),
        "other_languages": other_languages,
        "language_names": LANGUAGE_NAMES,
    }
