"""The follow-up of one promise for one of its periods (the whole promise unless asked): per
activity what was delivered, in total and per tertial, against the target that applies;
presence from the ledger; residents' answers grouped so no one stands out.

One computation for every output: the public page, API and feed, and (public=False) the staff
page and the board's report. `public=True` applies the publication rules: `staff` activities
never, `after_tertial` ones only for tertials that have closed. Notes are masked everywhere.
Pure: takes the session, `now` and tz; reads no clock or request.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from webapp.masking import suggest_mask
from webapp.models import PresenceSlot, Promise, PromiseActivity, PromiseEntry, signatories_of
from webapp.promise.figures import (
    PresenceFigures,
    feedback_figures,
    period_bounds,
    presence_figures,
)
from webapp.promise.periods import Period, tertial_holding, whole
from webapp.promise.suppression import MIN_GROUP, Count
from webapp.promise.suppression import withhold_derivable as withhold_in_lines
from webapp.promise.targets import Goal, activity_value, goal
from webapp.promise.you_said import response_times, you_said_we_did
from webapp.schedule import store
from webapp.schedule.slots import STARTED


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
    done: float | None  # the period's figure so far (a count's sum, a figure's latest, presence
    # held), published ones only when public; None if nothing is published
    tertials: list  # [(Period, value or None)]: None is not reported, or not published yet
    goal: Goal | None = None
    through: date | None = None  # the last day the published figures cover
    preliminary: bool = False  # staff's view: after_tertial, and the period is still running
    presence: PresenceFigures | None = None
    presence_tertials: list = field(default_factory=list)  # [(Period, PresenceFigures)]
    updates: list = field(default_factory=list)  # [Update], newest first
    hidden: frozenset = frozenset()  # keys of the tertials whose figures are not published yet

    def status(self, period: Period, value) -> str:
        """A tertial's figure: "reported", "not_published" (after_tertial, the tertial still
        running) or "not_reported"."""
        if value is not None:
            return "reported"
        return "not_published" if period.key in self.hidden else "not_reported"

    @property
    def rows(self) -> list:
        """(Period, value or None, status) per tertial."""
        return [(t, value, self.status(t, value)) for t, value in self.tertials]

    @property
    def target_total(self) -> float | None:
        return None if self.goal is None else self.goal.target

    @property
    def expected(self) -> float | None:
        return None if self.goal is None else self.goal.expected

    @property
    def state(self) -> str | None:
        return None if self.goal is None else self.goal.state

    @property
    def staff_only(self) -> bool:
        """publish = "staff": never on the public site."""
        return self.activity.publish == "staff"

    @property
    def years(self) -> list:
        """(year, value or None) from the tertials: counts add up, a figure is the latest."""
        years: dict = {}
        for t, value in self.tertials:
            years.setdefault(t.year, [])
            if value is not None:
                years[t.year].append(value)
        if self.activity.measure == "figure":
            return [(y, values[-1] if values else None) for y, values in years.items()]
        return [(y, float(sum(values)) if values else None) for y, values in years.items()]

    @property
    def presence_years(self) -> list:
        """(year, PresenceFigures) from the tertials."""
        years: dict = {}
        for t, figures in self.presence_tertials:
            years.setdefault(t.year, PresenceFigures()).merge(figures)
        return list(years.items())


@dataclass
class FeedbackGroup(Count):
    """Answers for one place (or all, place None) in one period; figures only from 5 up."""

    place: object
    period: Period
    responses: int

    def __init__(self, place, period, figures):
        self.place, self.period, self.responses = place, period, figures.responses
        self._figures = figures
        self.withheld = False  # hidden too, so that a small group can't be worked out

    @property
    def size(self) -> int:
        return self.responses

    def mean(self, name: str) -> float | None:
        scale = getattr(self._figures, name)
        return scale.mean if self.shown and scale.answers >= MIN_GROUP else None

    @property
    def met_police(self) -> dict | None:
        return dict(self._figures.met_police) if self.shown else None


@dataclass
class PromiseFollowup:
    promise: Promise
    period: Period
    today: date
    generated_at: datetime
    public: bool
    tertials: list  # [Period]: the period's tertials begun by today
    commitments: list  # [(PromiseCommitment, [ActivityFollowup])]
    feedback: list  # [FeedbackGroup], per tertial: each place, then all places (place None)
    last_updated: datetime | None
    you_said: list = field(default_factory=list)  # [YouSaid] per tertial: themes, replies
    response_times: list = field(default_factory=list)  # [(Period, ResponseTimes)] per tertial

    @property
    def in_force(self) -> bool:
        return self.promise.in_force(self.today)

    @property
    def closed(self) -> bool:
        """Every tertial of the period has ended: its figures are final."""
        return self.period.closed(self.today)

    @property
    def open_tertials(self) -> frozenset:
        """Keys of the period's tertials still running."""
        return frozenset(t.key for t in self.tertials if not t.closed(self.today))

    @property
    def activities(self) -> list:
        return [a for _c, items in self.commitments for a in items]

    @property
    def presence(self) -> ActivityFollowup | None:
        return next((a for a in self.activities if a.activity.measure == "presence"), None)


def visible(activity: PromiseActivity, day: date, today: date, public: bool) -> bool:
    """The publication rule for one figure of `activity` dated `day`."""
    if not public or activity.measure == "presence":
        return True
    if activity.publish == "staff":
        return False
    if activity.publish == "after_tertial":
        return tertial_holding(day).closed(today)
    return True


def published_through(activity, period: Period, today: date, public: bool) -> date | None:
    """The last day of `period` whose figures of `activity` are published; None if none is."""
    last = min(today, period.last_day)
    if not public or activity.publish == "live" or activity.measure == "presence":
        return last if today >= period.first_day else None
    if activity.publish == "staff":
        return None
    closed = [t for t in period.tertials(today) if t.closed(today)]
    return closed[-1].last_day if closed else None


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


def activity_followup(activity, promise: Period, period: Period, tertials: list, entries: list,
                      today: date, public: bool, presence: tuple) -> ActivityFollowup:  # fmt: skip
    """What `activity` delivered in `period` of the whole `promise`, as published by `today`."""
    through = published_through(activity, period, today, public)
    preliminary = not public and activity.publish == "after_tertial" and not period.closed(today)
    if activity.measure == "presence":
        total, per_tertial = presence
        return ActivityFollowup(
            activity, _float(total.held_reported),
            [(t, _float(f.held_reported)) for t, f in per_tertial],
            through=through, preliminary=preliminary, presence=total,
            presence_tertials=per_tertial,
        )  # fmt: skip
    published = [e for e in entries if e.day <= today and visible(activity, e.day, today, public)]
    shown = [e for e in published if period.holds(e.day)]
    hidden = frozenset(t.key for t in tertials if not visible(activity, t.last_day, today, public))
    per_tertial = [
        (t, None if t.key in hidden else activity_value(activity,
                                                        [e for e in shown if t.holds(e.day)]))
        for t in tertials
    ]  # fmt: skip
    done = activity_value(activity, shown) if through is not None else None
    updates = [Update(e.day, suggest_mask(e.note), e.id, e.updated_at) for e in shown if e.note]
    return ActivityFollowup(
        activity, done, per_tertial, goal(activity, promise, period, published, through),
        through, preliminary, updates=updates[::-1], hidden=hidden,
    )  # fmt: skip


def _float(value) -> float | None:
    return None if value is None else float(value)


def presence_between(session, period: Period, tertials, tz, now) -> tuple:
    """Presence in `period`, and per tertial: (total, [(Period, PresenceFigures)])."""
    places = store.presence_places(session)
    start, end = period_bounds(period.first_day, period.last_day, tz)
    total = presence_figures(session, places, start, end, now)[1]
    per_tertial = []
    for t in tertials:
        t_start, t_end = period_bounds(t.first_day, t.last_day, tz)
        per_tertial.append((t, presence_figures(session, places, t_start, t_end, now)[1]))
    return total, per_tertial


def feedback_groups(session, periods, tz) -> list[FeedbackGroup]:
    """Answers per period: each place, then all places together."""
    places = store.all_places(session)
    groups = []
    for p in periods:
        start, end = period_bounds(p.first_day, p.last_day, tz)
        per_place, total = feedback_figures(session, places, start, end)
        groups += [FeedbackGroup(place, p, per_place[place.slug]) for place in places]
        groups.append(FeedbackGroup(None, p, total))
    return withhold_derivable(groups)


def _lines(groups) -> list[tuple[list, FeedbackGroup]]:
    """Every sum a reader can use: the places of a period add up to all places, and the
    tertials of a place (or of all places) add up to a longer period that holds them."""
    cell = {(g.place.slug if g.place else None, g.period.key): g for g in groups}
    periods = list({g.period.key: g.period for g in groups}.values())
    rows = list(dict.fromkeys(g.place.slug if g.place else None for g in groups))
    lines = []
    for p in periods:
        parts = [cell[(row, p.key)] for row in rows if row is not None and (row, p.key) in cell]
        if (None, p.key) in cell:
            lines.append((parts, cell[(None, p.key)]))
        inner = [t for t in periods if t.kind == "tertial" and t is not p
                 and p.first_day <= t.first_day and t.last_day <= p.last_day]  # fmt: skip
        for row in rows if inner else ():
            parts = [cell[(row, t.key)] for t in inner if (row, t.key) in cell]
            if (row, p.key) in cell:
                lines.append((parts, cell[(row, p.key)]))
    return lines


def withhold_derivable(groups: list[FeedbackGroup]) -> list[FeedbackGroup]:
    """Complementary suppression (webapp.promise.suppression) over the table of answers: no
    small group can be worked out by subtracting the others from a total."""
    withhold_in_lines(_lines(groups))
    return groups


def _last_updated(session, period, entries, today, public, tz, now) -> datetime | None:
    start, end = period_bounds(period.first_day, period.last_day, tz)
    slot = session.scalar(
        select(func.max(PresenceSlot.updated_at)).where(
            PresenceSlot.starts_at >= start, PresenceSlot.starts_at < end, STARTED.sql(now)
        )
    )
    times = [slot] if slot else []
    for activity, rows in entries:
        times += [
            e.updated_at
            for e in rows
            if period.holds(e.day) and visible(activity, e.day, today, public)
        ]
    return max(times, default=None)


def promise_followup(
    session,
    promise: Promise,
    tz: ZoneInfo,
    now: datetime,
    *,
    period: Period | None = None,
    public: bool = True,
) -> PromiseFollowup:
    """Every figure of the follow-up of `promise` for `period` (default: the whole promise),
    as of `now`: of every municipality that signed it, when several did."""
    with signatories_of(session, promise):
        return _followup(session, promise, tz, now, period, public)


def _followup(session, promise, tz, now, period, public) -> PromiseFollowup:
    today = now.astimezone(tz).date()
    promise_days = whole(promise)
    period = period or promise_days
    tertials = period.tertials(today)
    activities = [a for c in promise.commitments for a in c.activities]
    entries = entries_by_activity(session, [a.id for a in activities])
    presence = presence_between(session, period, tertials, tz, now)
    commitments = [
        (c, [activity_followup(a, promise_days, period, tertials, entries.get(a.id, []), today,
                               public, presence)
             for a in c.activities if not (public and a.publish == "staff")])
        for c in promise.commitments
    ]  # fmt: skip
    pairs = [(a, entries.get(a.id, [])) for a in activities]

    def bounds(p: Period):
        return period_bounds(p.first_day, p.last_day, tz)

    you_said = you_said_we_did(session, tertials, bounds)
    for y in you_said:  # what changed: the activities' published updates in the tertial
        y.changes = [(item.activity, u) for _c, items in commitments for item in items
                     for u in item.updates if y.period.holds(u.day)]  # fmt: skip
    return PromiseFollowup(
        promise=promise,
        period=period,
        today=today,
        generated_at=now,
        public=public,
        tertials=tertials,
        commitments=commitments,
        feedback=feedback_groups(session, tertials, tz),
        last_updated=_last_updated(session, period, pairs, today, public, tz, now),
        you_said=you_said,
        response_times=response_times(session, tertials, bounds),
    )


def board_report(session, promise: Promise, period: Period, tz: ZoneInfo, now: datetime,
                 public: bool = False) -> PromiseFollowup:  # fmt: skip
    """The report for kommunstyrelsen: the follow-up restricted to `period` as staff see it
    (staff-only activities marked, running after_tertial figures preliminary), and beside the
    answers per tertial, the period's as a whole when it spans several tertials. `public`:
    the same report as the website publishes it, without staff-only activities."""
    report = promise_followup(session, promise, tz, now, period=period, public=public)
    if len(report.tertials) > 1:
        report.feedback = withhold_derivable(
            report.feedback + feedback_groups(session, [period], tz)
        )
    return report
