"""Loading the data file into the database, and `flask load-calendars`, on both backends."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select

from tests.conftest import CALENDAR, NOW
from webapp.database import writing
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    Closure,
    Municipality,
    OfficeHours,
    Place,
    PresenceSeries,
    PresenceSlot,
    ScheduleStamp,
)
from webapp.schedule import store
from webapp.schedule.calendar_file import load_calendar_file
from webapp.schedule.loading import load_calendar

TZ = ZoneInfo("Europe/Stockholm")
LATER = NOW + timedelta(days=3)
# What the tests' data file's patterns would put on holidays, and loading leaves out.
HOLIDAYS_SKIPPED = [  # in date order
    "2026-12-24 resecentrum (Julafton)",
    "2026-12-25 torget (Juldagen)",
    "2026-12-31 resecentrum (Nyårsafton)",
    "2027-01-01 torget (Nyårsdagen)",
    "2027-01-06 biblioteket (Trettondedag jul)",
    "2027-03-26 torget (Långfredagen)",
    "2027-05-06 resecentrum (Kristi himmelsfärdsdag)",
    "2027-06-25 torget (Midsommarafton)",
]


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def snapshot():
    """Everything a load could change, in a comparable form."""
    db.session.expire_all()
    rows = {
        model.__name__: sorted(
            tuple(str(getattr(row, c.key)) for c in model.__table__.columns)
            for row in db.session.scalars(select(model))
        )
        for model in (
            Municipality,
            Place,
            OfficeHours,
            Closure,
            PresenceSeries,
            PresenceSlot,
            ScheduleStamp,
        )
    }
    return rows


def slots_at(slug):
    place = db.session.scalar(select(Place).where(Place.slug == slug))
    return list(
        db.session.scalars(
            select(PresenceSlot)
            .where(PresenceSlot.place_id == place.id)
            .order_by(PresenceSlot.starts_at)
        )
    )


def reload(path=CALENDAR, now=LATER):
    with writing():
        counts = load_calendar(db.session, load_calendar_file(path), now=now)
        db.session.commit()
    return counts


def empty_database():
    with writing():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()


# --- the default file ------------------------------------------------------------------------


def test_default_file_loads_exactly_these_rows(app):
    assert count(Municipality) == 1
    assert [p.slug for p in db.session.scalars(select(Place).order_by(Place.position))] == [
        "poliskontoret",
        "torget",
        "resecentrum",
        "biblioteket",
    ]
    assert count(OfficeHours, OfficeHours.deleted_at.is_(None)) == 8
    assert count(Closure, Closure.deleted_at.is_(None)) == 2
    assert count(PresenceSeries) == 3
    # Holidays are skipped: Torget's Fridays 25 Dec, 1 Jan, 26 Mar (Långfredagen), 25 Jun
    # (Midsommarafton); Resecentrum's Thursdays 24 Dec, 31 Dec, 6 May (Kristi himmelsfärd);
    # Biblioteket's Wednesday 6 Jan (Trettondedag jul).
    assert count(PresenceSlot) == 122
    assert [len(slots_at(s)) for s in ("torget", "resecentrum", "biblioteket")] == [57, 40, 25]
    assert count(PresenceSlot, PresenceSlot.status != "scheduled") == 0


def test_default_file_municipality_and_office_values(app):
    town = db.session.scalar(select(Municipality))
    office = db.session.scalar(select(Place).where(Place.kind == "office"))

    assert (town.slug, town.name, town.timezone, town.example_data) == (
        "savsjo",
        "Sävsjö kommun",
        "Europe/Stockholm",
        True,
    )
    assert town.text("name", "en") == "Sävsjö Municipality"
    assert office.slug == "poliskontoret"
    assert office.address == "Storgatan 1, 576 31 Sävsjö (exempeladress)"
    assert (office.latitude, office.longitude, office.phone) == (57.40289, 14.66397, "114 14")


def test_default_file_tuesday_hours_from_2026(app):
    rows = db.session.scalars(
        select(OfficeHours)
        .where(OfficeHours.weekday == 1)
        .order_by(OfficeHours.valid_from, OfficeHours.opens)
    ).all()

    assert [(r.opens, r.closes, r.valid_from, r.valid_until, r.source) for r in rows] == [
        (time(8), time(10), date(2024, 1, 1), date(2025, 12, 31), "file"),
        (time(13), time(14), date(2024, 1, 1), date(2025, 12, 31), "file"),
        (time(9, 30), time(11, 45), date(2026, 1, 1), None, "file"),
        (time(12, 45), time(15, 30), date(2026, 1, 1), None, "file"),
    ]


def test_default_file_first_torget_slot_is_friday_2_october_at_one(app):
    first = slots_at("torget")[0]

    assert first.starts_at.astimezone(TZ) == datetime(2026, 10, 2, 13, 0, tzinfo=TZ)
    assert first.ends_at.astimezone(TZ) == datetime(2026, 10, 2, 14, 30, tzinfo=TZ)
    assert first.starts_at == datetime(2026, 10, 2, 11, 0, tzinfo=UTC)
    assert (first.status, first.sequence, first.origin_start) == ("scheduled", 0, first.starts_at)


def test_default_file_library_slots_are_every_other_wednesday_at_ten(app):
    starts = [s.starts_at.astimezone(TZ) for s in slots_at("biblioteket")]

    assert starts[0] == datetime(2026, 9, 16, 10, 0, tzinfo=TZ)
    assert starts[-1] == datetime(2027, 9, 1, 10, 0, tzinfo=TZ)

    gaps = [b.date() - a.date() for a, b in zip(starts, starts[1:], strict=False)]
    # Every other week, but for Trettondedag jul (Wednesday 6 January 2027): no presence then.
    assert set(gaps) == {timedelta(days=14), timedelta(days=28)}
    assert [
        b.date() for a, b in zip(starts, starts[1:], strict=False) if b - a > timedelta(days=14)
    ] == [date(2027, 1, 20)]
    assert {(s.weekday(), s.time()) for s in starts} == {(2, time(10, 0))}


def test_default_file_closure_between_christmas_and_new_year(app):
    closure = db.session.scalar(select(Closure).where(Closure.first_day == date(2026, 12, 29)))

    assert (closure.last_day, closure.hours, closure.note, closure.source) == (
        date(2026, 12, 30),
        [["09:00", "11:00"]],
        "Kortare öppettider i mellandagarna",
        "file",
    )
    assert closure.text("note", "en") == "Shorter hours between Christmas and New Year"
    summer = db.session.scalar(select(Closure).where(Closure.first_day == date(2027, 7, 12)))
    assert (summer.last_day, summer.hours, summer.note) == (date(2027, 8, 8), None, "Sommarstängt")


# --- reloading -------------------------------------------------------------------------------


def test_reloading_the_same_file_changes_nothing(app, pin):
    before = snapshot()
    pin(LATER)

    counts = reload()

    assert counts == {
        "places": 3,
        "hours": 0,
        "closures": 0,
        "slots_added": 0,
        "slots_cancelled": 0,
        "holidays_skipped": HOLIDAYS_SKIPPED,
    }
    assert snapshot() == before
    assert db.session.get(ScheduleStamp, 1).changed_at == NOW


def test_a_slot_staff_cancelled_survives_a_reload(app, pin):
    slot = slots_at("torget")[20]
    slot.status, slot.note = "cancelled", "Inställt: polisen behövs på annat håll"
    slot.touch(NOW)
    db.session.commit()
    pin(LATER)

    reload()

    db.session.expire_all()
    again = db.session.get(PresenceSlot, slot.id)
    assert (again.status, again.note, again.sequence) == (
        "cancelled",
        "Inställt: polisen behövs på annat håll",
        1,
    )
    assert count(PresenceSlot, PresenceSlot.origin_start == again.origin_start) == 1
    assert count(PresenceSlot) == 122


def test_a_pattern_gone_from_the_file_cancels_only_its_future_slots(app, pin, tmp_path):
    text = CALENDAR.read_text(encoding="utf-8")
    start = text.index('[[presence]]\nkey = "resecentrum-torsdag"')
    end = text.index("[[presence]]", start + 1)
    smaller = tmp_path / "smaller.toml"
    smaller.write_text(text[:start] + text[end:], encoding="utf-8")
    pin(LATER)

    counts = reload(smaller)

    slots = slots_at("resecentrum")
    past = [s for s in slots if s.starts_at <= LATER]
    assert counts["slots_cancelled"] == len(slots) - len(past) == 27
    assert {s.status for s in past} == {"scheduled"}
    assert {(s.status, s.note, s.sequence) for s in slots if s.starts_at > LATER} == {
        ("cancelled", "Tiden har tagits bort ur schemat", 1)
    }
    assert store.schedule_changed_at(db.session) == LATER  # Sävsjö's own
    assert reload(smaller)["slots_cancelled"] == 0


# --- the command -----------------------------------------------------------------------------


def test_cli_loads_into_an_empty_database(app):
    empty_database()

    result = app.test_cli_runner().invoke(args=["load-calendars"])

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "No presence on holidays: " + ", ".join(HOLIDAYS_SKIPPED) + "\n"
        f"Loaded {CALENDAR}: the office and 3 places, 8 hour rules and 2 closures changed, "
        "122 presence slots added, 0 cancelled.\n"
    )
    assert (count(Place), count(OfficeHours), count(Closure), count(PresenceSlot)) == (4, 8, 2, 122)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "calendar.load"))
    assert (event.at, event.actor_id, event.actor_label, event.after) == (
        NOW,
        None,
        "cli",
        {
            "hours": 8,
            "closures": 2,
            "places": 3,
            "slots_added": 122,
            "slots_cancelled": 0,
            "holidays_skipped": HOLIDAYS_SKIPPED,
        },
    )


def test_cli_reload_of_the_same_file_reports_no_changes(app):
    result = app.test_cli_runner().invoke(args=["load-calendars", str(CALENDAR)])

    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        ": the office and 3 places, 0 hour rules and 0 closures changed, "
        "0 presence slots added, 0 cancelled.\n"
    )


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "latitude = 57.40289",
            "latitude = 91",
            "office.latitude: a number from -90 to 90 is required here",
        ),
        (
            'place = "biblioteket"',
            'place = "kyrkan"',
            "presence[2].place: no place has the slug 'kyrkan'",
        ),
    ],
)
def test_cli_with_a_bad_file_exits_non_zero_and_leaves_the_database_alone(
    app, tmp_path, old, new, problem
):
    # A valid change at the top too: a half-load would show it.
    text = (
        CALENDAR.read_text(encoding="utf-8")
        .replace('name = "Sävsjö kommun"', 'name = "Ett annat namn"')
        .replace(old, new)
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    line = text.splitlines().index(new) + 1  # the only line that says it
    before = snapshot()

    result = app.test_cli_runner().invoke(args=["load-calendars", str(bad)])

    assert result.exit_code == 1
    assert result.stderr == f"Error: {bad}, line {line}, {problem}\n"
    assert result.stdout == ""
    assert snapshot() == before


def test_reload_keeps_what_staff_changed_in_hours_closures_and_series(app, pin):
    from webapp.schedule import office_edits as staff_office
    from webapp.schedule import planning

    office = db.session.scalar(select(Place).where(Place.slug == "poliskontoret"))
    series = db.session.scalar(
        select(PresenceSeries).where(PresenceSeries.file_key == "torget-fredag")
    )
    with writing():
        staff_office.set_weekly_hours(
            db.session,
            office,
            [(1, time(9), time(11))],
            valid_from=date(2027, 1, 1),
            valid_until=None,
            now=NOW,
            actor=None,
        )
        summer = db.session.scalar(select(Closure).where(Closure.note == "Sommarstängt"))
        staff_office.remove_closure(db.session, summer, now=NOW, actor=None)
        planning.end_series(
            db.session,
            series,
            from_day=date(2027, 1, 1),
            reason="Slutar",
            tz=TZ,
            now=NOW,
            actor=None,
        )
        db.session.commit()
    before = snapshot()

    counts = reload()

    assert counts["hours"] == 0
    assert counts["closures"] == 0
    assert counts["slots_added"] == 0
    assert snapshot() == before
    # Tuesdays: two 2024–25 rows, two 2026 rows cut to end 2026-12-31, staff's 09–11 from 2027.
    assert count(OfficeHours, OfficeHours.deleted_at.is_(None), OfficeHours.weekday == 1) == 5


# --- a reload that changes a pattern ---------------------------------------------------------


def _edited(tmp_path, *replacements):
    text = CALENDAR.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "edited.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_reload_adds_no_occurrences_that_began_before_now(app, pin, tmp_path):
    edited = _edited(
        tmp_path,
        (
            'time = "13:00-14:30"\nvalid_from = 2026-10-02\nvalid_until = 2027-11-26',
            'time = "13:00-14:30"\nvalid_from = 2026-08-01\nvalid_until = 2027-12-20',
        ),
    )
    pin(LATER)

    counts = reload(edited)

    starts = [s.starts_at.astimezone(TZ).date() for s in slots_at("torget")]
    assert counts["slots_added"] == 3
    assert starts[0] == date(2026, 10, 2)
    assert starts[-3:] == [date(2027, 12, day) for day in (3, 10, 17)]
    assert len(starts) == 64 - 4  # not on Juldagen, Nyårsdagen, Långfredagen, Midsommarafton


def test_a_moved_pattern_moves_untouched_future_slots_only(app, pin, tmp_path):
    from webapp.schedule import planning

    torget = slots_at("torget")
    past, staff_edited, untouched = torget[0], torget[20], torget[21]
    with writing():
        planning.update_slot(
            db.session,
            staff_edited,
            place=staff_edited.place,
            starts_at=staff_edited.starts_at,
            ends_at=staff_edited.ends_at,
            note="Vid biblioteket den här gången",
            now=NOW,
            actor=None,
        )
        db.session.commit()
    ids = past.id, staff_edited.id, untouched.id
    edited = _edited(
        tmp_path,
        (
            'place = "torget"\ndays = ["fri"]\ntime = "13:00-14:30"',
            'place = "resecentrum"\ndays = ["fri"]\ntime = "13:00-15:30"',
        ),
    )
    pin(LATER)

    counts = reload(edited)

    db.session.expire_all()
    past, staff_edited, untouched = (db.session.get(PresenceSlot, i) for i in ids)
    resecentrum = db.session.scalar(select(Place).where(Place.slug == "resecentrum"))
    assert (counts["slots_added"], counts["slots_cancelled"]) == (0, 0)
    assert (past.place.slug, past.ends_at.astimezone(TZ).time(), past.sequence) == (
        "torget",
        time(14, 30),
        0,
    )
    assert (staff_edited.place.slug, staff_edited.ends_at.astimezone(TZ).time()) == (
        "torget",
        time(14, 30),
    )
    assert (staff_edited.sequence, staff_edited.note) == (1, "Vid biblioteket den här gången")
    assert (untouched.place_id, untouched.ends_at.astimezone(TZ), untouched.sequence) == (
        resecentrum.id,
        datetime(2027, 3, 12, 15, 30, tzinfo=TZ),  # the 22nd Friday, holidays left out
        1,
    )
    assert untouched.updated_at == LATER
    moved = [s for s in slots_at("resecentrum") if s.series.file_key == "torget-fredag"]
    assert len(moved) == len([s for s in torget if s.starts_at > LATER]) - 1


def test_a_removed_pattern_leaves_a_slot_staff_edited_alone(app, pin, tmp_path):
    from webapp.schedule import planning

    slot = slots_at("resecentrum")[30]
    with writing():
        planning.update_slot(
            db.session,
            slot,
            place=slot.place,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at + timedelta(minutes=30),
            note="",
            now=NOW,
            actor=None,
        )
        db.session.commit()
    slot_id = slot.id
    text = CALENDAR.read_text(encoding="utf-8")
    start = text.index('[[presence]]\nkey = "resecentrum-torsdag"')
    end = text.index("[[presence]]", start + 1)
    smaller = tmp_path / "smaller.toml"
    smaller.write_text(text[:start] + text[end:], encoding="utf-8")
    pin(LATER)

    counts = reload(smaller)

    again = db.session.get(PresenceSlot, slot_id)
    assert counts["slots_cancelled"] == 27 - 1  # its future slots, less the one staff edited

    assert (again.status, again.sequence) == ("scheduled", 1)


def test_a_changed_place_text_raises_its_future_slots_sequence(app, pin, tmp_path):
    edited = _edited(
        tmp_path,
        ('address = "Stationsgatan, Sävsjö"', 'address = "Stationsgatan 2, Sävsjö"'),
        ('description = "By the waiting room at the station."', 'description = "By track 1."'),
    )
    pin(LATER)

    reload(edited)

    slots = slots_at("resecentrum")
    assert {(s.sequence, s.updated_at) for s in slots if s.starts_at > LATER} == {(1, LATER)}
    assert {s.sequence for s in slots if s.starts_at <= LATER} == {0}
    assert {s.sequence for s in slots_at("torget")} == {0}
    assert store.schedule_changed_at(db.session) == LATER  # Sävsjö's own
