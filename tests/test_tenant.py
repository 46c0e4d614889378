"""The municipality is read once per request, at the edge, and handed to the domain."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from tests.factories import make_closure
from tests.test_police_area_data import load_test_area
from webapp.extensions import db
from webapp.models import Municipality
from webapp.schedule import store

TZ = ZoneInfo("Europe/Stockholm")
PATHS = [
    "/sv/",
    "/en/office",
    "/sv/presence",
    "/ar/places/torget",
    "/feeds/all.ics",
    "/feeds/office.ics?lang=en",
    "/api/v1/status",
    "/api/v1/office-hours",
]


@pytest.mark.parametrize("path", PATHS)
def test_a_request_reads_the_municipality_once(app, client, path):
    client.get("/robots.txt")  # the address layer reads its table once per change (below)
    app.extensions["narvaro_front_cache"].forget()
    reads = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM municipality" in statement:
            reads.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert response.status_code == 200
    assert len(reads) == 1, reads


def test_office_days_keep_the_holidays_of_the_municipality_they_are_given(app):
    christmas_eve = date(2026, 12, 24)
    public_only = Municipality(translations={"holidays": {"categories": ["public"]}})

    with app.app_context():
        default = store.office_days_between(
            db.session, christmas_eve, christmas_eve, TZ, municipality=None
        )
        fewer = store.office_days_between(
            db.session, christmas_eve, christmas_eve, TZ, municipality=public_only
        )

    assert [d.holiday for d in default] == ["Julafton"]
    assert [d.holiday for d in fewer] == [None]


def test_the_address_table_is_read_once_per_change_of_the_municipalities(app, client):
    reads = []

    def count(_conn, _cursor, statement, *_args):
        if "municipality.hosts, police_area.default_slug" in statement:
            reads.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/robots.txt")
        client.get("/sv/")
        client.get("/api/v1/status")
        first = len(reads)
        make_closure()  # one municipality's change: its own stamp moves, not the shared one
        client.get("/sv/")
        after_closure = len(reads)
        load_test_area()  # a municipality more: the shared stamp moves
        client.get("/sv/")
        assert client.get("/vastby/sv/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert (first, after_closure, len(reads)) == (1, 1, 2)
