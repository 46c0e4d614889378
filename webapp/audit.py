"""The audit log: who did what to which object, when (UTC), before and after. No passwords."""

from datetime import date, datetime, time

from sqlalchemy import select

from webapp.models import AuditEvent, Municipality, User, scope_of

# Never written to the log, whatever a caller passes.
SECRET_FIELDS = frozenset(
    {"password", "password_hash", "confirm", "token", "token_hash", "csrf_token"}
)


def _plain(value):
    """JSON-safe copies of dates, times and nested values."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in SECRET_FIELDS}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def _where(session, obj) -> int | None:
    """The municipality an event belongs to: its object's, else the one the session reads."""
    if isinstance(obj, Municipality):
        return obj.id
    owner = getattr(obj, "municipality_id", None)
    if owner is not None:
        return owner
    scope = scope_of(session)
    return scope[0] if scope is not None and len(scope) == 1 else None


def record(
    session,
    *,
    actor: User | None,
    action: str,
    obj=None,
    before=None,
    after=None,
    now: datetime,
    label: str = "",
) -> AuditEvent:
    """Add one audit event; flushes nothing, the caller's commit writes it."""
    event = AuditEvent(
        at=now,
        actor_id=actor.id if actor else None,
        actor_label=label or (actor.email if actor else ""),
        action=action,
        # __class__, not type(): a proxy of the request's user (a view's current_user) names
        # the class it stands for.
        object_type=obj.__class__.__name__ if obj is not None else "",
        object_id=str(obj.id) if obj is not None and obj.id is not None else "",
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        municipality_id=_where(session, obj),
    )
    session.add(event)
    return event


def recent_events(
    session,
    *,
    limit=200,
    before_id=None,
    actor_id=None,
    action=None,
    between=None,
    municipality_id=None,
) -> list[AuditEvent]:
    """Newest first; page back with `before_id`. Optionally only one person's entries, one
    action ("slot.cancel") or family of actions ("slot"), [start, end) in time, and one
    municipality's."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if municipality_id is not None:
        query = query.where(AuditEvent.municipality_id == municipality_id)
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action:
        query = query.where(
            (AuditEvent.action == action) | AuditEvent.action.startswith(action + ".")
        )
    if between is not None:
        query = query.where(AuditEvent.at >= between[0], AuditEvent.at < between[1])
    return list(session.scalars(query))


def actions_used(session) -> list[str]:
    """Every action the log holds, for the filter: the list follows what was written."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def slot_state(slot) -> dict:
    """What residents can see of a slot, plus the outcome, for before/after."""
    return {
        "place_id": slot.place_id,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "status": slot.status,
        "note": slot.note,
        "sequence": slot.sequence,
        "held": slot.held,
        "outcome_reason": slot.outcome_reason,
        "people_met": slot.people_met,
    }


def user_state(user) -> dict:
    return {"email": user.email, "role": user.role, "active": user.active}
