"""Write a validated data file into the database without touching what staff entered.

Rows that came from the file are matched by their content (hours, closures) or key
(places, presence patterns); unchanged rows are left alone so feeds stay byte-identical.
Presence slots are added from now on (past ones only for a series new in this load); future
slots nobody touched follow the pattern (moved, or cancelled when it no longer has them), through
the transitions in schedule.slots.
"""

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from webapp.models import (
    AuditEvent,
    Closure,
    Municipality,
    OfficeHours,
    Place,
    PoliceArea,
    PresenceSeries,
    PresenceSlot,
    working_at,
)
from webapp.schedule import slots
from webapp.schedule.area_file import AreaData
from webapp.schedule.calendar_file import CalendarData, PlaceData, Text
from webapp.schedule.office import holiday_names
from webapp.schedule.presence import pattern_occurrences, series_slot
from webapp.schedule.promise_loading import load_promises

REMOVED_NOTE = Text("Tiden har tagits bort ur schemat", {"en": "Removed from the schedule"})


def _assign(row, **values) -> None:
    """Set only what differs, so an unchanged reload leaves no trace."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _translations(**texts: Text | None) -> dict:
    out: dict = {}
    for name, text in texts.items():
        for locale, value in (text.other if text else {}).items():
            out.setdefault(locale, {})[name] = value
    return out


def load_calendar(session, data: CalendarData, *, now, area: PoliceArea | None = None) -> dict:
    """Bring the database in line with one municipality's `data` (of `area`, when it is
    loaded as part of one); return counts of what changed. Flushes only."""
    working_at(session, now)
    town = _load_municipality(session, data, area)
    session.flush()
    load_promises(session, data.promises, municipality=town)
    places = {
        p.slug: _load_place(session, p, position, now, town)
        for position, p in enumerate([data.office, *data.places])
    }
    session.flush()
    office = places[data.office.slug]
    counts = {
        "hours": _sync(session, OfficeHours, office, _hours_rows(data, office), _hours_key, now),
        "closures": _sync(session, Closure, office, _closure_rows(data, office), _closure_key, now),
    }
    tz = ZoneInfo(data.timezone)
    added = cancelled = 0
    skipped = []
    for pattern in data.patterns:
        series = _load_series(session, pattern, places[pattern.place], now, town)
        if series is None:
            continue
        new = series.id is None
        session.flush()
        closed = {} if pattern.on_holidays else _holidays(data, pattern)
        a, c = _generate_slots(session, series, tz, now, new=new, holidays=closed)
        added, cancelled = added + a, cancelled + c
        today = now.astimezone(tz).date()
        skipped += [(d, pattern.place, name.sv) for d, name in closed.items() if d >= today]
    # A pattern taken out of the file: its future slots are cancelled, not left published.
    for series in session.scalars(
        select(PresenceSeries).where(
            PresenceSeries.municipality_id == town.id,
            PresenceSeries.source == "file",
            PresenceSeries.file_key.not_in([p.key for p in data.patterns]),
        )
    ).all():
        cancelled += _generate_slots(session, series, tz, now, keep=False)[1]
    counts.update(
        places=len(data.places),  # where police are present; the office is not one of them
        slots_added=added,
        slots_cancelled=cancelled,
        holidays_skipped=[
            f"{day.isoformat()} {place} ({name})" for day, place, name in sorted(skipped)
        ],
    )
    return counts


def _holidays(data: CalendarData, pattern) -> dict[date, Text]:
    """The holidays on which `pattern` would put police somewhere, named in every language
    the file offers."""
    days = {
        start.astimezone(ZoneInfo(data.timezone)).date()
        for start, _end in pattern_occurrences(
            pattern.weekdays,
            pattern.starts,
            pattern.ends,
            pattern.first_day,
            pattern.last_day,
            pattern.interval_weeks,
            ZoneInfo(data.timezone),
        )
    }
    if not days:
        return {}
    rules = {"country": data.holiday_country, "categories": data.holiday_categories}
    others = [lang for lang in data.languages if lang != "sv"]
    names = {lang: holiday_names(min(days), max(days), locale=lang, **rules) for lang in others}
    sv = holiday_names(min(days), max(days), locale="sv", **rules)
    return {
        day: Text(sv[day], {lang: str(n[day]) for lang, n in names.items() if n[day].lang == lang})
        for day in sorted(days)
        if day in sv
    }


def load_area(session, data: AreaData, *, now) -> dict[str, dict]:
    """Load a police area's file: the area, each municipality, the promises they share.
    Returns each municipality's counts by slug. Flushes only."""
    working_at(session, now)
    area = session.scalar(select(PoliceArea).where(PoliceArea.slug == data.slug))
    area = area or PoliceArea(slug=data.slug)
    _assign(area, name=data.name.sv, default_slug=data.default,
            translations=_translations(name=data.name))  # fmt: skip
    session.add(area)
    session.flush()
    counts = {
        town.slug: load_calendar(session, town, now=now, area=area) for town in data.municipalities
    }
    signed = {
        m.slug: m
        for m in session.scalars(select(Municipality).where(Municipality.slug.in_(counts)))
    }
    load_promises(session, data.promises, police_area=area, signatories=signed)
    return counts


def _load_municipality(session, data, area):
    """The municipality by its slug. Loaded alone, a file keeps the one row there is (a
    renamed slug renames it), as an installation of one municipality always did."""
    town = session.scalar(select(Municipality).where(Municipality.slug == data.slug))
    if town is None and area is None:
        only = session.scalars(select(Municipality).limit(2)).all()
        town = only[0] if len(only) == 1 and only[0].police_area_id is None else None
    town = town or Municipality()
    _assign(
        town,
        slug=data.slug,
        name=data.name.sv,
        timezone=data.timezone,
        example_data=data.example_data,
        website=data.website,
        translations=_municipality_translations(data),
        hosts=list(data.hosts),
        police_area_id=area.id if area is not None else town.police_area_id,
    )
    session.add(town)
    return town


def _municipality_translations(data):
    out = _translations(name=data.name)
    out["languages"] = list(data.languages)
    out["feedback_themes"] = [
        {"key": key, "name": {"sv": name.sv, **name.other}} for key, name in data.feedback_themes
    ]
    out["holidays"] = {"country": data.holiday_country, "categories": list(data.holiday_categories)}
    return out


def _public_text(place) -> tuple:
    """What calendar events show of a place (services are not in the feeds)."""
    other = {
        locale: (fields.get("name"), fields.get("description"))
        for locale, fields in (place.translations or {}).items()
    }
    return place.name, place.description, place.address, place.latitude, place.longitude, other


def _load_place(session, data: PlaceData, position, now, town):
    place = session.scalar(
        select(Place).where(Place.municipality_id == town.id, Place.slug == data.slug)
    ) or Place(slug=data.slug, municipality_id=town.id)
    translations = _translations(
        name=data.name,
        description=data.description,
        services=data.services,
        address=Text(data.address, data.address_other),
    )
    before = _public_text(place)
    _assign(
        place,
        kind=data.kind,
        name=data.name.sv,
        description=data.description.sv,
        address=data.address,
        latitude=data.latitude,
        longitude=data.longitude,
        phone=data.phone,
        services=list(data.services.sv) if data.services else [],
        position=position,
        translations=translations,
    )
    session.add(place)
    if place.id is not None and before != _public_text(place):
        _touch_future_slots(session, place, now)
    return place


def _touch_future_slots(session, place, now) -> None:
    """Feeds show the place's text in each event: a changed text is a changed event."""
    for slot in session.scalars(
        select(PresenceSlot).where(PresenceSlot.place_id == place.id, ~slots.STARTED.sql(now))
    ):
        slot.touch(now)


def _hours_rows(data, office):
    return [
        OfficeHours(
            place_id=office.id,
            weekday=h.weekday,
            opens=h.opens,
            closes=h.closes,
            valid_from=h.valid_from,
            valid_until=h.valid_until,
            source="file",
        )
        for h in data.hours
    ]


def _hours_key(row):
    return (row.weekday, row.opens, row.closes, row.valid_from, row.valid_until)


def _closure_rows(data, office):
    return [
        Closure(
            place_id=office.id,
            first_day=c.first_day,
            last_day=c.last_day,
            hours=c.hours,
            note=c.note.sv,
            translations=_translations(note=c.note),
            source="file",
        )
        for c in data.closures
    ]


def _closure_key(row):
    return (row.first_day, row.last_day, repr(row.hours), row.note, repr(row.translations))


def _sync(session, model, office, wanted, key, now):
    """Soft-delete file rows the file no longer has and add the new ones.

    Rows staff replaced or removed belong to staff (source "staff"): the file never
    brings them back.
    """
    rows = session.scalars(select(model).where(model.place_id == office.id)).all()
    have = {key(r): r for r in rows if r.source == "file" and r.deleted_at is None}
    staff_owned = {key(r) for r in rows if r.source != "file"}
    want = {key(row): row for row in wanted if key(row) not in staff_owned}
    for k, row in have.items():
        if k not in want:
            row.deleted_at = now
    for k, row in want.items():
        if k not in have:
            row.created_at = now
            session.add(row)
    return sum(k not in have for k in want) + sum(k not in want for k in have)


def _load_series(session, pattern, place, now, town):
    """The series for a file pattern, updated from the file; None once staff own it."""
    series = session.scalar(
        select(PresenceSeries).where(
            PresenceSeries.municipality_id == town.id, PresenceSeries.file_key == pattern.key
        )
    )
    if series is not None and series.source != "file":
        return None
    if series is None:
        series = PresenceSeries(
            file_key=pattern.key, source="file", created_at=now, municipality_id=town.id
        )
        session.add(series)
    before = (
        series.place_id,
        series.weekdays,
        series.starts,
        series.ends,
        series.first_day,
        series.last_day,
        series.interval_weeks,
    )
    _assign(
        series,
        place_id=place.id,
        weekdays=list(pattern.weekdays),
        starts=pattern.starts,
        ends=pattern.ends,
        first_day=pattern.first_day,
        last_day=pattern.last_day,
        interval_weeks=pattern.interval_weeks,
    )
    after = (
        series.place_id,
        series.weekdays,
        series.starts,
        series.ends,
        series.first_day,
        series.last_day,
        series.interval_weeks,
    )
    if before != after:
        series.updated_at = now
    return series


def _generate_slots(session, series, tz, now, keep=True, *, new=False, holidays=None):
    """Add missing future occurrences; cancel or update future slots nobody touched.

    Only a series created in this load (`new`) adds occurrences that have already begun.
    Occurrences on `holidays` {date: Text} are not added; future ones that exist are
    cancelled with the holiday as the reason residents see.
    """
    holidays = holidays or {}
    wanted = (
        dict(
            pattern_occurrences(
                series.weekdays,
                series.starts,
                series.ends,
                series.first_day,
                series.last_day,
                series.interval_weeks,
                tz,
            )
        )
        if keep
        else {}
    )
    existing = session.scalars(
        select(PresenceSlot).where(PresenceSlot.series_id == series.id)
    ).all()
    by_origin = {slot.origin_start: slot for slot in existing}
    staff_touched = _staff_touched(session, existing)
    added = cancelled = 0
    for start, end in wanted.items():
        slot = by_origin.get(start)
        holiday = holidays.get(start.astimezone(tz).date())
        if holiday is not None:
            if _cancellable(slot, now, staff_touched):
                _cancel(slot, holiday, now)
                cancelled += 1
            continue
        if slot is None and (new or start >= now):
            session.add(series_slot(series, start, end, now))
            added += 1
        elif (
            slot is not None and not slots.STARTED.holds(slot, now) and slot.id not in staff_touched
        ):
            slots.follow_pattern(
                slot, place_id=series.place_id, starts_at=start, ends_at=end, now=now
            )
    for origin, slot in by_origin.items():
        if origin not in wanted and _cancellable(slot, now, staff_touched):
            _cancel(slot, REMOVED_NOTE, now)
            cancelled += 1
    return added, cancelled


def _cancellable(slot, now, staff_touched) -> bool:
    """An upcoming slot staff have not touched: the file may still cancel it."""
    return slot is not None and slots.UPCOMING.holds(slot, now) and slot.id not in staff_touched


def _cancel(slot, reason: Text, now) -> None:
    """Cancelled with a public reason in every language the file gives; kept, so feeds show it."""
    slots.cancel(slot, reason.sv, now, reason_other=reason.other)


def _staff_touched(session, existing) -> set[int]:
    """Ids of slots staff changed: an outcome recorded, or an audited edit.

    The audit log tells staff edits apart from the loader's own touch() (which also raises
    SEQUENCE), so a slot the loader once updated still follows later file changes.
    """
    ids = [s.id for s in existing]
    audited = set(
        session.scalars(
            select(AuditEvent.object_id).where(
                AuditEvent.object_type == PresenceSlot.__name__,
                AuditEvent.object_id.in_([str(i) for i in ids]),
            )
        )
    )
    return {s.id for s in existing if s.held is not None or str(s.id) in audited}
