"""What the follow-up shows of feedback as cases ("you said, we did"): per tertial, the themes
residents raised (counts under MIN_GROUP only as "fewer than"), the replies staff chose to
publish (the comment only where staff saved a masked copy), and how fast answers come. Pure:
session and periods in, values out."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.masking import suggest_mask
from webapp.models import Feedback

MIN_GROUP = 5  # the follow-up's smallest group shown as a number


@dataclass(frozen=True)
class PublishedReply:
    place: object
    theme: str | None
    received: datetime
    comment: str | None  # staff's masked copy; None when they chose not to save one
    comment_lang: str
    reply: str  # Swedish, masked
    reply_translated: str | None  # in the comment's language, masked


@dataclass
class YouSaid:
    """One tertial: themes as (key, count or None for "fewer than 5"), most raised first."""

    period: object
    themes: list = field(default_factory=list)
    replies: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # [(PromiseActivity, Update)] in the tertial
    themes_apart: list = field(default_factory=list)  # [(Municipality, themes)] when shared


def _shown(counts: Counter) -> list:
    """Shown counts, most raised first; then the small ones in the file's key order, so
    their order tells nothing about their sizes."""
    return sorted(
        ((key, count if count >= MIN_GROUP else None) for key, count in counts.items()),
        key=lambda pair: (pair[1] is None, -(pair[1] or 0), pair[0]),
    )


def you_said_we_did(session, tertials, bounds, towns=()) -> list[YouSaid]:
    """Per tertial (`bounds(period)` gives its [start, end)), themes and published replies.
    `towns`: the municipalities that signed a shared promise, whose themes (each one's own,
    from its file) are counted apart, never added up across them."""
    out = []
    for period in tertials:
        start, end = bounds(period)
        rows = list(
            session.scalars(
                select(Feedback)
                .options(joinedload(Feedback.place))
                .where(Feedback.created_at >= start, Feedback.created_at < end)
                .where((Feedback.theme.is_not(None)) | (Feedback.published_at.is_not(None)))
                .order_by(Feedback.created_at, Feedback.id)
            )
        )
        apart = [(town, _shown(Counter(r.theme for r in rows
                                       if r.theme and r.municipality_id == town.id)))
                 for town in towns]  # fmt: skip
        themes = [] if towns else _shown(Counter(row.theme for row in rows if row.theme))
        replies = [_published(row) for row in rows if row.published_at and row.reply]
        if themes or replies or any(found for _town, found in apart):
            out.append(YouSaid(period, themes, replies, themes_apart=apart))
    return out


def _published(row: Feedback) -> PublishedReply:
    return PublishedReply(
        place=row.place,
        theme=row.theme,
        received=row.created_at,
        comment=row.comment_masked or None,
        comment_lang=row.lang,
        reply=suggest_mask(row.reply),
        reply_translated=suggest_mask(row.reply_translated) if row.reply_translated else None,
    )


WITHIN = timedelta(days=14)


@dataclass(frozen=True)
class ResponseTimes:
    """Feedback received in a period, how much of it is handled, how fast."""

    received: int = 0
    handled: int = 0
    handled_within_14_days: int = 0
    median_days: float | None = None  # to handled, of those handled; one decimal

    @property
    def small(self) -> bool:
        """Fewer than MIN_GROUP received: the row is the answers table's "all places" group
        and is shown, like it, only as "fewer than 5"."""
        return self.received < MIN_GROUP


@dataclass
class SignatoryTimes:
    """One signatory's response times in one tertial, of a promise several signed: shown
    from MIN_GROUP received, and not when withheld so a small one can't be worked out from
    the promise's total."""

    municipality: object
    period: object
    times: ResponseTimes
    withheld: bool = False

    @property
    def responses(self) -> int:
        return self.times.received

    @property
    def small(self) -> bool:
        return self.times.small

    @property
    def shown(self) -> bool:
        return not self.small and not self.withheld


def _times(rows) -> ResponseTimes:
    """(created_at, handled_at) rows counted."""
    waits = [handled - created for created, handled in rows if handled is not None]
    days = [wait.total_seconds() / 86400 for wait in waits]
    return ResponseTimes(
        received=len(rows),
        handled=len(waits),
        handled_within_14_days=sum(1 for wait in waits if wait <= WITHIN),
        median_days=round(median(days), 1) if days else None,
    )


def _received(session, period, bounds) -> list:
    start, end = bounds(period)
    return session.execute(
        select(Feedback.municipality_id, Feedback.created_at, Feedback.handled_at).where(
            Feedback.created_at >= start, Feedback.created_at < end
        )
    ).all()


def response_times(session, periods, bounds) -> list:
    """[(period, ResponseTimes)] for feedback received in each period, handled by now."""
    return [
        (period, _times([row[1:] for row in _received(session, period, bounds)]))
        for period in periods
    ]


def response_times_apart(session, periods, bounds, towns) -> list:
    """[(period, [SignatoryTimes])]: each of `towns` (the municipalities that signed a shared
    promise) apart, before suppression; nothing without them."""
    if not towns:
        return []
    out = []
    for period in periods:
        rows = _received(session, period, bounds)
        out.append((period, [
            SignatoryTimes(town, period, _times([r[1:] for r in rows if r[0] == town.id]))
            for town in towns
        ]))  # fmt: skip
    return out
