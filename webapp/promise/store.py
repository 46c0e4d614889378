"""Finding promises by date and recording what was done. Session and `now` come in; flush only."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.models import Promise, PromiseActivity, PromiseCommitment, PromiseEntry

# Who records entries for an activity: its owner's role, "both" for either; admins read only.
OWNER_ROLES = {"police": {"police"}, "municipality": {"municipality"},
               "both": {"police", "municipality"}}  # fmt: skip
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


def in_force(promises: list[Promise], today: date) -> Promise | None:
    """The promise whose period holds `today`; None between promises and after the last."""
    return next((p for p in promises if p.first_day <= today <= p.last_day), None)


def latest_started(promises: list[Promise], today: date) -> Promise | None:
    """The most recent promise that has begun (for "no promise is in force; the latest was")."""
    return next((p for p in promises if p.first_day <= today), None)


def may_record(role: str | None, activity: PromiseActivity) -> bool:
    """One rule for who records entries: the activity's owner; presence is computed."""
    return activity.measure != "presence" and role in OWNER_ROLES[activity.owner]


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
    entry = PromiseEntry(activity=activity, day=day, value=value, note=note or "",
                         created_at=now, updated_at=now, created_by_id=actor.id)  # fmt: skip
    session.add(entry)
    session.flush()
    audit.record(session, actor=actor, action="promise_entry.add", obj=entry, now=now,
                 after=_state(entry))  # fmt: skip
    return entry


def edit_entry(session, entry, *, day, value, note, reason, actor, now: datetime) -> None:
    before = _state(entry) | {"reason": reason}
    entry.day, entry.value, entry.note, entry.updated_at = day, value, note or "", now
    audit.record(session, actor=actor, action="promise_entry.edit", obj=entry, now=now,
                 before=before, after=_state(entry))  # fmt: skip


def remove_entry(session, entry, *, reason, actor, now: datetime) -> None:
    entry.removed_at, entry.removed_reason = now, reason
    audit.record(session, actor=actor, action="promise_entry.remove", obj=entry, now=now,
                 before=_state(entry) | {"reason": reason})  # fmt: skip
