"""What the follow-up shows of feedback as cases ("you said, we did"): per tertial, the themes
residents raised at each place (a places × themes table under the suppression rule; one per
municipality for a promise several signed, since each names its own themes), the replies
staff chose to publish per place (the comment only where staff saved a masked copy), and how
fast answers come. Pure: session and periods in, values out."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.masking import suggest_mask
from webapp.models import Feedback
from webapp.promise.signatories import Signatory, place_key
from webapp.promise.suppression import MIN_GROUP, Count, withhold_derivable


@dataclass(frozen=True)
class PublishedReply:
    place: object
    theme: str | None
    received: datetime
    comment: str | None  # staff's masked copy; None when they chose not to save one
    comment_lang: str
    reply: str  # Swedish, masked
    reply_translated: str | None  # in the comment's language, masked


@dataclass(eq=False)
class ThemeCount(Count):
    """Feedback that raised `theme` (None: any theme) at `place` (None: all places)."""

    place: object
    theme: str | None
    count: int
    withheld: bool = False

    @property
    def size(self) -> int:
        return self.count

    @property
    def value(self) -> int | None:
        """The count as published: None unless shown."""
        return self.count if self.shown else None


@dataclass
class ThemeTable:
    """One tertial's themes: a row per place that raised any, a column per theme raised,
    each row's and column's total, and no count under MIN_GROUP recoverable from them.
    `municipality`: whose places and themes they are, when the promise has several
    signatories (None: the promise's one municipality)."""

    places: list  # [Place], in the answers table's order
    themes: list  # [key]: the shown totals, most raised first; then the rest by key
    cells: dict  # (place_key or None, theme or None) -> ThemeCount
    municipality: object = None

    def cell(self, place, theme) -> ThemeCount:
        return self.cells[(place_key(place) if place else None, theme)]

    @property
    def rows(self) -> list:
        """(place or None for all places, [ThemeCount per theme], the row's total)."""
        return [
            (place, [self.cell(place, theme) for theme in self.themes], self.cell(place, None))
            for place in (*self.places, None)
        ]

    @property
    def lines(self) -> list:
        """Every sum the table shows: each row's themes add up to its total, and each
        column's places (the totals too) to all places."""
        rows = [(cells, total) for _place, cells, total in self.rows]
        columns = [([self.cell(p, theme) for p in self.places], self.cell(None, theme))
                   for theme in (*self.themes, None)]  # fmt: skip
        return rows + columns


def theme_table(items: list, places: list, municipality=None) -> ThemeTable | None:
    """The places × themes table of `items` (feedback with a theme), suppressed; None when
    none has a theme. `places` gives the rows' order (others follow by key)."""
    counts = Counter((place_key(row.place), row.theme) for row in items if row.theme)
    if not counts:
        return None
    raised = {place_key(row.place): row.place for row in items if row.theme}
    rows = [p for p in places if place_key(p) in raised]
    rows += sorted((p for p in raised.values() if p not in rows), key=place_key)
    keys = sorted({theme for _key, theme in counts})
    cells = {}
    for place in (*rows, None):
        slugs = [place_key(place)] if place else list(raised)
        for theme in (*keys, None):
            themes = [theme] if theme else keys
            count = sum(counts[(s, t)] for s in slugs for t in themes)
            cells[(place_key(place) if place else None, theme)] = ThemeCount(place, theme, count)
    table = ThemeTable(rows, keys, cells, municipality)
    withhold_derivable(table.lines)
    # Shown totals, most raised first; then the others by key, so that their order tells
    # nothing about their sizes.
    shown = {key: cells[(None, key)].value for key in keys}
    table.themes = sorted(keys, key=lambda k: (shown[k] is None, -(shown[k] or 0), k))
    return table


@dataclass
class YouSaid:
    """One tertial: the places × themes table (one per signatory of a shared promise),
    published replies and what changed."""

    period: object
    tables: list = field(default_factory=list)  # [ThemeTable], in the signatories' order
    replies: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # [(PromiseActivity, Update)] in the tertial

    @property
    def replies_by_place(self) -> list:
        """[(Place, [PublishedReply])], in the order of the replies (the table's places')."""
        groups: dict = {}
        for reply in self.replies:
            groups.setdefault(place_key(reply.place), (reply.place, []))[1].append(reply)
        return list(groups.values())


def theme_tables(rows: list, groups: list[Signatory]) -> list[ThemeTable]:
    """The themes of `rows` (feedback), one table per signatory: each municipality's own
    places and themes, its counts apart (one table for a promise of one municipality)."""
    tables = (
        theme_table([r for r in rows if s.municipality is None
                     or r.place.municipality_id == s.municipality.id], s.places, s.municipality)
        for s in groups
    )  # fmt: skip
    return [table for table in tables if table is not None]


def you_said_we_did(session, tertials, bounds, groups: list[Signatory]) -> list[YouSaid]:
    """Per tertial (`bounds(period)` gives its [start, end)), themes and published replies,
    at the places of every signatory (`groups`, webapp.promise.signatories)."""
    places = [place for s in groups for place in s.places]
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
        tables = theme_tables(rows, groups)
        order = {place_key(place): n for n, place in enumerate(places)}
        published = [row for row in rows if row.published_at and row.reply]
        published.sort(key=lambda row: order.get(place_key(row.place), len(order)))  # by day
        replies = [_published(row) for row in published]
        if tables or replies:
            out.append(YouSaid(period, tables, replies))
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


@dataclass(eq=False)
class SignatoryTimes(Count):
    """One signatory's response times in one tertial, of a promise several signed: shown
    from MIN_GROUP received, and not when withheld so a small one can't be worked out from
    the promise's total."""

    municipality: object
    period: object
    times: ResponseTimes
    withheld: bool = False

    @property
    def size(self) -> int:
        return self.times.received

    @property
    def responses(self) -> int:
        return self.times.received


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
