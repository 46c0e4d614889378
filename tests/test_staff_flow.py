"""The staff flow through the real app: CLI account, login, series, cancel, feed, outcome."""

from datetime import UTC, date, datetime, time

import icalendar
from sqlalchemy import select

from tests.factories import PASSWORD, make_slot, make_user, place
from tests.support.html import error_summary, soup
from tests.support.staff import logged_in, login, post_form
from webapp.extensions import db
from webapp.models import AuditEvent, Closure, OfficeHours, PresenceSeries, PresenceSlot

SERIES = {
    "place": "biblioteket",
    "weekdays": ["3"],  # Thursday
    "starts": "10:00",
    "ends": "11:00",
    "first_day": "2026-11-26",
    "last_day": "2026-12-17",
    "interval_weeks": "1",
}


def _feed_events(client, path="/feeds/presence.ics"):
    response = client.get(path)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _slot_at(series_id, starts_at):
    return db.session.scalar(
        select(PresenceSlot).where(
            PresenceSlot.series_id == series_id, PresenceSlot.starts_at == starts_at
        )
    )


def test_full_flow_series_cancel_feed_outcome(app, pin):
    email = make_user(app, "police")
    client = app.test_client()
    assert login(client, email).status_code == 302

    created = post_form(client, "/sv/staff/presence/series/new", SERIES)
    assert created.status_code == 302, error_summary(created)
    series = db.session.scalar(select(PresenceSeries).where(PresenceSeries.source == "staff"))
    slots = db.session.scalars(
        select(PresenceSlot)
        .where(PresenceSlot.series_id == series.id)
        .order_by(PresenceSlot.starts_at)
    ).all()
    # Thursdays 26 Nov, 3, 10 and 17 Dec at 10:00 in Sävsjö (09:00 UTC).
    assert [s.starts_at for s in slots] == [
        datetime(2026, 11, 26, 9, tzinfo=UTC),
        datetime(2026, 12, 3, 9, tzinfo=UTC),
        datetime(2026, 12, 10, 9, tzinfo=UTC),
        datetime(2026, 12, 17, 9, tzinfo=UTC),
    ]
    target = slots[1]
    uid = f"slot-{target.id}@narvaro.example"
    before = _feed_events(client)[uid]
    assert (before["STATUS"], before["SEQUENCE"]) == ("CONFIRMED", 0)
    pin(datetime(2026, 11, 24, 9, 40, tzinfo=UTC))

    cancelled = post_form(
        client, f"/sv/staff/presence/slots/{target.id}/cancel", {"reason": "Utryckning"}
    )

    assert cancelled.status_code == 302
    after = _feed_events(client)[uid]
    assert after["STATUS"] == "CANCELLED"
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    assert str(after["SUMMARY"]).startswith("Inställt")
    assert "Utryckning" in str(after["DESCRIPTION"])
    public = soup(client.get("/sv/presence"))
    assert "Utryckning" in public.get_text()

    # Two days later the first Thursday has passed: log in again and report it.
    pin(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    assert client.get("/sv/staff/outcomes").status_code == 302  # the idle timeout ended it
    assert login(client, email).status_code == 302
    listed = soup(client.get("/sv/staff/outcomes"))
    assert listed.find(id=f"slot-{slots[0].id}") is not None

    reported = post_form(
        client,
        f"/sv/staff/presence/slots/{slots[0].id}/outcome",
        {"held": "yes", "people_met": "7", "reason": ""},
    )

    assert reported.status_code == 302
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    first = db.session.get(PresenceSlot, slots[0].id)
    assert (first.held, first.people_met, first.outcome_by_id is not None) == (True, 7, True)
    assert soup(client.get("/sv/staff/outcomes")).find(id=f"slot-{slots[0].id}") is None
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [
        "user.create",
        "login",
        "series.create",
        "slot.cancel",
        "login",
        "slot.outcome",
    ]
    assert not any(
        PASSWORD in str(e.before) + str(e.after) + e.actor_label
        for e in db.session.scalars(select(AuditEvent))
    )


def test_outcome_not_held_needs_a_reason_and_keeps_input(app, pin):
    slot = make_slot(starts_at=datetime(2026, 11, 20, 14, 0, tzinfo=UTC))
    client = logged_in(app, "police")

    response = post_form(
        client, f"/sv/staff/presence/slots/{slot.id}/outcome", {"held": "no", "people_met": "3"}
    )

    assert response.status_code == 400
    assert error_summary(response) == ["Skriv varför tillfället inte blev av"]
    page = soup(response)
    assert page.find("input", attrs={"name": "people_met"})["value"] == "3"
    assert page.find("input", attrs={"name": "held", "value": "no"}).has_attr("checked")
    assert page.title.get_text().startswith("Fel: Rapportera resultat")


def test_moving_a_slot_keeps_uid_and_raises_sequence(app):
    slot = make_slot()
    client = logged_in(app, "police")
    before = _feed_events(client)[f"slot-{slot.id}@narvaro.example"]

    moved = post_form(
        client,
        f"/sv/staff/presence/slots/{slot.id}",
        {
            "place": "resecentrum",
            "day": "2026-12-02",
            "starts": "12:30",
            "ends": "13:30",
            "note": "Vid entrén",
        },
    )

    assert moved.status_code == 302
    after = _feed_events(client)[f"slot-{slot.id}@narvaro.example"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after["DTSTART"].dt.astimezone(UTC) == datetime(2026, 12, 2, 11, 30, tzinfo=UTC)
    assert "Resecentrum" in str(after["LOCATION"])
    assert "Vid entrén" in str(after["DESCRIPTION"])


def test_single_slot_on_a_holiday_at_a_busy_place_warns_then_saves(app):
    # Torget already has a slot 15:30-16:30 on Friday 25 December 2026, Juldagen.
    make_slot(starts_at=datetime(2026, 12, 25, 14, 30, tzinfo=UTC))
    client = logged_in(app, "police")
    data = {"place": "torget", "day": "2026-12-25", "starts": "16:00", "ends": "18:00"}

    first = post_form(client, "/sv/staff/presence/slots/new", data)

    assert first.status_code == 200
    warning = soup(first).select_one(".notice-warning").get_text(" ", strip=True)
    assert "Juldagen" in warning and "15:30–16:30" in warning

    assert soup(first).find("input", attrs={"name": "confirm"})["value"] == "1"
    assert (
        db.session.scalar(select(PresenceSlot).where(PresenceSlot.created_by_id.is_not(None)))
        is None
    )

    second = post_form(client, "/sv/staff/presence/slots/new", {**data, "confirm": "1"})

    assert second.status_code == 302
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    added = db.session.scalar(select(PresenceSlot).where(PresenceSlot.created_by_id.is_not(None)))
    assert added.starts_at == datetime(2026, 12, 25, 15, 0, tzinfo=UTC)


def test_ending_a_series_cancels_future_slots_only(app, pin):
    series = db.session.scalar(
        select(PresenceSeries).where(PresenceSeries.file_key == "torget-fredag")
    )
    past = db.session.scalars(
        select(PresenceSlot).where(
            PresenceSlot.series_id == series.id,
            PresenceSlot.starts_at < datetime(2026, 11, 24, tzinfo=UTC),
        )
    ).all()
    client = logged_in(app, "police")

    response = post_form(
        client,
        f"/sv/staff/presence/series/{series.id}/end",
        {"from_day": "2026-12-10", "reason": "Ny planering"},
    )

    assert response.status_code == 302
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    slots = db.session.scalars(
        select(PresenceSlot).where(PresenceSlot.series_id == series.id)
    ).all()
    cancelled = [s for s in slots if s.cancelled]
    assert min(s.starts_at for s in cancelled) == datetime(2026, 12, 11, 12, 0, tzinfo=UTC)
    assert all(s.starts_at >= datetime(2026, 12, 10, tzinfo=UTC) for s in cancelled)
    assert all(s.note == "Ny planering" and s.sequence == 1 for s in cancelled)
    assert all(not s.cancelled and s.sequence == 0 for s in past)
    assert db.session.get(PresenceSeries, series.id).last_day == date(2026, 12, 9)


def test_weekly_hours_change_from_a_date_keeps_earlier_days(app):
    client = logged_in(app, "police")
    data = {"valid_from": "2027-01-04", "d0_1_opens": "09:00", "d0_1_closes": "12:00"}

    response = post_form(client, "/sv/staff/office/hours", data)

    assert response.status_code == 302
    live = db.session.scalars(
        select(OfficeHours)
        .where(OfficeHours.deleted_at.is_(None))
        .order_by(OfficeHours.valid_from, OfficeHours.weekday, OfficeHours.opens)
    ).all()
    summary = [(r.weekday, r.opens, r.valid_from, r.valid_until, r.source) for r in live]
    assert (0, time(9), date(2027, 1, 4), None, "staff") in summary
    assert (1, time(9, 30), date(2026, 1, 1), date(2027, 1, 3), "staff") in summary

    assert not any(r.weekday == 1 and r.valid_from >= date(2027, 1, 4) for r in live)
    office = soup(client.get("/sv/office")).get_text()
    assert "Poliskontoret" in office


def test_closure_added_edited_removed_keeps_rows_immutable(app):
    client = logged_in(app, "police")

    added = post_form(
        client,
        "/sv/staff/office/closures/new",
        {
            "first_day": "2026-12-01",
            "kind": "changed",
            "opens": "10:00",
            "closes": "11:00",
            "note": "Kort dag",
            "note_en": "Short day",
        },
    )
    assert added.status_code == 302
    first = db.session.scalar(select(Closure).where(Closure.source == "staff"))
    assert (first.hours, first.last_day, first.text("note", "en")) == (
        [["10:00", "11:00"]],
        date(2026, 12, 1),
        "Short day",
    )

    edited = post_form(
        client,
        f"/sv/staff/office/closures/{first.id}",
        {"first_day": "2026-12-01", "kind": "closed", "note": "Stängt hela dagen"},
    )
    assert edited.status_code == 302
    removed = post_form(
        client,
        f"/sv/staff/office/closures/{first.id + 1}/remove",
        {},
        token_from=f"/sv/staff/office/closures/{first.id + 1}",
    )

    assert removed.status_code == 302
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    rows = db.session.scalars(
        select(Closure).where(Closure.source == "staff").order_by(Closure.id)
    ).all()
    assert [(r.hours, r.note, r.deleted_at is not None) for r in rows] == [
        ([["10:00", "11:00"]], "Kort dag", True),
        (None, "Stängt hela dagen", True),
    ]


def test_closure_shows_on_public_office_page_and_feed_at_once(app):
    client = logged_in(app, "police")

    post_form(
        client,
        "/sv/staff/office/closures/new",
        {"first_day": "2026-11-26", "kind": "closed", "note": "Utbildningsdag för alla"},
    )

    assert "Utbildningsdag för alla" in soup(client.get("/sv/office")).get_text()
    thursday = _feed_events(client, "/feeds/office.ics")["office-20261126-0@narvaro.example"]
    assert (thursday["STATUS"], str(thursday["SUMMARY"])) == (
        "CANCELLED",
        "Stängt: Utbildningsdag för alla",
    )


def test_slot_place_is_a_real_place(app):
    assert place("torget") is not None


def test_restoring_a_cancelled_slot_raises_sequence_again(app):
    slot = make_slot()
    client = logged_in(app, "police")
    post_form(client, f"/sv/staff/presence/slots/{slot.id}/cancel", {"reason": "Sjukdom"})

    restored = post_form(
        client,
        f"/sv/staff/presence/slots/{slot.id}/restore",
        {},
        token_from=f"/sv/staff/presence/slots/{slot.id}",
    )

    assert restored.status_code == 302
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    again = db.session.get(PresenceSlot, slot.id)
    assert (again.status, again.note, again.sequence) == ("scheduled", "", 2)


def test_action_without_a_token_explains_and_links_back(app):
    slot = make_slot()
    client = logged_in(app, "police")
    post_form(client, f"/sv/staff/presence/slots/{slot.id}/cancel", {"reason": "Sjukdom"})

    response = client.post(f"/sv/staff/presence/slots/{slot.id}/restore")

    page = soup(response)
    assert response.status_code == 400
    assert page.h1.get_text(strip=True) == "Sidan var öppen för länge"
    assert page.find("a", string="Tillbaka")["href"] == f"/sv/staff/presence/slots/{slot.id}"
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    assert db.session.get(PresenceSlot, slot.id).status == "cancelled"


def test_municipality_reads_the_schedule_without_edit_links(app):
    client = logged_in(app, "municipality")

    page = soup(client.get("/sv/staff/presence"))

    assert page.find("a", href=lambda h: h and "/cancel" in h) is None
    assert page.find("a", href="/sv/staff/presence/series/new") is None
    assert len(page.select(".slot-list li")) > 0
