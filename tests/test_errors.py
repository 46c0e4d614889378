"""Error pages after a database error: the localized page, not the bare fallback."""

from html.parser import HTMLParser

from flask import abort
from sqlalchemy.exc import IntegrityError

from webapp.errors import FALLBACK
from webapp.extensions import db
from webapp.models import Place


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1, self.title, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in in ("h1", "title") and data.strip():
            getattr(self, self._in).append(data.strip())


def texts(body: bytes):
    parser = _Texts()
    parser.feed(body.decode())
    return parser


def _duplicate_place():
    db.session.add(Place(slug="torget", name="Torget igen"))
    db.session.flush()


def test_an_unhandled_database_error_renders_the_localized_500_page(app, client):
    app.add_url_rule("/sv/broken-write", "broken_write", _duplicate_place)

    response = client.get("/sv/broken-write")

    assert response.status_code == 500
    assert response.data.decode() != FALLBACK
    page = texts(response.data)
    assert page.h1 == ["Något gick fel hos oss"]
    assert page.title[0].startswith("Något gick fel hos oss")


def test_a_404_after_a_failed_flush_renders_the_localized_page(app, client):
    def handled_then_missing():
        try:
            _duplicate_place()
        except IntegrityError:
            abort(404)

    app.add_url_rule("/sv/missing-after-error", "missing_after_error", handled_then_missing)

    response = client.get("/sv/missing-after-error")

    assert response.status_code == 404
    assert texts(response.data).h1 == ["Sidan finns inte"]
