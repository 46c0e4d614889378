"""What the public pages say, worked out from schedule data. No Flask: `now` and `tz` come in."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from webapp.schedule.office import OfficeDay, OfficeStatus, office_status_at
from webapp.schedule.slots import ENDED

WEEKS_AHEAD = 8
HORIZON = timedelta(weeks=WEEKS_AHEAD)


@dataclass(frozen=True)
class OfficeSummary:
    """The office's status box: a state for styling and tests, and what to tell people."""

    state: str  # open | opens-today | closed-holiday | closed-exception | closed
    status: OfficeStatus
    today: OfficeDay | None


def office_summary(days: list[OfficeDay], now: datetime, tz: ZoneInfo) -> OfficeSummary:
    """The status box for `now`, given consecutive OfficeDays starting today."""
    status = office_status_at(days, now, tz)
    today = status.today
    if status.is_open:
        state = "open"
    elif status.opens_at and status.opens_at.astimezone(tz).date() == now.astimezone(tz).date():
        state = "opens-today"
    elif today is not None and today.closure is not None:
        state = "closed-exception"
    elif today is not None and today.holiday:
        state = "closed-holiday"
    else:
        state = "closed"
    return OfficeSummary(state, status, today)


@dataclass(frozen=True)
class WeekdayHours:
    weekday: int  # Monday = 0
    intervals: list  # [(opens, closes)] as datetime.time


def weekly_hours(rules, day: date) -> list[WeekdayHours]:
    """Monday to Sunday, the intervals the weekly rules give in the week that holds `day`."""
    monday = day - timedelta(days=day.weekday())
    week = []
    for weekday in range(7):
        on = monday + timedelta(days=weekday)
        # Past days of this week use the rules in force on `day`.
        on = on if on >= day else on + timedelta(weeks=1)
        intervals = sorted(
            (r.opens, r.closes) for r in rules if r.weekday == weekday and r.covers(on)
        )
        week.append(WeekdayHours(weekday, intervals))
    return week


def next_hours_change(rules, today: date, horizon: timedelta = HORIZON) -> date | None:
    """The first day within the horizon on which different weekly hours start applying."""
    last = today + horizon
    edges = {r.valid_from for r in rules if today < r.valid_from <= last}
    edges |= {
        r.valid_until + timedelta(days=1)
        for r in rules
        if r.valid_until is not None and today <= r.valid_until < last
    }
    current = _week_key(rules, today)
    for edge in sorted(edges):
        if _week_key(rules, edge) != current:
            return edge
    return None


def _week_key(rules, day):
    return [w.intervals for w in weekly_hours(rules, day)]


def next_presences(listing, now: datetime, count: int = 3) -> list:
    """The next `count` slots that will be held, with the cancellations and moves among them.

    `listing` is in time order (schedule.slots.presence_listing); entries that have ended are
    left out.
    """
    shown, held = [], 0
    for entry in listing:
        if held == count:
            break
        if ENDED.holds(entry, now):
            continue
        shown.append(entry)
        held += not (entry.cancelled or entry.moved_away)
    return shown


def slots_by_day(slots, tz: ZoneInfo) -> list[tuple[date, list]]:
    """Slots grouped by local start date, in order."""
    ordered = sorted(slots, key=lambda s: (s.starts_at, s.id or 0))
    return [
        (day, list(group))
        for day, group in groupby(ordered, key=lambda s: s.starts_at.astimezone(tz).date())
    ]
