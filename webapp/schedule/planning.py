"""Staff changes to presence: series, single slots, moves, cancellations, outcomes.

Plain functions: they take the session, `now` and the acting user, flush, and leave the
commit to the view. The changes to a slot itself are schedule.slots' (cancel, restore, move);
these add the audit log. Slots are never deleted.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from webapp import audit
from webapp.models import Place, PresenceSeries, PresenceSlot, SlotStatus, working_at
from webapp.schedule import slots
from webapp.schedule.office import holiday_names
from webapp.schedule.presence import pattern_occurrences, series_slot


@dataclass
class Warnings:
    """Things worth a second look that do not stop a save."""

    overlaps: list = field(default_factory=list)  # existing slots at the same place and time
    holidays: list = field(default_factory=list)  # (date, holiday name)

    def __bool__(self) -> bool:
        return bool(self.overlaps or self.holidays)


def local_span(day: date, starts: time, ends: time, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """A local day and clock times as aware datetimes."""
    return (datetime.combine(day, starts, tzinfo=tz), datetime.combine(day, ends, tzinfo=tz))


def overlapping_slots(session, place_id: int, spans, *, ignore_id=None) -> list[PresenceSlot]:
    """Scheduled slots at `place_id` overlapping any of `spans` [(start, end), ...]."""
    if not spans:
        return []
    first = min(s for s, _e in spans)
    last = max(e for _s, e in spans)
    rows = session.scalars(
        select(PresenceSlot)
        .where(
            PresenceSlot.place_id == place_id,
            PresenceSlot.status == SlotStatus.SCHEDULED,
            PresenceSlot.starts_at < last,
            PresenceSlot.ends_at > first,
        )
        .order_by(PresenceSlot.starts_at, PresenceSlot.id)
    )
    return [
        slot
        for slot in rows
        if slot.id != ignore_id and any(slot.starts_at < e and slot.ends_at > s for s, e in spans)
    ]


def check_warnings(session, place_id, spans, tz, *, holidays: dict, ignore_id=None) -> Warnings:
    """Overlaps at the place and holidays on the days of `spans`."""
    days = sorted({s.astimezone(tz).date() for s, _e in spans})
    return Warnings(
        overlaps=overlapping_slots(session, place_id, spans, ignore_id=ignore_id),
        holidays=[(d, holidays[d]) for d in days if d in holidays],
    )


def holidays_between(first: date, last: date, settings: dict, locale: str) -> dict:
    return holiday_names(first, last, locale=locale, **settings)


def series_occurrences(weekdays, starts, ends, first_day, last_day, interval_weeks, tz, now):
    """The pattern's occurrences that have not started yet."""
    return [
        (s, e)
        for s, e in pattern_occurrences(
            weekdays, starts, ends, first_day, last_day, interval_weeks, tz
        )
        if s > now
    ]


def create_series(
    session,
    *,
    place: Place,
    weekdays,
    starts,
    ends,
    first_day,
    last_day,
    interval_weeks,
    tz,
    now,
    actor,
) -> PresenceSeries:
    """A staff series and a slot for each future occurrence."""
    working_at(session, now)
    series = PresenceSeries(
        place_id=place.id,
        weekdays=sorted(set(weekdays)),
        starts=starts,
        ends=ends,
        first_day=first_day,
        last_day=last_day,
        interval_weeks=interval_weeks,
        source="staff",
        created_at=now,
        updated_at=now,
    )
    session.add(series)
    session.flush()
    occurrences = series_occurrences(
        series.weekdays, starts, ends, first_day, last_day, interval_weeks, tz, now
    )
    for start, end in occurrences:
        session.add(series_slot(series, start, end, now, created_by_id=actor.id))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="series.create",
        obj=series,
        now=now,
        after={**series_state(series), "slots": len(occurrences)},
    )
    return series


def series_state(series: PresenceSeries) -> dict:
    return {
        "place_id": series.place_id,
        "weekdays": series.weekdays,
        "starts": series.starts,
        "ends": series.ends,
        "first_day": series.first_day,
        "last_day": series.last_day,
        "interval_weeks": series.interval_weeks,
    }


def add_slot(session, *, place: Place, starts_at, ends_at, note, now, actor) -> PresenceSlot:
    working_at(session, now)
    slot = PresenceSlot(
        place_id=place.id,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note or "",
        created_at=now,
        updated_at=now,
        created_by_id=actor.id,
    )
    session.add(slot)
    session.flush()
    audit.record(
        session, actor=actor, action="slot.create", obj=slot, now=now, after=audit.slot_state(slot)
    )
    return slot


def update_slot(
    session, slot: PresenceSlot, *, place: Place, starts_at, ends_at, note, now, actor
) -> bool:
    """Move or re-describe a slot (schedule.slots.move); True if anything residents see changed."""
    working_at(session, now)
    before = audit.slot_state(slot)
    where = {"place_id": place.id, "starts_at": starts_at, "ends_at": ends_at}
    if not slots.move(slot, **where, note=note or "", now=now):
        return False
    _audit_slot(session, slot, "slot.update", before=before, now=now, actor=actor)
    return True


def _audit_slot(session, slot: PresenceSlot, action: str, *, before: dict, now, actor) -> None:
    """Write the change to the database and to the audit log, with the state before and after."""
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=action,
        obj=slot,
        now=now,
        before=before,
        after=audit.slot_state(slot),
    )


def cancel_slot(session, slot: PresenceSlot, *, reason: str, now, actor) -> None:
    """Cancelled with a reason residents see ("Inställt: …"); the slot and its UID stay."""
    working_at(session, now)
    before = audit.slot_state(slot)
    slots.cancel(slot, reason, now)
    _audit_slot(session, slot, "slot.cancel", before=before, now=now, actor=actor)


def restore_slot(session, slot: PresenceSlot, *, now, actor) -> None:
    """Undo a cancellation."""
    working_at(session, now)
    before = audit.slot_state(slot)
    slots.restore(slot, now)
    _audit_slot(session, slot, "slot.restore", before=before, now=now, actor=actor)


def end_series(
    session, series: PresenceSeries, *, from_day: date, reason: str, tz, now, actor
) -> int:
    """Cancel the series' slots from `from_day` on; slots that have started stay as they are."""
    working_at(session, now)
    ending = session.scalars(
        select(PresenceSlot)
        .where(
            PresenceSlot.series_id == series.id,
            PresenceSlot.starts_at >= datetime.combine(from_day, time(0), tzinfo=tz),
            slots.UPCOMING.sql(now),
        )
        .order_by(PresenceSlot.starts_at)
    ).all()
    before = series_state(series)
    for slot in ending:
        slots.cancel(slot, reason, now)
    series.source = "staff"  # staff own it now: reloading the data file leaves it alone
    new_last = from_day - timedelta(days=1)
    if new_last < series.last_day:
        series.last_day = max(new_last, series.first_day - timedelta(days=1))
        series.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="series.end",
        obj=series,
        now=now,
        before=before,
        after={**series_state(series), "cancelled_slots": [s.id for s in ending], "reason": reason},
    )
    return len(ending)


def record_outcome(
    session, slot: PresenceSlot, *, held: bool, reason: str, people_met: int | None, now, actor
) -> None:
    """What happened at a slot that has passed. Not shown to residents, so no touch()."""
    working_at(session, now)
    before = audit.slot_state(slot)
    slot.held = held
    slot.outcome_reason = None if held else reason
    slot.people_met = people_met
    slot.outcome_at = now
    slot.outcome_by_id = actor.id
    _audit_slot(session, slot, "slot.outcome", before=before, now=now, actor=actor)


def record_held(
    session, chosen: list[PresenceSlot], *, now, actor
) -> tuple[list[PresenceSlot], list[PresenceSlot]]:
    """Record "held as planned" for each chosen slot still waiting for an outcome; one audit
    entry per slot. The slots are read again under a row lock first: one reported meanwhile
    (someone's single edit, committed after the list was read) or no longer over is skipped,
    never overwritten. Returns (recorded, skipped), each in the chosen order."""
    waiting = set(
        session.scalars(
            select(PresenceSlot.id)
            .where(PresenceSlot.id.in_([s.id for s in chosen]), slots.UNREPORTED.sql(now))
            .with_for_update()  # PostgreSQL; SQLite's writes are serialised by BEGIN IMMEDIATE
        )
    )
    done, skipped = [], []
    for slot in chosen:
        if slot.id not in waiting:
            skipped.append(slot)
            continue
        record_outcome(session, slot, held=True, reason="", people_met=None, now=now, actor=actor)
        done.append(slot)
    return done, skipped


def slots_to_report(session, now: datetime) -> list[PresenceSlot]:
    """Slots that are over and nobody has recorded an outcome for (schedule.slots.UNREPORTED),
    the latest first: the one just worked is on top."""
    return list(
        session.scalars(
            select(PresenceSlot)
            .where(slots.UNREPORTED.sql(now))
            .order_by(PresenceSlot.starts_at.desc(), PresenceSlot.id.desc())
        )
    )


def slots_starting_between(session, first: datetime, last: datetime) -> list[PresenceSlot]:
    """Every slot (cancelled too) starting in [first, last)."""
    return list(
        session.scalars(
            select(PresenceSlot)
            .where(PresenceSlot.starts_at >= first, PresenceSlot.starts_at < last)
            .order_by(PresenceSlot.starts_at, PresenceSlot.place_id, PresenceSlot.id)
        )
    )
