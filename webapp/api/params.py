"""Query parameters of the JSON API, read strictly: a typo is a 400, never a silent default."""

import re
from datetime import date, timedelta
from urllib.parse import unquote_to_bytes

from flask import abort, request
from flask_babel import gettext as _

from webapp.i18n import supported

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
MAX_QUERY = 1024  # bytes of query string; no valid request comes near it
MAX_VALUE = 64  # characters in one value
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
DEFAULT_DAYS = 56  # today and the eight weeks after it
MAX_DAYS = 366
STATUS_DAYS = 92  # how far ahead /status looks for the next opening and presence


def query(allowed: tuple[str, ...]) -> dict[str, str]:
    """The query string as {name: value}: known names only, each once, UTF-8, short."""
    raw = request.query_string
    if len(raw) > MAX_QUERY:
        abort(400, description=_("Frågesträngen är för lång."))
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        abort(400, description=_("Frågesträngen är inte giltig UTF-8."))
    values = {}
    for name, given in request.args.lists():
        if name not in allowed:
            abort(
                400,
                description=_(
                    "Okänd parameter. Tillåtna här: %(allowed)s.", allowed=", ".join(allowed)
                ),
            )
        if len(given) > 1:
            abort(400, description=_("Parametern %(name)s får bara anges en gång.", name=name))
        if len(given[0]) > MAX_VALUE:
            abort(400, description=_("Parametern %(name)s är för lång.", name=name))
        values[name] = given[0]
    return values


def language(values: dict) -> str:
    """?lang=sv|en, Swedish when not given."""
    lang = values.get("lang", "sv")
    if lang not in supported():
        abort(
            400, description=_("Okänt språk. Välj ett av: %(langs)s.", langs=", ".join(supported()))
        )
    return lang


def day(values: dict, name: str) -> date:
    text = values[name]
    try:
        value = date.fromisoformat(text) if DATE.fullmatch(text) else None
    except ValueError:
        value = None
    if value is None or not EARLIEST <= value <= LATEST:
        abort(
            400,
            description=_(
                "Ange %(name)s som ett datum ÅÅÅÅ-MM-DD från %(first)s till %(last)s.",
                name=name,
                first=EARLIEST,
                last=LATEST,
            ),
        )
    return value


def day_range(values: dict, today: date) -> tuple[date, date]:
    """?from=&to= as dates (inclusive); from defaults to today, to to eight weeks after from."""
    first = day(values, "from") if "from" in values else today
    last = day(values, "to") if "to" in values else first + timedelta(days=DEFAULT_DAYS)
    if first > last:
        abort(400, description=_("from måste vara samma dag som to eller tidigare."))
    if (last - first).days + 1 > MAX_DAYS:
        abort(400, description=_("Välj högst %(days)s dagar.", days=MAX_DAYS))
    return first, last


def place_slug(values: dict) -> str | None:
    """?place=<slug>, checked for shape before it goes near the database."""
    slug = values.get("place")
    if slug is not None and not SLUG.fullmatch(slug):
        abort(400, description=_("Det finns ingen plats med den beteckningen."))
    return slug
