"""The follow-up of one promise: per activity what was delivered, in total and per tertial,
against its target; presence from the ledger; residents' answers grouped so no one stands out.

One computation for every output (public page, API, XLSX, CSV). `public=True` applies the
publication rules: `staff` activities never, `after_tertial` ones only for tertials that have
closed, notes masked. Pure: takes the session, `now` and tz; reads no clock or request.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from webapp.masking import suggest_mask
from webapp.models import PresenceSlot, Promise, PromiseActivity, PromiseEntry
from webapp.promise.figures import (
    PresenceFigures,
    feedback_figures,
    period_bounds,
    presence_figures,
)
from webapp.promise.periods import tertial_bounds, tertial_closed, tertial_of
from webapp.schedule import store

MIN_GROUP = 5  # answers; a smaller group is shown only as "fewer than 5"


@dataclass
class Tertial:
    year: int
    n: int
    first_day: date  # clipped to the promise's period
    last_day: date
    closed: bool  # ended before today

    @property
    def key(self) -> str:
        return f"{self.year}-T{self.n}"


@dataclass(frozen=True)
class Update:
    """A published note: what was done, or how the work is going."""

    day: date
    note: str
    entry_id: int
    updated_at: datetime


@dataclass
class ActivityFollowup:
    activity: PromiseActivity
    done: float | None  # the published figure for the period so far; None if nothing is
    tertials: list  # [(Tertial, value or None)]
    target_total: float | None = None  # for the whole period
    expected: float | None = None  # by `through`, at an even pace
    through: date | None = None  # the last day the published figures cover
    state: str | None = None  # "reached", "on_track", "behind"
    presence: PresenceFigures | None = None
    presence_tertials: list = field(default_factory=list)  # [(Tertial, PresenceFigures)]
    updates: list = field(default_factory=list)  # [Update], newest first


@dataclass
class FeedbackGroup:
    """Answers for one place (or all, place None) in one tertial; figures only from 5 up."""

    place: object
    tertial: Tertial
    responses: int

    def __init__(self, place, tertial, figures):
        self.place, self.tertial, self.responses = place, tertial, figures.responses
        self._figures = figures

    @property
    def shown(self) -> bool:
        return self.responses >= MIN_GROUP

    def mean(self, name: str) -> float | None:
        scale = getattr(self._figures, name)
        return scale.mean if self.shown and scale.answers >= MIN_GROUP else None

    @property
    def met_police(self) -> dict | None:
        return dict(self._figures.met_police) if self.shown else None


@dataclass
class PromiseFollowup:
    promise: Promise
    today: date
    public: bool
    in_force: bool
    tertials: list
    commitments: list  # [(PromiseCommitment, [ActivityFollowup])]
    feedback: list  # [FeedbackGroup], per tertial: each place, then all places (place None)
    last_updated: datetime | None

    @property
    def activities(self) -> list:
        return [a for _c, items in self.commitments for a in items]

    @property
    def presence(self) -> ActivityFollowup | None:
        return next((a for a in self.activities if a.activity.measure == "presence"), None)


def promise_tertials(promise: Promise, today: date) -> list[Tertial]:
    """The tertials of the promise's period that have begun by `today`, clipped to it."""
    out = []
    year, n = tertial_of(promise.first_day)
    while True:
        first, last = tertial_bounds(year, n)
        if first > min(today, promise.last_day):
            return out
        out.append(Tertial(year, n, max(first, promise.first_day),
                           min(last, promise.last_day), last < today))  # fmt: skip
        year, n = (year + 1, 1) if n == 3 else (year, n + 1)


def visible(activity: PromiseActivity, day: date, today: date, public: bool) -> bool:
    """The publication rule for one figure of `activity` dated `day`."""
    if not public or activity.measure == "presence":
        return True
    if activity.publish == "staff":
        return False
    if activity.publish == "after_tertial":
        return tertial_closed(day, today)
    return True


def _published_through(activity, promise, today, public) -> date | None:
    last = min(today, promise.last_day)
    if not public or activity.publish == "live" or activity.measure == "presence":
        return last if today >= promise.first_day else None
    if activity.publish == "staff":
        return None
    closed = [t for t in promise_tertials(promise, today) if t.closed]
    return closed[-1].last_day if closed else None


def years_of(promise) -> list[int]:
    """The calendar years the promise's period touches."""
    return list(range(promise.first_day.year, promise.last_day.year + 1))


def pace(total: float, first: date, last: date, through: date, done: float | None) -> tuple:
    """(expected by `through` at an even pace over first..last, state) for a total to reach."""
    days = (last - first).days + 1
    expected = total * ((through - first).days + 1) / days
    if done is not None and done >= total:
        return expected, "reached"
    return expected, "on_track" if (done or 0) >= round(expected) else "behind"


def level_state(target: float, value: float | None) -> str | None:
    """A figure (say, attendance in %) reaches its target or not; no pace."""
    return None if value is None else ("reached" if value >= target else "behind")


def _target(activity, promise, done, through) -> tuple:
    """(target for the period, expected by `through`, state)."""
    if activity.target is None:
        return None, None, None
    if activity.measure == "figure":
        return activity.target, None, level_state(activity.target, done)
    total = activity.target * (len(years_of(promise)) if activity.target_per == "year" else 1)
    if through is None:
        return total, None, None
    return total, *pace(total, promise.first_day, promise.last_day, through, done)


def entries_by_activity(session, activity_ids) -> dict:
    rows = session.scalars(
        select(PromiseEntry)
        .where(PromiseEntry.activity_id.in_(activity_ids), PromiseEntry.removed_at.is_(None))
        .order_by(PromiseEntry.day, PromiseEntry.id)
    )
    out: dict = {}
    for row in rows:
        out.setdefault(row.activity_id, []).append(row)
    return out


def activity_value(activity, entries) -> float | None:
    """A count adds up; a figure is the latest reported; a status has no figure."""
    if activity.measure == "count":
        return float(sum(e.value or 0 for e in entries))
    if activity.measure == "figure":
        reported = [e.value for e in entries if e.value is not None]
        return reported[-1] if reported else None
    return None


def _activity(session, activity, promise, tertials, entries, today, public, presence):
    through = _published_through(activity, promise, today, public)
    if activity.measure == "presence":
        total, per_tertial = presence
        return ActivityFollowup(
            activity, float(total.held), [(t, float(f.held)) for t, f in per_tertial],
            through=through, presence=total, presence_tertials=per_tertial,
        )  # fmt: skip
    shown = [e for e in entries if e.day <= today and visible(activity, e.day, today, public)]
    per_tertial = []
    for t in tertials:
        inside = [e for e in shown if t.first_day <= e.day <= t.last_day]
        published = visible(activity, t.last_day, today, public) if public else True
        per_tertial.append((t, activity_value(activity, inside) if published else None))
    done = activity_value(activity, shown) if through is not None else None
    target, expected, state = _target(activity, promise, done, through)
    updates = [
        Update(e.day, suggest_mask(e.note) if public else e.note, e.id, e.updated_at)
        for e in shown
        if e.note
    ]
    return ActivityFollowup(activity, done, per_tertial, target, expected, through, state,
                            updates=updates[::-1])  # fmt: skip


def presence_between(session, first_day, last_day, tertials, tz, now) -> tuple:
    """Presence for the days first_day..last_day, and per tertial: (total, [(Tertial, f)])."""
    places = store.presence_places(session)
    start, end = period_bounds(first_day, last_day, tz)
    total = presence_figures(session, places, start, end, now)[1]
    per_tertial = []
    for t in tertials:
        t_start, t_end = period_bounds(t.first_day, t.last_day, tz)
        per_tertial.append((t, presence_figures(session, places, t_start, t_end, now)[1]))
    return total, per_tertial


def feedback_groups(session, tertials, tz) -> list[FeedbackGroup]:
    """Answers per tertial: each place, then all places together."""
    places = store.all_places(session)
    groups = []
    for t in tertials:
        start, end = period_bounds(t.first_day, t.last_day, tz)
        per_place, total = feedback_figures(session, places, start, end)
        groups += [FeedbackGroup(p, t, per_place[p.slug]) for p in places]
        groups.append(FeedbackGroup(None, t, total))
    return groups


def _last_updated(session, promise, entries, today, public, tz, now) -> datetime | None:
    start, end = period_bounds(promise.first_day, promise.last_day, tz)
    slot = session.scalar(
        select(func.max(PresenceSlot.updated_at)).where(
            PresenceSlot.starts_at >= start, PresenceSlot.starts_at < min(end, now)
        )
    )
    times = [slot] if slot else []
    for activity, rows in entries:
        times += [e.updated_at for e in rows if visible(activity, e.day, today, public)]
    return max(times, default=None)


def promise_followup(session, promise: Promise, tz: ZoneInfo, now: datetime, *,
                     public: bool = True) -> PromiseFollowup:  # fmt: skip
    """Every figure of the follow-up of `promise` as of `now`."""
    today = now.astimezone(tz).date()
    tertials = promise_tertials(promise, today)
    activities = [a for c in promise.commitments for a in c.activities]
    entries = entries_by_activity(session, [a.id for a in activities])
    presence = presence_between(session, promise.first_day, promise.last_day, tertials, tz, now)
    commitments = [
        (
            c,
            [
                _activity(
                    session, a, promise, tertials, entries.get(a.id, []), today, public, presence
                )
                for a in c.activities
            ],
        )  # fmt: skip
        for c in promise.commitments
    ]
    if public:
        commitments = [
            (c, [a for a in items if a.activity.publish != "staff"]) for c, items in commitments
        ]
    pairs = [(a, entries.get(a.id, [])) for a in activities]
    return PromiseFollowup(
        promise=promise,
        today=today,
        public=public,
        in_force=promise.in_force(today),
        tertials=tertials,
        commitments=commitments,
        feedback=feedback_groups(session, tertials, tz),
        last_updated=_last_updated(session, promise, pairs, today, public, tz, now),
    )


def tertial_closing_days(promise: Promise, today: date) -> list[date]:
    """The days on which a tertial of the promise closed (for the feed of updates)."""
    return [t.last_day + timedelta(days=1) for t in promise_tertials(promise, today) if t.closed]
