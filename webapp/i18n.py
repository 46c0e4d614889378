"""Locale handling: the URL decides, then Accept-Language, then Swedish.

Which languages a site offers is data: the data file lists them (`languages = [...]`), and
the app offers exactly those whose catalogue is complete. Swedish is the source language and
always offered. Staff pages stay Swedish and English (STAFF_LANGUAGES); the other catalogues
hold only the public text (see PUBLIC_SOURCES), so a staff URL in another language is a 404.
"""

import re
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po
from flask import abort, current_app, g, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.routing import BaseConverter

from webapp.config import TRANSLATIONS

SOURCE = "sv"
# The staff area's languages: its URLs, its full catalogues and its mails; read from here only.
STAFF_LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGES = ("sv", "en")
# Where public text lives: catalogues for public-only languages are made from these alone.
PUBLIC_SOURCES = (
    "templates/base.html",
    "templates/partials",
    "templates/public",
    "templates/feedback",
    "templates/followup",
    "templates/errors",
    "templates/macros/forms.html",
    "webapp/errors.py",
    "webapp/outage.py",
    "webapp/forms.py",
    "webapp/public",
    "webapp/followup",
    "webapp/feeds",
    "webapp/report/wording.py",
    "webapp/promise/periods.py",
    "webapp/feedback/forms.py",
    "webapp/feedback/views.py",
    "webapp/feedback/poster_languages.py",
    "webapp/schedule/holiday_words.py",
)
REVIEWED = re.compile(r"^#\s*review-status:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def public_messages(root: Path | None = None) -> set:
    """msgids used by the public pages' sources, as `flask translate extract` finds them."""
    from babel.messages.extract import extract_from_dir  # noqa: PLC0415 - only tools need it
    from babel.messages.frontend import parse_mapping_cfg  # noqa: PLC0415

    from webapp.config import ROOT  # noqa: PLC0415

    root = root or ROOT
    with open(root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for filename, _line, message, _comments, _context in extract_from_dir(
        root, method_map, options_map, keywords=KEYWORDS
    ):
        if filename.startswith(PUBLIC_SOURCES):
            found.add(message[0] if isinstance(message, tuple | list) else message)
    return found


class LangConverter(BaseConverter):
    """A language code in the URL; whether the site offers it is checked per request."""

    regex = "[a-z]{2,3}"


def language_name(code: str) -> str:
    """The language in its own name and script ("العربية", "Soomaali")."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]


def direction(code: str) -> str:
    """ "rtl" for Arabic, Persian and other right-to-left scripts, otherwise "ltr"."""
    try:
        order = Locale.parse(code).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


@cache
def catalogued(folder: Path = TRANSLATIONS) -> tuple[str, ...]:
    """Swedish, then every language with a catalogue folder in translations/ (complete or not)."""
    found = sorted(p.name for p in folder.iterdir() if (p / "LC_MESSAGES").is_dir())
    return (SOURCE, *(c for c in found if c != SOURCE))


def _po_path(code: str, folder: Path = TRANSLATIONS) -> Path:
    return folder / code / "LC_MESSAGES" / "messages.po"


@cache
def catalogue_status(code: str, folder: Path = TRANSLATIONS) -> tuple[bool, bool]:
    """(complete, reviewed) for a language's catalogue; Swedish is the source, so both."""
    if code == SOURCE:
        return True, True
    po, mo = _po_path(code, folder), _po_path(code, folder).with_suffix(".mo")
    if not po.is_file() or not mo.is_file():
        return False, False
    with po.open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    complete = all(
        m.string and not m.fuzzy and (isinstance(m.string, str) or all(m.string))
        for m in catalogue
        if m.id
    )
    status = REVIEWED.search(catalogue.header_comment or "")
    return complete, bool(status and status[1].lower() == "reviewed")


def listed() -> tuple[str, ...]:
    """The languages the data file lists (Swedish first), or the defaults before it is loaded."""
    from webapp.extensions import db  # noqa: PLC0415
    from webapp.tenant import municipality  # noqa: PLC0415

    try:
        town = municipality()
    except SQLAlchemyError:  # the database is down: error pages still get a language
        db.session.rollback()
        town = None
    codes = ((town.translations or {}).get("languages") if town else None) or DEFAULT_LANGUAGES
    if town is not None and town.police_area is not None and _area_request():
        codes = _area_languages(db.session, town.police_area_id)
    return (SOURCE, *(c for c in codes if c != SOURCE))


def _area_request() -> bool:
    from webapp.addresses import AREA  # noqa: PLC0415 - the address layer imports the models

    return has_request_context() and request.environ.get(AREA) is not None


def _area_languages(session, area_id) -> list[str]:
    """A police area's own pages are in every language one of its municipalities lists."""
    from webapp.models import Municipality  # noqa: PLC0415

    rows = session.scalars(
        select(Municipality.translations).where(Municipality.police_area_id == area_id)
    )
    codes = [c for row in rows for c in (row or {}).get("languages") or DEFAULT_LANGUAGES]
    return list(dict.fromkeys(codes))


def supported() -> tuple[str, ...]:
    """The languages this site offers: listed in the data file, with a complete catalogue."""
    if "languages" not in g:
        g.languages = _complete(listed())
    return g.languages


def offered_by(town) -> tuple[str, ...]:
    """The languages another municipality's site offers (supported(), for `town`)."""
    codes = (town.translations or {}).get("languages") or DEFAULT_LANGUAGES
    return _complete((SOURCE, *(c for c in codes if c != SOURCE)))


def _complete(codes) -> tuple[str, ...]:
    allowed = current_app.config.get("LANGUAGES")
    return tuple(
        c
        for c in codes
        if catalogue_status(c)[0] and (allowed is None or c in allowed or c == SOURCE)
    )


def reviewed(code: str) -> bool:
    return catalogue_status(code)[1]


def select_locale() -> str:
    """flask-babel's locale selector."""
    lang = (request.view_args or {}).get("lang") or request.args.get("lang")
    if lang is None and request.view_args is None:  # no route matched: a 404 under /<lang>/
        lang = request.path.split("/")[1]
    if lang in offered_here():
        return lang
    return request.accept_languages.best_match(supported()) or SOURCE


def offered_here() -> tuple[str, ...]:
    """The languages this request's page exists in: staff pages in STAFF_LANGUAGES whatever
    the public pages offer."""
    return STAFF_LANGUAGES if (request.endpoint or "").startswith("staff.") else supported()


def pull_lang(endpoint, values) -> None:
    """url_value_preprocessor: keep the URL's language on g for url_for defaults."""
    if values and "lang" in values:
        g.lang = values["lang"]


def check_lang() -> None:
    """before_request, after the write intent is set: a language not offered here is a 404."""
    lang = (request.view_args or {}).get("lang")
    if lang is None:
        return
    if lang not in offered_here():
        abort(404)


def push_lang(endpoint, values) -> None:
    """url_defaults: links keep the current page's language unless told otherwise."""
    if "lang" in values or not getattr(g, "lang", None):
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = g.lang
