"""Posters, scan counts and submitted feedback. Functions flush at most; the view commits."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from webapp import audit
from webapp.feedback.codes import new_code, normalise_code
from webapp.feedback.receipts import receipt_hash
from webapp.models import Feedback, Place, Poster, PosterScan, SpentFeedbackToken

INSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


@dataclass(frozen=True)
class Answers:
    """What a resident sent, already validated by the form."""

    met_police: str | None = None
    safety: int | None = None
    reach_ease: int | None = None
    comment: str = ""
    wants_contact: bool = False
    contact_name: str = ""
    contact_details: str = ""
    contact_consent: bool = False


def create_poster(session, place: Place, *, now: datetime, actor=None) -> Poster:
    """A new print run for `place` with a code no other poster has had."""
    code = new_code()
    while session.scalar(select(Poster.id).where(Poster.code == code)) is not None:
        code = new_code()
    poster = Poster(
        code=code, place=place, created_at=now, created_by_id=actor.id if actor else None
    )
    session.add(poster)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="poster.create",
        obj=poster,
        now=now,
        after={"code": code, "place": place.slug},
    )
    return poster


def find_poster(session, text: str | None) -> Poster | None:
    code = normalise_code(text)
    if code is None:
        return None
    return session.scalar(select(Poster).where(Poster.code == code))


def count_scan(session, poster: Poster, day: date) -> None:
    """Add one scan to the poster's count for `day`; one atomic UPSERT, so none are lost."""
    insert = INSERTS[session.get_bind().dialect.name]
    statement = insert(PosterScan).values(poster_id=poster.id, day=day, scans=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[PosterScan.poster_id, PosterScan.day],
            set_={"scans": PosterScan.scans + 1},
        )
    )


def scan_totals(session) -> dict[int, int]:
    """Scans per poster id, all days."""
    rows = session.execute(
        select(PosterScan.poster_id, func.sum(PosterScan.scans)).group_by(PosterScan.poster_id)
    )
    return {poster_id: int(total) for poster_id, total in rows}


def scans_by_day(session, poster: Poster) -> list[tuple[date, int]]:
    rows = session.execute(
        select(PosterScan.day, PosterScan.scans)
        .where(PosterScan.poster_id == poster.id)
        .order_by(PosterScan.day)
    )
    return [(day, scans) for day, scans in rows]


def feedback_counts(session) -> dict[int, int]:
    """Feedback received per poster id."""
    rows = session.execute(
        select(Feedback.poster_id, func.count(Feedback.id))
        .where(Feedback.poster_id.is_not(None))
        .group_by(Feedback.poster_id)
    )
    return dict(rows.all())


def submit_feedback(
    session,
    *,
    place: Place,
    poster: Poster | None,
    answers: Answers,
    lang: str,
    now: datetime,
    receipt: str | None = None,
) -> Feedback:
    """Store one resident's feedback, with its receipt code's hash. Contact details only with
    a request and consent."""
    contact = answers.wants_contact and answers.contact_consent
    feedback = Feedback(
        created_at=now,
        place_id=place.id,
        poster_id=poster.id if poster is not None and poster.place_id == place.id else None,
        lang=lang,
        met_police=answers.met_police,
        safety=answers.safety,
        reach_ease=answers.reach_ease,
        comment=answers.comment,
        wants_contact=contact,
        contact_name=(answers.contact_name or None) if contact else None,
        contact_details=(answers.contact_details or None) if contact else None,
        contact_consent=contact,
        receipt_hash=receipt_hash(receipt) if receipt else None,
    )
    session.add(feedback)
    session.flush()
    return feedback


def spend_token(session, token_hash: str, *, now: datetime, lifetime: timedelta) -> bool:
    """Mark a form token as used; False when it was used before. Forgets expired ones.

    One INSERT … ON CONFLICT DO NOTHING, in the submission's own transaction: two requests
    with the same token can't both store feedback, and a failed one spends nothing.
    """
    session.execute(delete(SpentFeedbackToken).where(SpentFeedbackToken.expires_at < now))
    insert = INSERTS[session.get_bind().dialect.name]
    statement = insert(SpentFeedbackToken).values(token_hash=token_hash, expires_at=now + lifetime)
    statement = statement.on_conflict_do_nothing(index_elements=["token_hash"])
    return session.scalar(statement.returning(SpentFeedbackToken.token_hash)) is not None
