"""Presence occurrences from weekly patterns."""

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
        place_id=series.place_id,
        series_id=series.id,
        origin_start=start,
        starts_at=start,
        ends_at=end,
        created_at=now,
        updated_at=now,
        created_by_id=created_by_id,
    )
