"""The report for kommunstyrelsen: the follow-up of one promise restricted to a window (the
whole period, one year or one tertial of it).

Staff produce it for the board, so staff-only activities are in it (marked as such), and an
`after_tertial` activity's figures from a tertial still running are in it marked preliminary.
Notes are masked as on the public page. Pure: session, tz and `now` in; no clock, no request.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from webapp.masking import suggest_mask
from webapp.models import Promise, PromiseActivity
from webapp.promise.figures import PresenceFigures, feedback_figures, period_bounds
from webapp.promise.followup import (
    FeedbackGroup,
    Tertial,
    Update,
    activity_value,
    entries_by_activity,
    feedback_groups,
    level_state,
    pace,
    presence_between,
    promise_tertials,
    years_of,
)
from webapp.promise.periods import Window, year_bounds
from webapp.schedule import store


@dataclass(frozen=True)
class Goal:
    """The target that applies to the window and the figure to hold against it.

    For a count: a year's target (in a year or tertial report of a per-year target), else the
    whole period's; `to_date` counts from the span's first day through the window's last.
    For a figure: the level to reach and the window's latest figure.
    """

    target: float
    span: str  # "year", "period" or "level"
    first_day: date
    last_day: date
    to_date: float | None
    expected: float | None  # by the window's end (or today), at an even pace
    state: str | None  # "reached", "on_track", "behind"


@dataclass
class BoardActivity:
    activity: PromiseActivity
    value: float | None  # the window's figure: a count's sum, a figure's latest, presence held
    tertials: list  # [(Tertial, value or None)] for the tertials in the window
    years: list  # [(year, value or None)] for the years in the window
    goal: Goal | None = None
    staff_only: bool = False  # publish = "staff": never on the public site
    preliminary: bool = False  # after_tertial, and the window has a tertial still running
    presence: PresenceFigures | None = None
    presence_tertials: list = field(default_factory=list)  # [(Tertial, PresenceFigures)]
    presence_years: list = field(default_factory=list)  # [(year, PresenceFigures)]
    updates: list = field(default_factory=list)  # [Update] dated in the window, oldest first


@dataclass
class BoardReport:
    promise: Promise
    window: Window
    today: date
    generated_at: datetime
    closed: bool  # every tertial of the window has ended: its figures are final
    tertials: list  # [Tertial] in the window (those begun by today)
    open_tertials: frozenset  # keys of the window's tertials still running
    commitments: list  # [(PromiseCommitment, [BoardActivity])], staff-only activities too
    feedback: list  # [FeedbackGroup] per tertial, then for the whole window (several tertials)

    @property
    def activities(self) -> list:
        return [a for _c, items in self.commitments for a in items]


def _goal(activity, promise, window, entries, today) -> Goal | None:
    if activity.target is None or activity.measure not in ("count", "figure"):
        return None
    if activity.measure == "figure":
        value = activity_value(activity, [e for e in entries if window.holds(e.day)])
        return Goal(activity.target, "level", window.first_day, window.last_day, value, None,
                    level_state(activity.target, value))  # fmt: skip
    if activity.target_per == "year" and window.kind != "all":
        first, last = year_bounds(window.year)
        span, first, last = "year", max(first, promise.first_day), min(last, promise.last_day)
        target = activity.target
    else:
        span, first, last = "period", promise.first_day, promise.last_day
        per_year = activity.target_per == "year"
        target = activity.target * (len(years_of(promise)) if per_year else 1)
    to_date = activity_value(activity, [e for e in entries if first <= e.day <= window.last_day])
    through = min(window.last_day, today)
    return Goal(target, span, first, last, to_date, *pace(target, first, last, through, to_date))


def _per_year(activity, tertials: list) -> list:
    """(year, value): counts add up, a figure is the year's latest."""
    years: dict = {}
    for t, value in tertials:
        years.setdefault(t.year, [])
        if value is not None:
            years[t.year].append(value)
    if activity.measure == "figure":
        return [(y, values[-1] if values else None) for y, values in years.items()]
    return [(y, float(sum(values))) for y, values in years.items()]


def _activity(activity, promise, window, tertials, entries, today, presence) -> BoardActivity:
    marks = {
        "staff_only": activity.publish == "staff",
        "preliminary": activity.publish == "after_tertial" and not window.closed(today),
    }
    if activity.measure == "presence":
        total, per_tertial = presence
        years: dict = {}
        for t, f in per_tertial:
            years.setdefault(t.year, PresenceFigures()).merge(f)
        return BoardActivity(
            activity, float(total.held), [(t, float(f.held)) for t, f in per_tertial],
            [(y, float(f.held)) for y, f in years.items()], presence=total,
            presence_tertials=per_tertial, presence_years=list(years.items()), **marks,
        )  # fmt: skip
    inside = [e for e in entries if window.holds(e.day) and e.day <= today]
    per_tertial = [
        (t, activity_value(activity, [e for e in inside if t.first_day <= e.day <= t.last_day]))
        for t in tertials
    ]
    updates = [Update(e.day, suggest_mask(e.note), e.id, e.updated_at) for e in inside if e.note]
    return BoardActivity(
        activity, activity_value(activity, inside), per_tertial, _per_year(activity, per_tertial),
        _goal(activity, promise, window, entries, today), updates=updates, **marks,
    )  # fmt: skip


def _feedback(session, window, tertials, tz) -> list[FeedbackGroup]:
    groups = feedback_groups(session, tertials, tz)
    if len(tertials) > 1:
        places = store.all_places(session)
        start, end = period_bounds(window.first_day, window.last_day, tz)
        per_place, total = feedback_figures(session, places, start, end)
        groups += [FeedbackGroup(p, window, per_place[p.slug]) for p in places]
        groups.append(FeedbackGroup(None, window, total))
    return groups


def board_report(session, promise: Promise, window: Window, tz: ZoneInfo,
                 now: datetime) -> BoardReport:  # fmt: skip
    """Every figure of the report on `promise` for `window`, as of `now`."""
    today = now.astimezone(tz).date()
    tertials: list[Tertial] = [
        t for t in promise_tertials(promise, today) if window.holds(t.first_day)
    ]
    activities = [a for c in promise.commitments for a in c.activities]
    entries = entries_by_activity(session, [a.id for a in activities])
    presence = presence_between(session, window.first_day, window.last_day, tertials, tz, now)
    commitments = [
        (c, [_activity(a, promise, window, tertials, entries.get(a.id, []), today, presence)
             for a in c.activities])
        for c in promise.commitments
    ]  # fmt: skip
    return BoardReport(
        promise=promise,
        window=window,
        today=today,
        generated_at=now,
        closed=window.closed(today),
        tertials=tertials,
        open_tertials=frozenset(t.key for t in tertials if not t.closed),
        commitments=commitments,
        feedback=_feedback(session, window, tertials, tz),
    )
