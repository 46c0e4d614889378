"""What the public pages read, once per request: the time, the office, its rules and days for
the next weeks, and the presence slots in the window. Views and templates share one copy."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import g

from webapp import site
from webapp.extensions import db
from webapp.public.summary import HORIZON
from webapp.schedule import store
from webapp.schedule.slots import presence_listing


@dataclass(frozen=True)
class PublicSchedule:
    now: datetime
    tz: ZoneInfo
    today: date
    office: object | None
    rules: list  # live weekly hour rules of the office
    days: list  # OfficeDay from today for the horizon
    until: datetime  # the end of the last day shown
    slots: list  # presence slots overlapping [now, until), cancelled too
    moved: list  # slots moved away from a time in [now, until)

    def current_rules(self) -> list:
        """Weekly hour rules in force today or later."""
        return [r for r in self.rules if r.valid_until is None or r.valid_until >= self.today]

    def wording_changes_at(self) -> datetime:
        """The next moment the pages' words change by themselves: a slot (or where a moved one
        was) starts or ends, the office opens or closes, or the day turns."""
        moments = [next_midnight(self.now, self.tz)]
        for day in self.days:
            moments += [m for interval in day.intervals for m in interval]
        for slot in self.slots:
            moments += [slot.starts_at, slot.ends_at]
        for slot in self.moved:
            moments += [slot.moved_from_start, slot.moved_from_end]
        return min(m for m in moments if m > self.now)

    def listing(self, place=None) -> list:
        """The slots, and where moved ones used to be (schedule.slots.presence_listing)."""
        slots = self.slots if place is None else [s for s in self.slots if s.place_id == place.id]
        return presence_listing(slots, self.moved, self.now, self.until, place)


def last_shown_day(today: date) -> date:
    return today + HORIZON - timedelta(days=1)


def next_midnight(now: datetime, tz: ZoneInfo) -> datetime:
    """The start of the next local day."""
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=tz)


def schedule() -> PublicSchedule:
    """The public schedule for this request, read on first use."""
    if "public_schedule" not in g:
        g.public_schedule = _read()
    return g.public_schedule


def _read() -> PublicSchedule:
    now, tz = site.now(), site.timezone()
    today = now.astimezone(tz).date()
    office = store.get_office(db.session)
    rules = store.live_hours(db.session, office) if office else []
    days = (
        store.office_days_with(
            db.session,
            office,
            rules,
            site.municipality(),
            today,
            last_shown_day(today),
            tz,
            site.lang(),
        )
        if office
        else []
    )
    # Whole days, so a slot joins the pages at midnight, when their wording changes anyway.
    until = next_midnight(datetime.combine(last_shown_day(today), time(12), tzinfo=tz), tz)
    slots = store.slots_between(db.session, now, until)
    moved = store.slots_moved_from_between(db.session, now, until)
    return PublicSchedule(now, tz, today, office, rules, days, until, slots, moved)
