"""Friendly, localized error pages; JSON for the API; never a stack trace."""

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
)

try:  # gunicorn raises these while the app reads a malformed (say, chunked) request body
    from gunicorn.http.errors import ParseException as MalformedBody
except ImportError:  # pragma: no cover - gunicorn is the production server, not a must
    MalformedBody = ()

from webapp import outage
from webapp.extensions import db

TITLES = {
    400: lambda: _("Något blev fel i förfrågan"),
    403: lambda: _("Du har inte behörighet till sidan"),
    404: lambda: _("Sidan finns inte"),
    405: lambda: _("Det går inte att göra så här"),
    413: lambda: _("Det du skickade är för stort"),
    429: lambda: _("För många försök"),
    500: lambda: _("Något gick fel hos oss"),
    503: lambda: _("Tjänsten går inte att använda just nu"),
}


# Served when even the error template fails (say, the database is down): no lookups at all.
FALLBACK = """<!doctype html><html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Något gick fel – Närvaro</title></head><body><main>
<h1>Något gick fel</h1><p>Försök igen om en stund. Vid nödläge, ring 112. Annars 114 14.</p>
<p lang="en">Something went wrong. Please try again later. In an emergency, call 112.
Otherwise call 114 14.</p></main></body></html>"""


def _page(error: HTTPException):
    code = error.code or 500
    _rollback()  # first: the title's language comes from the data (which languages are offered)
    title = TITLES.get(code, TITLES[500])()
    if request.path.startswith("/api/"):
        # Werkzeug's stock descriptions are English prose; ours are localized.
        custom = error.description != type(error).description
        message = error.description if custom and error.description else title
        return jsonify(error={"status": code, "message": message}), code, _extra_headers(error)
    _rollback()
    try:
        body = render_template("errors/error.html", code=code, title=title)
    except Exception as fault:  # noqa: BLE001 - the page about an error must not fail itself
        if outage.unreachable(fault):  # the page needs the database, which is out of reach
            return outage.answer(fault)
        current_app.logger.exception("error page failed on %s", request.path)
        return FALLBACK, code, {"Content-Type": "text/html; charset=utf-8"}
    return body, code, _extra_headers(error)


def _rollback():
    """End a failed transaction, so the page's own queries (municipality, menus) can run."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - with the database down, the fallback page still shows
        current_app.logger.exception("rollback failed on %s", request.path)


def _extra_headers(error):
    headers = dict(error.get_headers() or [])
    headers.pop("Content-Type", None)
    return headers


def register(app):
    """Attach the handlers for every HTTP error and for unexpected exceptions."""

    @app.errorhandler(HTTPException)
    def _http(error):
        return _page(error)

    @app.errorhandler(DBAPIError)
    def _database(error):
        if not outage.unreachable(error):
            return _unexpected(error)
        # Down, refused, read-only or full: nothing was saved, and the broken connections are
        # already discarded (webapp.database), so the next request tries again.
        return outage.answer(error)

    @app.errorhandler(Exception)
    def _unexpected(error):
        if isinstance(error, MalformedBody):
            app.logger.info("malformed request body on %s: %s", request.path, error)
            return _page(BadRequest())
        app.logger.exception("unhandled error on %s", request.path)
        return _page(InternalServerError())
