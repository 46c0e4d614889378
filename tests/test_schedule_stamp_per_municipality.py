"""A schedule stamp per municipality: an edit in one municipality is served on the next
request, no other municipality's kept pages and feeds are dropped, the area's feed follows
the newest of its municipalities, and no Last-Modified moves backwards."""

from datetime import timedelta
from email.utils import parsedate_to_datetime

import icalendar
import pytest
from sqlalchemy import select

from tests.conftest import NOW
from tests.test_page_cache import counted
from tests.test_police_area_data import load_test_area, town
from webapp.database import writing
from webapp.extensions import db
from webapp.models import PresenceSlot, working_at

LATER = NOW + timedelta(minutes=5)
SAVSJO = ["/sv/", "/feeds/all.ics", "/feeds/presence.ics"]
VASTBY = ["/vastby/sv/", "/vastby/sv/presence", "/vastby/feeds/all.ics"]
AREA_FEED = "/testomradet/feeds/presence.ics"


@pytest.fixture
def area(app):
    load_test_area()
    return app


def first_slot_of(slug) -> int:
    """The municipality's next presence slot (in every feed's window)."""
    query = select(PresenceSlot.id).where(
        PresenceSlot.municipality_id == town(slug).id, PresenceSlot.starts_at > NOW
    )
    return db.session.scalar(query.order_by(PresenceSlot.starts_at, PresenceSlot.id).limit(1))


def edit(slot_id, change):
    """One unit of work, as a staff edit makes it, at LATER."""
    db.session.rollback()
    with writing():
        working_at(db.session, LATER)
        change(db.session.get(PresenceSlot, slot_id))
        db.session.commit()


def modified(client, path):
    return parsedate_to_datetime(client.get(path).headers["Last-Modified"])


def test_an_edit_in_one_municipality_keeps_every_other_municipalitys_copies(area, client):
    for path in SAVSJO + VASTBY:
        client.get(path)  # rendered and kept
    before = {path: modified(client, path) for path in VASTBY if path.endswith(".ics")}

    edit(first_slot_of("savsjo"), lambda slot: setattr(slot, "note", "Ny anteckning"))

    with counted(area) as statements:
        for path in VASTBY:
            assert client.get(path).status_code == 200
    assert len(statements) == len(VASTBY), statements  # one stamp each: served as kept
    assert {path: modified(client, path) for path in before} == before
    feed = icalendar.Calendar.from_ical(client.get("/feeds/presence.ics").data)
    notes = {str(e.get("DESCRIPTION", "")) for e in feed.walk("VEVENT")}
    assert any("Ny anteckning" in note for note in notes)  # served on the next request
    assert modified(client, "/feeds/all.ics") == LATER.replace(microsecond=0)


def test_the_area_feed_is_as_new_as_its_newest_municipality(area, client):
    client.get(AREA_FEED)
    edit(first_slot_of("vastby"), lambda slot: setattr(slot, "note", "Flyttad bil"))

    area_modified = modified(client, AREA_FEED)

    assert area_modified == modified(client, "/vastby/feeds/all.ics") == LATER
    assert area_modified > modified(client, "/feeds/all.ics")
    events = icalendar.Calendar.from_ical(client.get(AREA_FEED).data).walk("VEVENT")
    assert any("Flyttad bil" in str(e.get("DESCRIPTION", "")) for e in events)


def test_deleting_an_event_never_moves_last_modified_backwards(area, client):
    edit(first_slot_of("vastby"), lambda slot: setattr(slot, "note", "Först ändrad"))
    edited = modified(client, "/vastby/feeds/presence.ics")
    last = first_slot_of("vastby")

    db.session.rollback()
    with writing():
        working_at(db.session, NOW)  # a clock behind the last edit's
        db.session.delete(db.session.get(PresenceSlot, last))
        db.session.commit()

    assert modified(client, "/vastby/feeds/presence.ics") == edited + timedelta(seconds=1)
    assert modified(client, AREA_FEED) == edited + timedelta(seconds=1)
