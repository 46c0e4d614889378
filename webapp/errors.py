"""Friendly, localized error pages; JSON for the API; never a stack trace."""

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

TITLES = {
    400: lambda: _("Något blev fel i förfrågan"),
    403: lambda: _("Du har inte behörighet till sidan"),
    404: lambda: _("Sidan finns inte"),
    405: lambda: _("Det går inte att göra så här"),
    413: lambda: _("Det du skickade är för stort"),
    429: lambda: _("För många försök"),
    500: lambda: _("Något gick fel hos oss"),
}


def _page(error: HTTPException):
    code = error.code or 500
    if request.path.startswith("/api/"):
        return jsonify(error={"status": code, "message": error.description or ""}), code
    title = TITLES.get(code, TITLES[500])()
    body = render_template("errors/error.html", code=code, title=title)
    return body, code, _extra_headers(error)


def _extra_headers(error):
    headers = dict(error.get_headers() or [])
    headers.pop("Content-Type", None)
    return headers


def register(app):
    """Attach the handlers for every HTTP error and for unexpected exceptions."""

    @app.errorhandler(HTTPException)
    def _http(error):
        return _page(error)

    @app.errorhandler(Exception)
    def _unexpected(error):
        app.logger.exception("unhandled error on %s", request.path)
        return _page(InternalServerError())
