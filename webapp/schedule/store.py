"""Queries the public pages, feeds and API share. Functions take the session explicitly."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from webapp.models import (
    Closure,
    Municipality,
    OfficeHours,
    Place,
    PresenceSeries,
    PresenceSlot,
    ScheduleStamp,
)
from webapp.schedule.office import holiday_names, office_days


def get_office(session) -> Place | None:
    return session.scalar(select(Place).where(Place.kind == "office").order_by(Place.position))


def presence_places(session) -> list[Place]:
    """Places where police are present, in the file's order (the office is not one)."""
    return list(
        session.scalars(
            select(Place).where(Place.kind == "place").order_by(Place.position, Place.id)
        )
    )


def all_places(session) -> list[Place]:
    """The office first, then the presence places in the file's order."""
    office = get_office(session)
    return [*([office] if office else []), *presence_places(session)]


def place_by_slug(session, slug: str) -> Place | None:
    if "\x00" in slug:  # no such slug, and PostgreSQL refuses NUL in a query
        return None
    return session.scalar(select(Place).where(Place.slug == slug))


def live_hours(session, office: Place) -> list[OfficeHours]:
    return list(
        session.scalars(
            select(OfficeHours)
            .where(OfficeHours.place_id == office.id, OfficeHours.deleted_at.is_(None))
            .order_by(OfficeHours.weekday, OfficeHours.opens, OfficeHours.valid_from)
        )
    )


def closures_touching(session, office: Place, first: date, last: date, *, deleted=False):
    """Closures that overlap [first, last]; with deleted=True, removed ones as well."""
    query = select(Closure).where(
        Closure.place_id == office.id, Closure.first_day <= last, Closure.last_day >= first
    )
    if not deleted:
        query = query.where(Closure.deleted_at.is_(None))
    return list(session.scalars(query.order_by(Closure.first_day, Closure.id)))


def holiday_settings(municipality: Municipality | None) -> dict:
    rules = ((municipality.translations or {}).get("holidays") if municipality else None) or {}
    return {
        "country": rules.get("country", "SE"),
        "categories": tuple(rules.get("categories", ("public", "de_facto"))),
    }


def office_days_between(
    session, first: date, last: date, tz: ZoneInfo, locale="sv", *, municipality
):
    """OfficeDay for each date in [first, last], with the holidays `municipality` keeps
    (holiday_settings) named in `locale`."""
    office = get_office(session)
    if office is None:
        return []
    rules = live_hours(session, office)
    return office_days_with(session, office, rules, municipality, first, last, tz, locale)


def office_days_with(session, office, rules, municipality, first, last, tz, locale="sv"):
    """office_days_between for an office, its live rules and municipality already read."""
    names = holiday_names(first, last, locale=locale, **holiday_settings(municipality))
    closures = closures_touching(session, office, first, last)
    return office_days(rules, closures, names, first, last, tz)


def slots_between(session, first: datetime, last: datetime, *, place: Place | None = None):
    """Presence slots overlapping [first, last), cancelled ones included, in start order."""
    query = (
        select(PresenceSlot)
        .options(joinedload(PresenceSlot.place))
        .where(PresenceSlot.starts_at < last, PresenceSlot.ends_at > first)
    )
    if place is not None:
        query = query.where(PresenceSlot.place_id == place.id)
    return list(
        session.scalars(
            query.order_by(PresenceSlot.starts_at, PresenceSlot.place_id, PresenceSlot.id)
        )
    )


def presence_series(session, place: Place) -> list[PresenceSeries]:
    """Every weekly pattern at `place`, ended ones included (see presence.weekly_patterns_on)."""
    return list(
        session.scalars(
            select(PresenceSeries)
            .where(PresenceSeries.place_id == place.id)
            .order_by(PresenceSeries.first_day, PresenceSeries.id)
        )
    )


def slots_moved_from_between(session, first: datetime, last: datetime) -> list[PresenceSlot]:
    """Slots staff moved away from a time that starts in [first, last), wherever they are now."""
    return list(
        session.scalars(
            select(PresenceSlot)
            .options(joinedload(PresenceSlot.place), joinedload(PresenceSlot.moved_from_place))
            .where(PresenceSlot.moved_from_start >= first, PresenceSlot.moved_from_start < last)
            .order_by(PresenceSlot.moved_from_start, PresenceSlot.id)
        )
    )


def schedule_changed_at(session, towns=None) -> datetime | None:
    """When public schedule data of the municipalities `towns` last changed (None: of any;
    (): only what is no single municipality's, such as the list of municipalities); never
    goes backwards.

    `session` may be a Session or a bare Connection (the page cache reads it before any
    session exists).
    """
    if towns is None:
        return session.scalar(_NEWEST)
    if not towns:
        return session.scalar(_SHARED)
    return session.scalar(
        _NEWEST.where(
            or_(ScheduleStamp.municipality_id.is_(None), ScheduleStamp.municipality_id.in_(towns))
        )
    )


# Built once: read on every request.
_NEWEST = select(func.max(ScheduleStamp.changed_at))
_SHARED = _NEWEST.where(ScheduleStamp.municipality_id.is_(None))


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Start of `day` and of the next day, as aware local datetimes."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
