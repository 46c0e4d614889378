"""What the public pages read, once per request: the time, the office, its rules and days for
the next weeks, and the presence slots in the window. Views and templates share one copy."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
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
    slots: list  # presence slots overlapping [now, now + horizon), cancelled too
    moved: list  # slots moved away from a time in [now, now + horizon)

    def current_rules(self) -> list:
        """Weekly hour rules in force today or later."""
        return [r for r in self.rules if r.valid_until is None or r.valid_until >= self.today]

    def listing(self, place=None) -> list:
        """The slots, and where moved ones used to be (schedule.slots.presence_listing)."""
        slots = self.slots if place is None else [s for s in self.slots if s.place_id == place.id]
        return presence_listing(slots, self.moved, self.now, self.now + HORIZON, place)


def last_shown_day(today: date) -> date:
    return today + HORIZON - timedelta(days=1)


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
    slots = store.slots_between(db.session, now, now + HORIZON)
    moved = store.slots_moved_from_between(db.session, now, now + HORIZON)
    return PublicSchedule(now, tz, today, office, rules, days, slots, moved)
