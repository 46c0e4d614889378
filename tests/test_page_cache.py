"""Public pages and feeds are built once per change: a repeat request costs at most two SQL
statements, and an edit made through one worker shows at once through another."""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from tests.conftest import make_app
from tests.factories import make_slot
from tests.test_staff_support import logged_in, post_form, soup
from webapp.extensions import db

PAGES = ["/sv/", "/sv/office", "/sv/presence", "/en/places/torget", "/feeds/all.ics"]


@contextmanager
def counted(app):
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if statement != "BEGIN":  # SQLite's explicit transaction start (webapp.database)
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("path", PAGES)
def test_a_repeat_request_reads_at_most_two_statements(app, client, path):
    first = client.get(path)
    with counted(app) as statements:
        again = client.get(path)

    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert len(statements) <= 2, statements


def test_an_edit_through_one_worker_shows_at_once_through_another(app, database_url):
    slot = make_slot(place="torget", starts_at=datetime(2026, 11, 26, 14, 0, tzinfo=UTC))
    other = make_app(database_url)
    reader, writer = app.test_client(), other.test_client()

    def torget_slot():
        page = soup(reader.get("/sv/places/torget"))
        return [li for li in page.select("li.slot") if "15:00–16:00" in li.get_text()][0]

    assert "cancelled" not in torget_slot()["class"]
    police = logged_in(other, "police")
    post_form(police, f"/sv/staff/presence/slots/{slot.id}/cancel", {"reason": "Utbildning"})

    assert writer is not reader
    assert "cancelled" in torget_slot()["class"]
    assert "Inställt: Utbildning" in torget_slot().get_text(" ", strip=True)
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_page_changes_its_wording_when_a_slot_starts(app, client, pin):
    make_slot(place="torget", starts_at=datetime(2026, 11, 24, 9, 45, tzinfo=UTC))

    before = soup(client.get("/sv/places/torget")).select_one("li.slot")
    pin(datetime(2026, 11, 24, 9, 45, tzinfo=UTC))
    during = soup(client.get("/sv/places/torget")).select_one("li.slot")

    assert "Pågår nu" not in before.get_text()
    assert "Pågår nu" in during.get_text()
