"""The promises as stored, found by key or date, and the entries staff record for their
activities. Session and `now` come in; flush only."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.models import Promise, PromiseActivity, PromiseCommitment, PromiseEntry
from webapp.permissions import can
from webapp.xml_text import xml_safe

NOTE_MAX = 500


def all_promises(session) -> list[Promise]:
    """Every promise, the latest first, with commitments and activities loaded."""
    return list(
        session.scalars(
            select(Promise)
            .options(selectinload(Promise.commitments).selectinload(PromiseCommitment.activities))
            .order_by(Promise.first_day.desc())
        )
    )


def promise_by_key(session, key: str) -> Promise | None:
    return next((p for p in all_promises(session) if p.key == key), None)


def promise_in_force(promises: list[Promise], today: date) -> Promise | None:
    """The promise in force on `today`; None between promises and after the last."""
    return next((p for p in promises if p.in_force(today)), None)


def latest_started(promises: list[Promise], today: date) -> Promise | None:
    """The most recent promise that has begun (for "no promise is in force; the latest was")."""
    return next((p for p in promises if p.first_day <= today), None)


def may_record(role: str | None, activity: PromiseActivity) -> bool:
    """Who records entries: the permission table, per owner; presence is computed."""
    return activity.measure != "presence" and can(role, f"promise.record.{activity.owner}")


def activity_by_id(session, activity_id: int) -> PromiseActivity | None:
    return session.get(PromiseActivity, activity_id)


def entries(session, activity: PromiseActivity) -> list[PromiseEntry]:
    """The activity's entries that are not removed, newest day first."""
    return list(
        session.scalars(
            select(PromiseEntry)
            .where(PromiseEntry.activity_id == activity.id, PromiseEntry.removed_at.is_(None))
            .order_by(PromiseEntry.day.desc(), PromiseEntry.id.desc())
        )
    )


def _state(entry: PromiseEntry) -> dict:
    return {"activity": entry.activity.key, "day": entry.day, "value": entry.value}


def add_entry(session, activity, *, day, value, note, actor, now: datetime) -> PromiseEntry:
    entry = PromiseEntry(activity=activity, day=day, value=value, note=xml_safe(note or ""),
                         created_at=now, updated_at=now, created_by_id=actor.id)  # fmt: skip
    session.add(entry)
    session.flush()
    audit.record(session, actor=actor, action="promise_entry.add", obj=entry, now=now,
                 after=_state(entry))  # fmt: skip
    return entry


def edit_entry(session, entry, *, day, value, note, reason, actor, now: datetime) -> None:
    before = _state(entry) | {"reason": reason}
    entry.day, entry.value, entry.note, entry.updated_at = day, value, xml_safe(note or ""), now
    audit.record(session, actor=actor, action="promise_entry.edit", obj=entry, now=now,
                 before=before, after=_state(entry))  # fmt: skip


def remove_entry(session, entry, *, reason, actor, now: datetime) -> None:
    entry.removed_at, entry.removed_reason = now, reason
    audit.record(session, actor=actor, action="promise_entry.remove", obj=entry, now=now,
                 before=_state(entry) | {"reason": reason})  # fmt: skip
