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
from webapp.schedule import planning

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


def remove_by_deleting(slot):
    db.session.delete(slot)


def remove_by_cancelling(slot):
    planning.cancel_slot(db.session, slot, reason="Bilen behövs annat", now=NOW, actor=None)


@pytest.mark.parametrize("remove", [remove_by_deleting, remove_by_cancelling])
def test_removing_the_newest_event_is_no_reason_for_a_304(area, client, remove):
    """The feed's newest event goes (deleted, or cancelled by staff) under a clock behind its
    last change: Last-Modified still moves on, and a client revalidating with the date or
    the ETag it holds gets the new feed, not a 304 keeping the event in its calendar."""
    path = "/vastby/feeds/presence.ics"
    newest = first_slot_of("vastby")
    edit(newest, lambda slot: (setattr(slot, "note", "Sist ändrad"), slot.touch(LATER)))
    before = client.get(path)
    assert client.get(path).data == before.data  # served again from the kept copy
    events = icalendar.Calendar.from_ical(before.data).walk("VEVENT")
    changes = {str(e["UID"]): e.decoded("LAST-MODIFIED") for e in events}
    uid = max(changes, key=changes.get)  # the event whose change is the feed's newest
    assert changes[uid] == LATER.replace(microsecond=0)
    old_date = before.headers["Last-Modified"]

    db.session.rollback()
    with writing():
        working_at(db.session, NOW)  # a clock behind the last edit's
        remove(db.session.get(PresenceSlot, newest))
        db.session.commit()

    by_date = client.get(path, headers={"If-Modified-Since": old_date})
    by_tag = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert by_date.status_code == by_tag.status_code == 200
    assert by_date.data == by_tag.data != before.data
    assert parsedate_to_datetime(by_date.headers["Last-Modified"]) == (
        parsedate_to_datetime(old_date) + timedelta(seconds=1)
    )
    after = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(by_date.data).walk("VEVENT")}
    if remove is remove_by_deleting:
        assert uid not in after and set(after) == set(changes) - {uid}
    else:
        assert str(after[uid]["STATUS"]) == "CANCELLED"
        assert "Bilen behövs annat" in str(after[uid]["DESCRIPTION"])
    again = client.get(path, headers={"If-Modified-Since": by_date.headers["Last-Modified"]})
    assert again.status_code == 304  # the new date does revalidate
