"""What residents are told when a slot moves, is cancelled, or falls on a holiday: the old
time points to the new one, the start page shows it, and the feeds keep one event per slot."""

from datetime import UTC, date, datetime

import icalendar
import recurring_ical_events
from sqlalchemy import select

from tests.conftest import CALENDAR, NOW
from tests.factories import make_slot, place
from tests.support.html import error_summary, soup
from tests.support.staff import logged_in, post_form
from webapp.database import writing
from webapp.extensions import db
from webapp.models import PresenceSlot
from webapp.schedule.calendar_file import load_calendar_file
from webapp.schedule.loading import load_calendar

# Wednesday 9 December 2026, 16:00–17:00 in Sävsjö (CET, UTC+1).
OLD_START = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)
MOVE = {
    "place": "torget",
    "day": "2026-12-10",
    "starts": "17:00",
    "ends": "19:00",
    "confirm": "1",
}


def _moved_slot(app):
    slot = make_slot(place="resecentrum", starts_at=OLD_START)
    police = logged_in(app, "police")
    url = f"/sv/staff/presence/slots/{slot.id}"
    refused = post_form(police, url, MOVE)
    saved = post_form(police, url, {**MOVE, "note": "Vi står vid fontänen"})
    return slot.id, refused, saved


def _entries(page, text):
    return [li for li in page.select("li.slot") if text in li.get_text(" ", strip=True)]


def _events(response):
    assert response.status_code == 200
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


def test_a_move_needs_a_note_for_residents(app):
    _slot_id, refused, saved = _moved_slot(app)

    assert refused.status_code == 400
    assert error_summary(refused) == [
        "Skriv ett meddelande till invånarna om varför tiden eller platsen ändras"
    ]
    assert saved.status_code == 302


def test_a_moved_slot_shows_at_its_old_and_its_new_time(app, client):
    slot_id, _refused, _saved = _moved_slot(app)

    page = soup(client.get("/sv/presence"))
    old = _entries(page, "Flyttad till torsdag 10 december 17:00, Torget")
    new = _entries(page, "Flyttad från onsdag 9 december 16:00, Resecentrum")

    assert len(old) == 1 and len(new) == 1
    assert old[0].select_one("s.time").get_text() == "16:00–17:00"
    assert old[0].select_one("a.slot-place")["href"] == "/sv/places/resecentrum"
    assert new[0].select_one(".time").get_text() == "17:00–19:00"
    assert new[0].select_one("a.slot-place")["href"] == "/sv/places/torget"
    assert "Vi står vid fontänen" in new[0].get_text(" ", strip=True)
    resecentrum = soup(client.get("/sv/places/resecentrum"))
    assert len(_entries(resecentrum, "Flyttad till torsdag 10 december 17:00, Torget")) == 1
    english = soup(client.get("/en/presence"))
    moved_away = _entries(english, "Moved to Thursday 10 December")
    assert len(moved_away) == 1
    assert place("torget").text("name", "en") in moved_away[0].get_text()
    db.session.rollback()  # end the test's read transaction, see what the requests wrote
    assert db.session.get(PresenceSlot, slot_id).moved_from_place.slug == "resecentrum"


def test_a_moved_slot_keeps_its_uid_in_every_feed_it_was_in(app, client):
    before = _events(client.get("/feeds/presence.ics"))
    slot_id, _refused, _saved = _moved_slot(app)
    uid = f"slot-{slot_id}@narvaro.example"

    everything = _events(client.get("/feeds/presence.ics"))
    old_place = _events(client.get("/feeds/places/resecentrum.ics"))
    new_place = _events(client.get("/feeds/places/torget.ics"))

    assert uid not in before  # made by the test, after the first read
    for feed in (everything, old_place, new_place):
        event = feed[uid]
        assert event.decoded("DTSTART") == datetime(2026, 12, 10, 16, 0, tzinfo=UTC)
        assert event["SEQUENCE"] == 1
        assert str(event["LOCATION"]).startswith("Torget")
        assert (
            str(event["DESCRIPTION"]).startswith(
                "Flyttad från torsdag 9 december 2026 16:00, Resecentrum"
            )
            is False
        )  # 9 December 2026 is a Wednesday
        assert str(event["DESCRIPTION"]).startswith(
            "Flyttad från onsdag 9 december 2026 16:00, Resecentrum\n\nVi står vid fontänen"
        )
    calendar = icalendar.Calendar.from_ical(client.get("/feeds/places/resecentrum.ics").data)
    on_old_day = recurring_ical_events.of(calendar).between(date(2026, 12, 9), date(2026, 12, 10))
    on_new_day = recurring_ical_events.of(calendar).between(date(2026, 12, 10), date(2026, 12, 11))
    assert uid not in {str(e["UID"]) for e in on_old_day}
    assert [str(e["UID"]) for e in on_new_day if str(e["UID"]) == uid] == [uid]


def test_the_start_page_lists_cancelled_and_moved_slots_among_the_next(app, client):
    soon = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)  # 12:00 today, before anything else
    cancelled = make_slot(place="torget", starts_at=soon)
    moved = make_slot(place="biblioteket", starts_at=datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    police = logged_in(app, "police")
    post_form(police, f"/sv/staff/presence/slots/{cancelled.id}/cancel", {"reason": "Sjukdom"})
    post_form(
        police,
        f"/sv/staff/presence/slots/{moved.id}",
        {**MOVE, "place": "biblioteket", "day": "2026-11-26", "starts": "13:00", "ends": "14:00"}
        | {"note": "Vi flyttar till torsdag"},
    )

    items = soup(client.get("/sv/")).select("ul.upcoming li")
    texts = [li.get_text(" ", strip=True) for li in items]

    assert texts[0] == "Idag 12:00–13:00 : Torget Inställt"
    assert (
        texts[1]
        == "Idag 13:00–14:00 : Biblioteket Flyttad till torsdag 26 november 13:00, Biblioteket"
    )
    assert "cancelled" in items[0]["class"] and "cancelled" in items[1]["class"]
    assert sum("cancelled" not in (li.get("class") or []) for li in items) == 3


def _calendar_with(tmp_path, pattern: str):
    path = tmp_path / "kommun.toml"
    path.write_text(CALENDAR.read_text(encoding="utf-8") + "\n" + pattern, encoding="utf-8")
    return path


CHRISTMAS_PATTERN = """
[[presence]]
key = "test-juldagen"
place = "torget"
days = ["fri"]
time = "11:00-12:00"
valid_from = 2026-12-01
valid_until = 2027-01-31
"""


def _load(path, now=NOW):
    with writing():
        counts = load_calendar(db.session, load_calendar_file(path), now=now)
        db.session.commit()
    return counts


def _christmas_slot():
    return db.session.scalar(
        select(PresenceSlot).where(
            PresenceSlot.place_id == place("torget").id,
            PresenceSlot.starts_at == datetime(2026, 12, 25, 10, 0, tzinfo=UTC),
        )
    )


def test_a_pattern_skips_holidays_unless_it_says_otherwise(app, tmp_path):
    counts = _load(_calendar_with(tmp_path, CHRISTMAS_PATTERN))

    assert _christmas_slot() is None
    assert "2026-12-25 torget (Juldagen)" in counts["holidays_skipped"]
    assert "2027-01-01 torget (Nyårsdagen)" in counts["holidays_skipped"]

    _load(_calendar_with(tmp_path, CHRISTMAS_PATTERN + "on_holidays = true\n"))
    assert _christmas_slot().status == "scheduled"


def test_a_slot_already_on_a_holiday_is_cancelled_with_the_holiday_as_reason(app, client, tmp_path):
    _load(_calendar_with(tmp_path, CHRISTMAS_PATTERN + "on_holidays = true\n"))
    uid = f"slot-{_christmas_slot().id}@narvaro.example"

    _load(_calendar_with(tmp_path, CHRISTMAS_PATTERN))
    slot = _christmas_slot()
    event = _events(client.get("/feeds/places/torget.ics"))[uid]

    assert (slot.status, slot.note, slot.translations["en"]) == (
        "cancelled",
        "Juldagen",
        {"note": "Christmas Day"},
    )
    assert slot.translations["ar"] == {"note": "عيد الميلاد"}
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Inställt: Polisen på plats: Torget"
    assert str(event["DESCRIPTION"]).startswith("Juldagen")
    assert event["SEQUENCE"] == 1
