"""The database out of reach: a 503 that needs nothing from it, and a quiet log.

While the database is down every request fails the same way, so the answer is made without
it (the language from the URL or the browser, among the catalogues on disk; no municipality,
no menus), carries Retry-After, and the log gets one line per LOG_EVERY seconds per process
saying how many requests were answered so, instead of a traceback per request. Nothing here
holds state about the outage beyond that line: the next request tries the database again,
so the site recovers by itself when it is back.
"""

import threading
import time

from flask import current_app, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError

from webapp import i18n
from webapp.extensions import db

RETRY_AFTER = 30  # seconds: what the answer asks a client to wait
LOG_EVERY = 30.0  # seconds between two log lines about the same outage, per process
MACHINE_PREFIXES = ("/api/", "/feeds/")  # answered in JSON, as their clients read it
MACHINE_SUFFIXES = (".ics", ".atom", ".json")


def unreachable(error: BaseException) -> bool:
    """The database could not be reached or used (down, refused, read-only, full, lost): the
    driver's connection is gone (webapp.database marks connect failures so too)."""
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


class _QuietLog:
    """At most one line per LOG_EVERY seconds, counting the requests in between."""

    def __init__(self):
        self._lock = threading.Lock()
        self._next = 0.0
        self._unsaid = 0

    def note(self, logger, error: DBAPIError) -> None:
        with self._lock:
            self._unsaid += 1
            now = time.monotonic()
            if now < self._next:
                return
            count, self._unsaid, self._next = self._unsaid, 0, now + LOG_EVERY
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        logger.error(
            "database unavailable (%d requests answered 503 since the previous such line, "
            "the next in %d s at the earliest): %s",
            count,
            int(LOG_EVERY),
            reason,
        )


_log = _QuietLog()


def _language() -> str:
    """The page's language without asking the database: the URL's, else the browser's."""
    available = tuple(c for c in i18n.catalogued() if i18n.catalogue_status(c)[0])
    first = request.path.split("/")[1]
    if first in available:
        return first
    return request.accept_languages.best_match(available) or i18n.SOURCE


def answer(error: DBAPIError):
    """The 503 for a request that found the database out of reach."""
    _log.note(current_app.logger, error)
    try:  # end the request's transaction; there is nothing more to say about it
        db.session.rollback()
    except DBAPIError:
        pass
    headers = {"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"}
    lang = _language()
    with force_locale(lang):
        title = _("Tjänsten går inte att använda just nu")
        path = request.path
        if path.startswith(MACHINE_PREFIXES) or path.endswith(MACHINE_SUFFIXES):
            return jsonify(error={"status": 503, "message": title}), 503, headers
        # Straight from the Jinja environment: the context processors would ask the database.
        body = current_app.jinja_env.get_template("errors/unavailable.html").render(
            lang=lang, dir=i18n.direction(lang), title=title, retry_after=RETRY_AFTER
        )
    return body, 503, headers
