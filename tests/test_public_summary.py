"""The pure functions behind the public pages, on plain data (no app, no database)."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from webapp.public.summary import (
    next_hours_change,
    next_presences,
    office_summary,
    slots_by_day,
    weekly_hours,
)
from webapp.schedule.office import changed_days, office_days

TZ = ZoneInfo("Europe/Stockholm")


def rule(weekday, opens, closes, valid_from=date(2025, 1, 1), valid_until=None):
    row = SimpleNamespace(
        weekday=weekday,
        opens=time(opens),
        closes=time(closes),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    row.covers = lambda day: valid_from <= day and (valid_until is None or day <= valid_until)
    return row


def closure(first, last, hours=None, note="Stängt"):
    row = SimpleNamespace(
        first_day=first,
        last_day=last,
        hours=hours,
        note=note,
        id=1,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    row.covers = lambda day: first <= day <= last
    row.intervals = [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in hours or []]
    return row


def slot(start_hour, day=25, cancelled=False, slot_id=1):
    return SimpleNamespace(
        id=slot_id,
        cancelled=cancelled,
        moved_away=False,
        starts_at=datetime(2026, 11, day, start_hour, tzinfo=UTC),
        ends_at=datetime(2026, 11, day, start_hour, tzinfo=UTC) + timedelta(hours=1),
    )


def test_weekly_hours_lists_every_weekday_with_intervals_in_order():
    rules = [rule(1, 13, 15), rule(1, 10, 12), rule(3, 13, 18)]

    week = weekly_hours(rules, date(2026, 11, 24))

    assert [w.intervals for w in week] == [
        [],
        [(time(10), time(12)), (time(13), time(15))],
        [],
        [(time(13), time(18))],
        [],
        [],
        [],
    ]


def test_next_hours_change_finds_rules_ending_without_replacement():
    rules = [rule(1, 10, 12, valid_until=date(2026, 12, 31))]

    assert next_hours_change(rules, date(2026, 11, 24)) == date(2027, 1, 1)


def test_next_hours_change_ignores_changes_beyond_eight_weeks_and_identical_weeks():
    far = [rule(1, 10, 12), rule(2, 9, 10, valid_from=date(2027, 3, 1))]
    same = [
        rule(1, 10, 12, valid_until=date(2026, 12, 31)),
        rule(1, 10, 12, valid_from=date(2027, 1, 1)),
    ]

    assert next_hours_change(far, date(2026, 11, 24)) is None
    assert next_hours_change(same, date(2026, 11, 24)) is None


def test_summary_with_changed_hours_later_today_opens_today():
    first = date(2026, 11, 24)
    days = office_days(
        [rule(1, 10, 12)],
        [closure(first, first, [["14:00", "15:00"]])],
        {},
        first,
        date(2026, 11, 30),
        TZ,
    )

    summary = office_summary(days, datetime(2026, 11, 24, 10, 0, tzinfo=UTC), TZ)

    assert summary.state == "opens-today"
    assert summary.status.opens_at == datetime(2026, 11, 24, 14, 0, tzinfo=TZ)


def test_summary_closure_on_a_holiday_is_an_exception():
    first = date(2026, 12, 25)
    days = office_days(
        [rule(4, 9, 12)],
        [closure(first, first)],
        {first: "Juldagen"},
        first,
        date(2026, 12, 31),
        TZ,
    )

    summary = office_summary(days, datetime(2026, 12, 25, 8, 0, tzinfo=UTC), TZ)

    assert summary.state == "closed-exception"


def test_changed_days_skip_holidays_on_days_the_office_is_closed_anyway():
    first = date(2026, 12, 24)
    holidays = {date(2026, 12, 24): "Julafton", date(2026, 12, 26): "Annandag jul"}
    days = office_days([rule(3, 13, 18)], [], holidays, first, date(2026, 12, 27), TZ)

    assert [d.day for d in changed_days(days)] == [date(2026, 12, 24)]


def test_next_presences_show_cancellations_among_the_next_held_and_skip_finished_ones():
    slots = [slot(8), slot(10, cancelled=True), slot(12), slot(14), slot(16)]

    assert next_presences(slots, datetime(2026, 11, 25, 8, 59, tzinfo=UTC)) == slots[:4]
    assert next_presences(slots, datetime(2026, 11, 25, 9, 0, tzinfo=UTC), 2) == slots[1:4]
    assert next_presences(slots, datetime(2026, 11, 25, 11, 0, tzinfo=UTC), 2) == slots[2:4]


def test_slots_by_day_uses_the_local_date():
    late = slot(23, day=24, slot_id=2)  # 00:00 on the 25th in Stockholm
    early = slot(9, day=24, slot_id=1)

    groups = slots_by_day([late, early], TZ)

    assert groups == [(date(2026, 11, 24), [early]), (date(2026, 11, 25), [late])]
