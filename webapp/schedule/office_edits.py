"""Staff changes to the office: weekly hours with validity ranges, closures and changed hours.

OfficeHours and Closure rows are immutable (the feeds rely on it): a change sets deleted_at
on the old row and adds a new row with source="staff".
"""

from datetime import timedelta

from sqlalchemy import select

from webapp import audit
from webapp.models import Closure, OfficeHours, Place, working_at
from webapp.schedule.store import live_hours


def hours_state(rows) -> list[dict]:
    return [
        {
            "weekday": r.weekday,
            "opens": r.opens,
            "closes": r.closes,
            "valid_from": r.valid_from,
            "valid_until": r.valid_until,
        }
        for r in rows
    ]


def _copy(row: OfficeHours, now, **changes) -> OfficeHours:
    values = {
        "place_id": row.place_id,
        "weekday": row.weekday,
        "opens": row.opens,
        "closes": row.closes,
        "valid_from": row.valid_from,
        "valid_until": row.valid_until,
    }
    values.update(changes)
    return OfficeHours(**values, source="staff", created_at=now)


def _retire(row, now) -> None:
    """End a row; staff now own it, so reloading the data file won't bring it back."""
    row.deleted_at = now
    row.source = "staff"


def set_weekly_hours(
    session, office: Place, intervals, *, valid_from, valid_until, now, actor
) -> list[OfficeHours]:
    """New weekly hours for [valid_from, valid_until]; older rules keep the days outside it.

    `intervals` is [(weekday, opens, closes)]; an empty list means closed every day then.
    """
    working_at(session, now)
    # Two edits at once on PostgreSQL would both retire the same rows and both add new ones:
    # the office row's lock makes the second wait and then read the first one's result.
    # (SQLite has no FOR UPDATE; its write transactions already start with BEGIN IMMEDIATE.)
    session.execute(select(Place.id).where(Place.id == office.id).with_for_update())
    live = live_hours(session, office)
    before = hours_state(live)
    added = []
    for row in live:
        ends = row.valid_until
        if valid_until is not None and row.valid_from > valid_until:
            continue
        if ends is not None and ends < valid_from:
            continue
        _retire(row, now)
        if row.valid_from < valid_from:
            added.append(_copy(row, now, valid_until=valid_from - timedelta(days=1)))
        if valid_until is not None and (ends is None or ends > valid_until):
            added.append(_copy(row, now, valid_from=valid_until + timedelta(days=1)))
    for weekday, opens, closes in sorted(intervals):
        added.append(
            OfficeHours(
                place_id=office.id,
                weekday=weekday,
                opens=opens,
                closes=closes,
                valid_from=valid_from,
                valid_until=valid_until,
                source="staff",
                created_at=now,
            )
        )
    session.add_all(added)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="hours.set",
        obj=office,
        now=now,
        before=before,
        after=hours_state(live_hours(session, office)),
    )
    return added


def closure_state(closure: Closure) -> dict:
    return {
        "first_day": closure.first_day,
        "last_day": closure.last_day,
        "hours": closure.hours,
        "note": closure.note,
        "translations": closure.translations,
    }


def add_closure(
    session,
    office: Place,
    *,
    first_day,
    last_day,
    hours,
    note,
    note_en,
    now,
    actor,
    replaces: Closure | None = None,
) -> Closure:
    """Closed (hours None) or changed hours [["HH:MM", "HH:MM"]] for a day or a range."""
    working_at(session, now)
    closure = Closure(
        place_id=office.id,
        first_day=first_day,
        last_day=last_day or first_day,
        hours=hours,
        note=note,
        translations={"en": {"note": note_en}} if note_en else {},
        source="staff",
        created_at=now,
    )
    before = None
    if replaces is not None:
        before = closure_state(replaces)
        _retire(replaces, now)
    session.add(closure)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="closure.update" if replaces else "closure.create",
        obj=closure,
        now=now,
        before=before,
        after=closure_state(closure),
    )
    return closure


def remove_closure(session, closure: Closure, *, now, actor) -> None:
    working_at(session, now)
    _retire(closure, now)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="closure.remove",
        obj=closure,
        now=now,
        before=closure_state(closure),
    )
