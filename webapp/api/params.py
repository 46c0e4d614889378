"""Query parameters of the JSON API, read strictly: a typo is a 400, never a silent default.

Each parameter is declared once, as a `Parameter` with the JSON Schema its value must satisfy.
The OpenAPI document prints these declarations (webapp/api/openapi.py) and `query()`'s callers
check each value against the very same schema with `satisfies()`, so the two cannot disagree.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import unquote_to_bytes

from flask import abort, request
from flask_babel import gettext as _

from webapp.i18n import supported

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
MAX_QUERY = 1024  # bytes of query string; no valid request comes near it
MAX_VALUE = 64  # characters in one value
# The years 20xx: the date pattern below and the range the messages name are the same rule.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
DATE_PATTERN = "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"
DEFAULT_DAYS = 56  # today and the eight weeks after it
MAX_DAYS = 366
STATUS_DAYS = 92  # how far ahead /status looks for the next opening and presence


@dataclass(frozen=True)
class Parameter:
    """A query parameter as the OpenAPI document prints it and the API checks it."""

    name: str
    description: str
    schema: dict

    def openapi(self) -> dict:
        return {
            "name": self.name,
            "in": "query",
            "required": False,
            "description": self.description,
            "schema": self.schema,
        }


_RANGE = (
    f"Dates YYYY-MM-DD from {EARLIEST} to {LATEST}, inclusive; `from` no later than `to`, at most"
    f" {MAX_DAYS} days in all (a 400 otherwise). Default `from`: today, moved to `to` when `to` is"
    f" earlier, or to the first day of the {MAX_DAYS} ending on `to` when `to` is further away."
    f" Default `to`: {DEFAULT_DAYS} days after `from`."
)
DATE_SCHEMA = {
    "type": "string",
    "format": "date",
    "pattern": DATE_PATTERN,
    "examples": ["2026-11-24"],
}


def declared(languages: tuple[str, ...], places: list[str]) -> dict[str, Parameter]:
    """Every query parameter of the API, for a site offering `languages` and `places` (slugs)."""
    return {
        "lang": Parameter(
            "lang",
            "Language of names and notes",
            {"type": "string", "enum": list(languages), "default": "sv"},
        ),
        "from": Parameter("from", _RANGE, DATE_SCHEMA),
        "to": Parameter("to", _RANGE, DATE_SCHEMA),
        "place": Parameter(
            "place",
            "Only this place's slots (a slug from /api/v1/places)",
            {"type": "string", "enum": places},
        ),
    }


def satisfies(schema: dict, value: str) -> bool:
    """Whether `value` satisfies `schema`, for the keywords the declarations above use."""
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "pattern" in schema and not re.search(schema["pattern"], value):
        return False
    if schema.get("format") == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
    return True


SCHEMA_KEYWORDS = {"type", "enum", "pattern", "format", "default", "examples"}  # satisfies() reads


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
    """?lang=, checked against the declared parameter; Swedish when not given."""
    schema = declared(supported(), [])["lang"].schema
    lang = values.get("lang", schema["default"])
    if not satisfies(schema, lang):
        abort(
            400, description=_("Okänt språk. Välj ett av: %(langs)s.", langs=", ".join(supported()))
        )
    return lang


def day(values: dict, name: str) -> date:
    text = values[name]
    if not satisfies(DATE_SCHEMA, text):
        abort(
            400,
            description=_(
                "Ange %(name)s som ett datum ÅÅÅÅ-MM-DD från %(first)s till %(last)s.",
                name=name,
                first=EARLIEST,
                last=LATEST,
            ),
        )
    return date.fromisoformat(text)


def default_from(today: date, last: date) -> date:
    """`from` when only `to` is given: today, kept within the MAX_DAYS days ending on `to`."""
    return min(max(today, last - timedelta(days=MAX_DAYS - 1)), last)


def day_range(values: dict, today: date) -> tuple[date, date]:
    """?from=&to= as dates (inclusive); see _RANGE for the defaults."""
    if "from" in values:
        first = day(values, "from")
        last = day(values, "to") if "to" in values else first + timedelta(days=DEFAULT_DAYS)
    elif "to" in values:
        last = day(values, "to")
        first = default_from(today, last)
    else:
        first, last = today, today + timedelta(days=DEFAULT_DAYS)
    if first > last:
        abort(400, description=_("from måste vara samma dag som to eller tidigare."))
    if (last - first).days + 1 > MAX_DAYS:
        abort(400, description=_("Välj högst %(days)s dagar.", days=MAX_DAYS))
    return first, last


def place_slug(values: dict, places: list[str]) -> str | None:
    """?place=<slug>, one of `places` (the slugs the document lists)."""
    slug = values.get("place")
    if slug is not None and not satisfies(declared((), places)["place"].schema, slug):
        abort(400, description=_("Det finns ingen plats med den beteckningen."))
    return slug
