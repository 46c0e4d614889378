"""The database away: a PostgreSQL server of the test's own is stopped under the running app.
Pages, the API, feeds, the login and a poster's /q/ code answer 503 with Retry-After (a page
in the request's language, JSON for the API and feeds), the log gets one line instead of a
traceback per request, and once the server is back everything answers as before, without
restarting the app."""

import json
import logging

import pytest
from flask_migrate import upgrade

from tests.conftest import load_default_calendar, make_app
from tests.factories import make_poster
from tests.support.html import soup
from tests.support.servers import postgres_server
from tests.support.staff import csrf_token
from webapp import outage
from webapp.extensions import db

PAGES = ["/sv/", "/en/office", "/sv/presence", "/sv/staff/login"]
MACHINES = ["/api/v1/status", "/api/v1/presence", "/feeds/presence.ics"]


@pytest.fixture
def away():
    """(app, the poster's /q/ path, the server) on a PostgreSQL server of the test's own."""
    with postgres_server() as server:
        app = make_app(server.url)
        with app.app_context():
            upgrade()
            load_default_calendar()
            scan = f"/q/{make_poster().code}"
            db.session.remove()
        yield app, scan, server
        with app.app_context():
            db.engine.dispose()


def _statuses(client, paths):
    return {path: client.get(path).status_code for path in paths}


def test_the_database_away_answers_503_quietly_and_comes_back_by_itself(away, caplog):
    app, scan, server = away
    client = app.test_client()
    paths = [*PAGES, *MACHINES, scan]
    before = _statuses(client, paths)
    token = csrf_token(client, "/sv/staff/login")
    login = {"csrf_token": token, "email": "a@example.se", "password": "x" * 12}

    server.stop()
    caplog.clear()
    caplog.set_level(logging.INFO)
    answers = [(path, client.get(path)) for _ in range(3) for path in paths]
    posted = client.post("/sv/staff/login", data=login)
    expired = client.post("/sv/staff/login", data={**login, "csrf_token": "old"})
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    server.start()
    after = _statuses(client, paths)

    assert set(before.values()) <= {200, 303}
    assert before[scan] == 303
    for path, answer in [*answers, ("/sv/staff/login", posted), ("/sv/staff/login", expired)]:
        assert answer.status_code == 503, path
        # (Flask-Limiter puts its own window's seconds on the login's limited posts)
        assert 0 < int(answer.headers["Retry-After"]) <= outage.RETRY_AFTER, path
        assert answer.headers["Cache-Control"] == "no-store", path
        if path in MACHINES:
            assert json.loads(answer.data)["error"]["status"] == 503, path
        else:
            page = soup(answer)
            assert page.h1.get_text(strip=True) == page.title.get_text().split(" – ")[0]
    english = soup(dict(answers)["/en/office"])
    assert english.html["lang"] == "en"
    assert english.h1.get_text(strip=True) == "The service can't be used right now"
    assert soup(dict(answers)["/sv/"]).h1.get_text() == "Tjänsten går inte att använda just nu"
    assert len(lines) == 1, [r.getMessage()[:200] for r in lines]
    assert lines[0].exc_info is None
    assert "database unavailable (1 requests answered 503" in lines[0].getMessage()
    assert after == before
