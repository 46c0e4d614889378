"""Retention of feedback: what a purge may remove, and removing it. Flushes only.

Feedback is an official record (allmän handling). It is kept until FEEDBACK_RETENTION_DAYS
says otherwise, and a purge always writes the rows to an archive file before deleting them.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from webapp import audit
from webapp.models import Feedback


class RetentionOff(RuntimeError):
    """FEEDBACK_RETENTION_DAYS is not set: nothing may be purged."""


def purge_cutoff(retention_days: int | None, now: datetime) -> datetime:
    """Feedback received before this moment may be purged."""
    if retention_days is None:
        raise RetentionOff()
    if retention_days < 1:
        raise ValueError("FEEDBACK_RETENTION_DAYS must be at least 1")
    return now - timedelta(days=retention_days)


def feedback_before(session, cutoff: datetime) -> list[Feedback]:
    """Feedback received before `cutoff`, oldest first."""
    query = (
        select(Feedback)
        .options(joinedload(Feedback.place), joinedload(Feedback.poster))
        .where(Feedback.created_at < cutoff)
        .order_by(Feedback.created_at, Feedback.id)
    )
    return list(session.scalars(query))


def delete_feedback(session, items, *, cutoff: datetime, archive: str, now: datetime) -> int:
    """Delete `items` (already archived to `archive`) and audit the purge."""
    ids = [item.id for item in items]
    if ids:
        session.execute(delete(Feedback).where(Feedback.id.in_(ids)))
    audit.record(
        session,
        actor=None,
        label="cli",
        action="feedback.purge",
        now=now,
        after={"cutoff": cutoff, "count": len(ids), "archive": archive},
    )
    return len(ids)
