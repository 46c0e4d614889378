"""A slot's life (webapp.schedule.slots): the transitions, what each staff action allows, and each
state's Python check agreeing with its SQL on SQLite and PostgreSQL, at the boundary times too."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import NOW
from tests.factories import make_slot, place
from tests.support.html import soup
from webapp.database import writing
from webapp.extensions import db
from webapp.models import PresenceSlot, SlotStatus, working_at
from webapp.schedule import planning, slots
from webapp.schedule.slots import (
    CANCELLED,
    ENDED,
    IN_PROGRESS,
    OVER,
    REPORTED,
    SCHEDULED,
    STARTED,
    STATES,
    UNREPORTED,
    UPCOMING,
    slot_allows,
)

START = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
END = START + timedelta(hours=1)
TICK = timedelta(microseconds=1)


def _slot(**overrides) -> PresenceSlot:
    """A slot in memory, never saved: the transitions and checks need no database."""
    values = {
        "id": 7,
        "place_id": 1,
        "starts_at": START,
        "ends_at": END,
        "status": SlotStatus.SCHEDULED,
        "note": "",
        "translations": {},
        "sequence": 0,
        "updated_at": NOW,
    }
    return PresenceSlot(**(values | overrides))


# The transitions


def test_cancel_sets_the_reason_its_translations_and_raises_the_sequence():
    slot = _slot(translations={"en": {"note": "Old note"}})
    later = NOW + timedelta(minutes=5)

    slots.cancel(slot, "Helgdag", later, reason_other={"en": "Holiday"})

    assert (slot.status, slot.note) == ("cancelled", "Helgdag")
    assert slot.translations == {"en": {"note": "Holiday"}}
    assert (slot.sequence, slot.updated_at) == (1, later)
    assert slot.cancelled


def test_cancel_by_staff_drops_the_translated_notes_of_the_old_state():
    slot = _slot(note="Vid fontänen", translations={"en": {"note": "By the fountain"}})

    slots.cancel(slot, "Utryckning", NOW)

    assert (slot.note, slot.translations) == ("Utryckning", {})


def test_restore_schedules_again_without_the_reason():
    slot = _slot()
    slots.cancel(slot, "Utryckning", NOW, reason_other={"en": "Call-out"})

    slots.restore(slot, NOW)

    assert (slot.status, slot.note, slot.translations, slot.sequence) == ("scheduled", "", {}, 2)
    assert not slot.cancelled


def test_move_remembers_where_the_slot_was_published():
    slot = _slot()

    moved = slots.move(
        slot, place_id=2, starts_at=START + timedelta(days=1), ends_at=END + timedelta(days=1),
        note="Vi står vid fontänen", now=NOW,
    )  # fmt: skip

    assert moved
    assert (slot.moved_from_start, slot.moved_from_end, slot.moved_from_place_id) == (START, END, 1)
    assert (slot.place_id, slot.starts_at, slot.note, slot.sequence) == (
        2, START + timedelta(days=1), "Vi står vid fontänen", 1,
    )  # fmt: skip
    assert slot.was_moved


def test_a_new_note_alone_is_no_move_and_drops_the_translated_note():
    slot = _slot(note="Gamla", translations={"en": {"note": "Old"}})

    changed = slots.move(slot, place_id=1, starts_at=START, ends_at=END, note="Nya", now=NOW)

    assert changed
    assert (slot.note, slot.translations, slot.sequence) == ("Nya", {}, 1)
    assert slot.moved_from_start is None
    assert not slot.was_moved


def test_move_to_where_the_slot_already_is_changes_nothing():
    slot = _slot(note="Samma")

    changed = slots.move(slot, place_id=1, starts_at=START, ends_at=END, note="Samma", now=NOW)

    assert not changed
    assert (slot.sequence, slot.moved_from_start) == (0, None)


def test_following_the_pattern_moves_without_a_moved_notice():
    slot = _slot()

    followed = slots.follow_pattern(slot, place_id=1, starts_at=START + TICK, ends_at=END, now=NOW)
    again = slots.follow_pattern(slot, place_id=1, starts_at=START + TICK, ends_at=END, now=NOW)

    assert (followed, again) == (True, False)
    assert (slot.starts_at, slot.sequence, slot.moved_from_start) == (START + TICK, 1, None)


# What each state and staff action holds at the boundaries


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (START - TICK, UPCOMING),
        (START, IN_PROGRESS),
        (END - TICK, IN_PROGRESS),
        (END, OVER),
    ],
)
def test_a_scheduled_slot_is_in_exactly_one_state_at_a_time(now, state):
    slot = _slot()

    holding = [s.name for s in (UPCOMING, IN_PROGRESS, OVER) if s.holds(slot, now)]

    assert holding == [state.name]


@pytest.mark.parametrize("now", [START - TICK, START, END])
def test_a_cancelled_slot_is_neither_upcoming_in_progress_nor_over(now):
    slot = _slot(status=SlotStatus.CANCELLED)

    assert [s.name for s in STATES if s.holds(slot, now)] == []


def test_an_over_slot_is_unreported_until_its_outcome_is_recorded():
    assert UNREPORTED.holds(_slot(held=None), END)
    assert not UNREPORTED.holds(_slot(held=False), END)
    assert not UNREPORTED.holds(_slot(held=True), END)
    assert OVER.holds(_slot(held=True), END)


@pytest.mark.parametrize(
    ("status", "now", "allowed"),
    [
        (SlotStatus.SCHEDULED, START - TICK, {"edit", "cancel"}),
        (SlotStatus.SCHEDULED, START, {"edit", "cancel"}),
        (SlotStatus.SCHEDULED, END, {"outcome"}),
        (SlotStatus.CANCELLED, START - TICK, {"restore"}),
        (SlotStatus.CANCELLED, END - TICK, {"restore"}),
        (SlotStatus.CANCELLED, END, set()),
    ],
)
def test_staff_actions_fit_the_slot_at_the_moment(status, now, allowed):
    slot = _slot(status=status)
    actions = ("edit", "cancel", "restore", "outcome")

    assert {a for a in actions if slot_allows(slot, a, now)} == allowed


def test_the_states_are_named_for_templates():
    assert [s.name for s in STATES] == ["upcoming", "in_progress", "over", "unreported"]


# Python and SQL agree

AGREEMENT = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CHECKED = (SCHEDULED, CANCELLED, STARTED, ENDED, REPORTED, *STATES)
# `now` on a boundary, a microsecond either side of one, or anywhere around the slot.
EDGES = st.sampled_from([START, END]).flatmap(
    lambda edge: st.sampled_from([edge - TICK, edge, edge + TICK])
)
MOMENTS = st.one_of(
    EDGES,
    st.integers(-7200, 7200).map(lambda s: START + timedelta(seconds=s)),
    st.integers(-(10**9), 10**9).map(lambda us: END + timedelta(microseconds=us)),
)


@AGREEMENT
@given(
    status=st.sampled_from(list(SlotStatus)),
    held=st.sampled_from([None, True, False]),
    now=MOMENTS,
)
def test_each_state_in_python_agrees_with_its_sql(app, status, held, now):
    with writing():
        slot = PresenceSlot(
            place_id=place().id, starts_at=START, ends_at=END, status=status, held=held,
            created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        db.session.add(slot)
        db.session.flush()
        in_sql = {
            state.name: db.session.scalar(
                select(PresenceSlot.id).where(PresenceSlot.id == slot.id, state.sql(now))
            )
            == slot.id
            for state in CHECKED
        }
        in_python = {state.name: state.holds(slot, now) for state in CHECKED}
        db.session.rollback()

    assert in_sql == in_python


def test_ending_a_series_leaves_the_slot_that_starts_at_that_moment(app):
    first = db.session.scalars(
        select(PresenceSlot)
        .where(PresenceSlot.series_id.is_not(None), PresenceSlot.starts_at > NOW)
        .order_by(PresenceSlot.starts_at)
    ).first()
    series, now, tz = first.series, first.starts_at, ZoneInfo("Europe/Stockholm")

    with writing():
        working_at(db.session, now)
        planning.end_series(
            db.session, series, from_day=now.astimezone(tz).date(), reason="Slut", tz=tz,
            now=now, actor=None,
        )  # fmt: skip
        db.session.commit()

    later = db.session.scalars(
        select(PresenceSlot).where(
            PresenceSlot.series_id == series.id, PresenceSlot.starts_at > now
        )
    ).all()
    assert IN_PROGRESS.holds(first, now)
    assert later and all(s.cancelled and s.note == "Slut" for s in later)


# Readers


def test_the_public_pages_tag_only_the_slot_in_progress(app, client):
    make_slot(starts_at=NOW - timedelta(minutes=30))  # 10:00–11:00 in Sävsjö, in progress
    make_slot(starts_at=NOW - timedelta(minutes=15), status=SlotStatus.CANCELLED, note="Sjuk")
    make_slot(starts_at=NOW + timedelta(hours=1))  # 11:30–12:30, upcoming

    home = soup(client.get("/sv/")).select("ul.upcoming li")
    place = soup(client.get("/sv/places/torget")).select("li.slot")

    def in_progress(items):
        return [li.get_text(" ", strip=True)[:20] for li in items if li.select(".tag-now")]

    assert in_progress(home) == ["Idag 10:00–11:00: To"]
    assert in_progress(place) == ["10:00–11:00 Pågår nu"]
    assert any("Inställt" in li.get_text() for li in home)  # the cancelled one is listed, untagged
