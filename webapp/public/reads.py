"""What the public pages read, once per request: the time, the office, its rules and days for
the next weeks, and the presence slots in the window. Views and templates share one copy."""

from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from flask import g

from webapp import site
from webapp.extensions import db
from webapp.public.summary import HORIZON
from webapp.schedule import store
from webapp.schedule.slots import presence_listing


class PublicSchedule:
    """The request's view of the schedule; each part is read from the database on first use."""

    def __init__(self, now: datetime, tz: ZoneInfo, municipality, lang: str):
        self.now, self.tz, self.municipality, self.lang = now, tz, municipality, lang
        self.today = now.astimezone(tz).date()
        # Whole days, so a slot joins the pages at midnight, when their wording changes anyway.
        self.until = next_midnight(
            datetime.combine(last_shown_day(self.today), time(12), tzinfo=tz), tz
        )

    @cached_property
    def office(self):
        return store.get_office(db.session)

    @cached_property
    def rules(self) -> list:
        """The office's live weekly hour rules."""
        return store.live_hours(db.session, self.office) if self.office else []

    @cached_property
    def days(self) -> list:
        """OfficeDay from today to the last day shown."""
        if self.office is None:
            return []
        last = last_shown_day(self.today)
        return store.office_days_with(
            db.session,
            self.office,
            self.rules,
            self.municipality,
            self.today,
            last,
            self.tz,
            self.lang,
        )

    @cached_property
    def slots(self) -> list:
        """Presence slots overlapping [now, until), cancelled ones too."""
        return store.slots_between(db.session, self.now, self.until)

    @cached_property
    def moved(self) -> list:
        """Slots moved away from a time in [now, until)."""
        return store.slots_moved_from_between(db.session, self.now, self.until)

    def current_rules(self) -> list:
        """Weekly hour rules in force today or later."""
        return [r for r in self.rules if r.valid_until is None or r.valid_until >= self.today]

    def wording_changes_at(self) -> datetime:
        """The next moment the pages' words change by themselves: a slot (or where a moved one
        was) starts or ends, the office opens or closes, or the day turns."""
        read = self.__dict__  # only what this page has read can change its words
        moments = [next_midnight(self.now, self.tz)]
        for day in read.get("days", ()):
            moments += [m for interval in day.intervals for m in interval]
        for slot in read.get("slots", ()):
            moments += [slot.starts_at, slot.ends_at]
        for slot in read.get("moved", ()):
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
    return PublicSchedule(site.now(), site.timezone(), site.municipality(), site.lang())
