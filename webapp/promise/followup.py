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
from webapp.promise.signatories import Signatory, place_key, signatories
from webapp.promise.suppression import MIN_GROUP, Count
from webapp.promise.suppression import withhold_derivable as withhold_in_lines
from webapp.promise.targets import Goal, activity_value, goal
from webapp.promise.you_said import (
    SignatoryTimes,
    response_times,
    response_times_apart,
    you_said_we_did,
)
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
    presence_apart: list = field(default_factory=list)  # [SignatoryPresence] when shared
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
class SignatoryPresence:
    """One municipality's presence in the period of a promise several signed: per place (in
    its file's order), and the municipality's total. The signatories' totals add up to the
    promise's."""

    municipality: object
    places: list  # [(Place, PresenceFigures)]
    total: PresenceFigures


@dataclass
class FeedbackGroup(Count):
    """Answers for one place (or all, place None) in one period; figures only from 5 up.
    `municipality` is the place's when the promise has several signatories, else None."""

    place: object
    period: Period
    responses: int

    def __init__(self, place, period, figures, municipality=None):
        self.place, self.period, self.responses = place, period, figures.responses
        self.municipality = municipality
        self._figures = figures
        self.withheld = False  # hidden too, so that a small group can't be worked out

    @property
    def size(self) -> int:
        return self.responses

    @property
    def row(self):
        """The group's row in its table: the place's key, None for all places."""
        return None if self.place is None else place_key(self.place)

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
    signatories: list = field(default_factory=list)  # [Signatory]: one unnamed unless shared
    response_times_apart: list = field(default_factory=list)  # [(Period, [SignatoryTimes])]

    @property
    def shared(self) -> bool:
        """Signed by several municipalities: each one's figures are shown apart."""
        return any(s.municipality is not None for s in self.signatories)

    def feedback_apart(self, period: Period) -> list[tuple[object, list]]:
        """The answers of `period` per place, as [(municipality, [FeedbackGroup])]: one group
        per signatory when shared, else one with municipality None. The total is not in it."""
        groups = [g for g in self.feedback if g.period.key == period.key and g.place is not None]
        return [
            (s.municipality, [g for g in groups if g.municipality is s.municipality])
            for s in self.signatories
        ]

    def signatory_of(self, place):
        """The municipality of `place` when the promise is shared (to name it beside the
        place), else None."""
        return next((s.municipality for s in self.signatories
                     if s.municipality is not None and s.municipality.id == place.municipality_id),
                    None)  # fmt: skip

    def response_times_of(self, municipality) -> list[tuple[Period, SignatoryTimes]]:
        """One signatory's response times per tertial, as suppressed."""
        return [(t, r) for t, rows in self.response_times_apart for r in rows
                if r.municipality is municipality]  # fmt: skip

    def feedback_total(self, period: Period) -> FeedbackGroup | None:
        return next(
            (g for g in self.feedback if g.period.key == period.key and g.place is None), None
        )

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
        total, per_tertial, apart = presence
        return ActivityFollowup(
            activity, _float(total.held_reported),
            [(t, _float(f.held_reported)) for t, f in per_tertial],
            through=through, preliminary=preliminary, presence=total,
            presence_tertials=per_tertial, presence_apart=apart,
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


def presence_between(session, period: Period, tertials, tz, now, groups: list) -> tuple:
    """Presence in `period`, per tertial, and per signatory of a shared promise:
    (total, [(Period, PresenceFigures)], [SignatoryPresence])."""
    places = [p for s in groups for p in s.presence_places]
    start, end = period_bounds(period.first_day, period.last_day, tz)
    per_place, total = presence_figures(session, places, start, end, now)
    per_tertial = []
    for t in tertials:
        t_start, t_end = period_bounds(t.first_day, t.last_day, tz)
        per_tertial.append((t, presence_figures(session, places, t_start, t_end, now)[1]))
    return total, per_tertial, presence_apart(groups, per_place)


def presence_apart(groups: list[Signatory], per_place: dict) -> list[SignatoryPresence]:
    """Each signatory's presence per place (its presence places, and any other place where
    it had a slot), when the promise has several; else nothing."""
    out = []
    for s in groups:
        if s.municipality is None:
            return []
        rows = [(p, per_place[place_key(p)]) for p in s.places if place_key(p) in per_place]
        total = PresenceFigures()
        for _place, figures in rows:
            total.merge(figures)
        out.append(SignatoryPresence(s.municipality, rows, total))
    return out


def feedback_groups(session, periods, tz, groups: list[Signatory]) -> list[FeedbackGroup]:
    """Answers per period: each place (of each signatory in turn), then all places."""
    places = [p for s in groups for p in s.places]
    out = []
    for p in periods:
        start, end = period_bounds(p.first_day, p.last_day, tz)
        per_place, total = feedback_figures(session, places, start, end)
        out += [FeedbackGroup(place, p, per_place[place_key(place)], s.municipality)
                for s in groups for place in s.places]  # fmt: skip
        out.append(FeedbackGroup(None, p, total))
    return withhold_derivable(out)


def _lines(groups) -> list[tuple[list, FeedbackGroup]]:
    """Every sum a reader can use: the places of a period add up to all places, and the
    tertials of a place (or of all places) add up to a longer period that holds them."""
    cell = {(g.row, g.period.key): g for g in groups}
    periods = list({g.period.key: g.period for g in groups}.values())
    rows = list(dict.fromkeys(g.row for g in groups))
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


def withhold_times(apart: list, totals: list) -> list:
    """The same for response times per signatory: in each tertial the signatories add up to
    the promise's total ([(Period, ResponseTimes)])."""
    total_of = {period.key: times for period, times in totals}
    withhold_in_lines([
        (rows, SignatoryTimes(None, period, total_of[period.key])) for period, rows in apart
    ])  # fmt: skip
    return apart


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
    groups = signatories(session, promise)
    presence = presence_between(session, period, tertials, tz, now, groups)
    commitments = [
        (c, [activity_followup(a, promise_days, period, tertials, entries.get(a.id, []), today,
                               public, presence)
             for a in c.activities if not (public and a.publish == "staff")])
        for c in promise.commitments
    ]  # fmt: skip
    pairs = [(a, entries.get(a.id, [])) for a in activities]

    def bounds(p: Period):
        return period_bounds(p.first_day, p.last_day, tz)

    towns = [s.municipality for s in groups if s.municipality]
    you_said = you_said_we_did(session, tertials, bounds, groups)
    times = response_times(session, tertials, bounds)
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
        feedback=feedback_groups(session, tertials, tz, groups),
        last_updated=_last_updated(session, period, pairs, today, public, tz, now),
        you_said=you_said,
        response_times=times,
        signatories=groups,
        response_times_apart=withhold_times(
            response_times_apart(session, tertials, bounds, towns), times
        ),
    )  # fmt: skip


def board_report(session, promise: Promise, period: Period, tz: ZoneInfo, now: datetime,
                 public: bool = False) -> PromiseFollowup:  # fmt: skip
    """The report for kommunstyrelsen: the follow-up restricted to `period` as staff see it
    (staff-only activities marked, running after_tertial figures preliminary), and beside the
    answers per tertial, the period's as a whole when it spans several tertials. `public`:
    the same report as the website publishes it, without staff-only activities."""
    with signatories_of(session, promise):
        report = _followup(session, promise, tz, now, period, public)
        if len(report.tertials) > 1:
            whole_period = feedback_groups(session, [period], tz, report.signatories)
            report.feedback = withhold_derivable(report.feedback + whole_period)
    return report
