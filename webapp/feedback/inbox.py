"""Finding, reading and masking feedback for staff. Session and `now` come in; flush only."""

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from webapp import audit
from webapp.masking import MASK, only_masks_removed
from webapp.models import Feedback, Place, Poster


@dataclass(frozen=True)
class Filters:
    """What the inbox shows; None means any."""

    place: str | None = None  # slug
    poster: str | None = None  # code
    first_day: date | None = None  # local dates, inclusive
    last_day: date | None = None
    met_police: str | None = None
    safety: int | None = None
    reach_ease: int | None = None
    wants_contact: bool | None = None
    state: str | None = None
    theme: str | None = None
    assigned_to: int | None = None  # a user's id; 0: nobody in particular (the team)

    def as_audit(self) -> dict:
        """The filters that were set, for the audit log."""
        return {key: value for key, value in asdict(self).items() if value not in (None, False)}


def _query(filters: Filters, tz: ZoneInfo):
    query = select(Feedback)
    if filters.place:
        query = query.join(Place, Feedback.place_id == Place.id).where(Place.slug == filters.place)
    if filters.poster:
        query = query.join(Poster, Feedback.poster_id == Poster.id).where(
            Poster.code == filters.poster
        )
    if filters.first_day:
        query = query.where(Feedback.created_at >= datetime.combine(filters.first_day, time(0), tz))
    if filters.last_day:
        end = datetime.combine(filters.last_day + timedelta(days=1), time(0), tz)
        query = query.where(Feedback.created_at < end)
    for column in ("met_police", "safety", "reach_ease", "wants_contact"):
        value = getattr(filters, column)
        if value is not None:
            query = query.where(getattr(Feedback, column) == value)
    if filters.state:
        query = query.where(Feedback.state == filters.state)
    if filters.theme:
        query = query.where(Feedback.theme == filters.theme)
    if filters.assigned_to is not None:
        query = query.where(Feedback.assigned_to_id == (filters.assigned_to or None))
    return query


def find_feedback(session, filters: Filters, tz: ZoneInfo, *, limit=None, offset=0):
    """Matching feedback, newest first, with place and poster loaded."""
    query = (
        _query(filters, tz)
        .options(
            joinedload(Feedback.place),
            joinedload(Feedback.poster),
            joinedload(Feedback.assigned_to),
        )
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_feedback(session, filters: Filters, tz: ZoneInfo) -> int:
    return session.scalar(select(func.count()).select_from(_query(filters, tz).subquery()))


def unread_count(session) -> int:
    """New cases: nobody has opened them yet."""
    return session.scalar(select(func.count(Feedback.id)).where(Feedback.state == "new"))


class MaskError(ValueError):
    """The masked copy adds or changes words instead of only masking them."""


def save_masked_copy(session, feedback: Feedback, masked: str, *, actor, now: datetime) -> None:
    """Keep `masked` as the text exports use; the original stays as it was received."""
    if not only_masks_removed(feedback.comment, masked):
        raise MaskError(masked)
    feedback.comment_masked = masked
    feedback.masked_at = now
    feedback.masked_by_id = actor.id if actor else None
    audit.record(
        session,
        actor=actor,
        action="feedback.mask",
        obj=feedback,
        now=now,
        after={"masks": masked.count(MASK)},
    )


def audit_access(
    session, action: str, *, actor, now: datetime, obj=None, filters=None, count=None, label=""
) -> None:
    """Who looked at or exported feedback: the filters and how many, never the text."""
    after = {}
    if filters is not None:
        after["filters"] = filters.as_audit()
    if count is not None:
        after["count"] = count
    audit.record(
        session, actor=actor, action=action, obj=obj, now=now, after=after or None, label=label
    )
