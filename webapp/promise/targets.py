"""Targets: which one applies to a period, the figure held against it and whether the pace
keeps up. Pure: entries and dates in, values out.

The states, once for every output: nothing reported is "not_reported" (never 0 done, never
behind); a span that has ended gives its final result ("reached" or "not_reached"); while it
runs, "on_track" or "behind" against the whole things due by then at an even pace."""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from webapp.promise.periods import ALL, Period, year

STATES = ("not_reported", "on_track", "behind", "reached", "not_reached")


@dataclass(frozen=True)
class Goal:
    """The target that applies to the period and the figure to hold against it.

    For a count: a year's target (in a year or tertial of a per-year target), else the whole
    promise's; `to_date` counts from the span's first day through the period's last.
    For a figure: the level to reach and the period's latest figure.
    """

    target: float
    span: str  # "year", "period" or "level"
    first_day: date
    last_day: date
    to_date: float | None  # None while nothing is reported (or published)
    expected: int | None  # whole things due by the last published day, at an even pace
    state: str | None  # one of STATES; None while nothing can be published


def activity_value(activity, entries) -> float | None:
    """A count adds up; a figure is the latest reported; a status has no figure. None when
    nothing is reported: no entry is not zero done (an entry of 0 is)."""
    reported = [e.value for e in entries if e.value is not None]
    if not reported or activity.measure not in ("count", "figure"):
        return None
    return float(sum(reported)) if activity.measure == "count" else reported[-1]


def due_by(total: float, first: date, last: date, through: date) -> int:
    """Whole things due by `through` (inclusive) at an even pace over first..last: nobody holds
    0.9 of a meeting, so the share is rounded down."""
    days = (last - first).days + 1
    elapsed = min(max((through - first).days + 1, 0), days)
    return int(Fraction(total) * elapsed // days)


def pace(total: float, first: date, last: date, through: date, done: float | None) -> tuple:
    """(whole things due by `through`, state) for a total to reach over first..last."""
    if done is None:
        return None, "not_reported"
    if done >= total:
        return None, "reached"
    if through >= last:
        return None, "not_reached"  # the span is over: its final result, not a pace
    expected = due_by(total, first, last, through)
    return expected, "on_track" if done >= expected else "behind"


def level_state(target: float, value: float | None, ended: bool) -> str:
    """A figure (say, attendance in %) reaches its target or not; no pace."""
    if value is None:
        return "not_reported"
    if value >= target:
        return "reached"
    return "not_reached" if ended else "behind"


def goal(activity, promise: Period, period: Period, shown: list, through) -> Goal | None:
    """The target of `activity` that applies to `period` of the whole `promise`, against the
    published entries `shown`, paced through `through` (None: nothing is published)."""
    if activity.target is None or activity.measure not in ("count", "figure"):
        return None
    if activity.measure == "figure":
        if through is None:
            return Goal(activity.target, "level", period.first_day, period.last_day, None, None,
                        None)  # fmt: skip
        value = activity_value(activity, [e for e in shown if period.holds(e.day)])
        return Goal(activity.target, "level", period.first_day, period.last_day, value, None,
                    level_state(activity.target, value, through >= period.last_day))  # fmt: skip
    if activity.target_per == "year" and period.kind != ALL:
        span, name, target = year(period.year).clipped(promise), "year", activity.target
    else:
        years = promise.last_day.year - promise.first_day.year + 1
        span, name = promise, "period"
        target = activity.target * (years if activity.target_per == "year" else 1)
    if through is None:
        return Goal(target, name, span.first_day, span.last_day, None, None, None)
    to_date = activity_value(
        activity, [e for e in shown if span.first_day <= e.day <= period.last_day]
    )
    return Goal(target, name, span.first_day, span.last_day, to_date,
                *pace(target, span.first_day, span.last_day, through, to_date))  # fmt: skip
