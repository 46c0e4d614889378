"""Targets: which one applies to a period, the figure held against it and whether the pace
keeps up. Pure: entries and dates in, values out."""

from dataclasses import dataclass
from datetime import date

from webapp.promise.periods import ALL, Period, year


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
    to_date: float | None  # None while nothing is published
    expected: float | None  # by the last published day, at an even pace
    state: str | None  # "reached", "on_track", "behind"


def activity_value(activity, entries) -> float | None:
    """A count adds up; a figure is the latest reported; a status has no figure."""
    if activity.measure == "count":
        return float(sum(e.value or 0 for e in entries))
    if activity.measure == "figure":
        reported = [e.value for e in entries if e.value is not None]
        return reported[-1] if reported else None
    return None


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


def goal(activity, promise: Period, period: Period, shown: list, through) -> Goal | None:
    """The target of `activity` that applies to `period` of the whole `promise`, against the
    published entries `shown`, paced through `through` (None: nothing is published)."""
    if activity.target is None or activity.measure not in ("count", "figure"):
        return None
    if activity.measure == "figure":
        value = None
        if through is not None:
            value = activity_value(activity, [e for e in shown if period.holds(e.day)])
        return Goal(activity.target, "level", period.first_day, period.last_day, value, None,
                    level_state(activity.target, value))  # fmt: skip
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
