"""Presence occurrences from weekly patterns, and the patterns in force on a day."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from webapp.models import PresenceSlot


def pattern_occurrences(
    weekdays,
    starts: time,
    ends: time,
    first_day: date,
    last_day: date,
    interval_weeks: int,
    tz: ZoneInfo,
):
    """(start, end) in UTC for every occurrence of a weekly pattern, in order.

    Weeks count from the Monday of first_day's week, so "every 2 weeks" is stable however
    the range is later cut.
    """
    week_zero = first_day - timedelta(days=first_day.weekday())
    day = first_day
    while day <= last_day:
        weeks = (day - week_zero).days // 7
        if day.weekday() in weekdays and weeks % interval_weeks == 0:
            start = datetime.combine(day, starts, tzinfo=tz).astimezone(UTC)
            end = datetime.combine(day, ends, tzinfo=tz).astimezone(UTC)
            yield start, end
        day += timedelta(days=1)


def series_slot(series, start: datetime, end: datetime, now: datetime, created_by_id=None):
    """A new slot for one occurrence of `series` (which must have an id)."""
    return PresenceSlot(
        municipality_id=series.municipality_id,
        place_id=series.place_id,
        series_id=series.id,
        origin_start=start,
        starts_at=start,
        ends_at=end,
        created_at=now,
        updated_at=now,
        created_by_id=created_by_id,
    )


@dataclass(frozen=True)
class WeeklyPattern:
    """Presence on `weekdays` (Monday = 0) from `starts` to `ends`, every `interval_weeks`."""

    weekdays: tuple[int, ...]
    starts: time
    ends: time
    interval_weeks: int = 1


def weekly_patterns_on(series, day: date) -> list[WeeklyPattern]:
    """The distinct weekly patterns of `series` in force on `day`, in week order.

    This is what a poster prints ("Fredagar 13:00–14:30"): it stays true longer than a list
    of dates. A pattern staff ended, or one not yet begun, is not in force.
    """
    found = {
        WeeklyPattern(tuple(sorted(s.weekdays)), s.starts, s.ends, s.interval_weeks or 1)
        for s in series
        if s.first_day <= day <= s.last_day
    }
    return sorted(found, key=lambda p: (p.weekdays, p.starts, p.ends, p.interval_weeks))


def days_without_presence(series, slots, first: date, last: date, tz: ZoneInfo) -> list[date]:
    """Local dates in [first, last] on which a weekly pattern in `series` would put police at
    its place but no slot in `slots` (the place's, cancelled ones included) is held: skipped
    holidays and cancelled times. A poster prints these beside the pattern it prints."""
    held = {s.starts_at.astimezone(tz).date() for s in slots if not s.cancelled}
    planned = set()
    for s in series:
        end = min(last, s.last_day)
        for start, _end in pattern_occurrences(
            s.weekdays, s.starts, s.ends, s.first_day, end, s.interval_weeks or 1, tz
        ):
            day = start.astimezone(tz).date()
            if day >= first:
                planned.add(day)
    return sorted(planned - held)
