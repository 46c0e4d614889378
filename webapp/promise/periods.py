"""The periods a promise is followed up in: the whole promise, one calendar year or one tertial
of it (T1 January–April, T2 May–August, T3 September–December), clipped to the promise's days
and named in URLs as `all`, `2026` or `2026-T2`."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

TERTIALS = (1, 2, 3)
ALL = "all"
PERIOD_KEY = re.compile(r"(?P<year>[0-9]{4})(?:-T(?P<n>[1-3]))?")


class PeriodError(ValueError):
    """A period a promise report cannot cover. `reason`: "malformed" (not `all`, a year or
    YYYY-Tn), "outside" (not within the promise) or "not_begun" (later than today)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Period:
    """Days first_day..last_day (inclusive): a whole promise, a year or a tertial."""

    kind: str  # "all", "year" or "tertial"
    first_day: date
    last_day: date
    year: int | None = None
    n: int | None = None  # the tertial, 1–3

    @property
    def key(self) -> str:
        if self.kind == "tertial":
            return f"{self.year}-T{self.n}"
        return str(self.year) if self.kind == "year" else ALL

    def label(self, _) -> str:
        """ "T2 2026", "2026" or "Hela perioden", translated by `_` (the caller's gettext)."""
        if self.kind == "tertial":
            return _("T%(n)d %(year)d", n=self.n, year=self.year)
        return str(self.year) if self.kind == "year" else _("Hela perioden")

    def holds(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def closed(self, today: date) -> bool:
        """True once every tertial the period touches has ended before `today` (its figures
        are final)."""
        return tertial_holding(self.last_day).last_day < today

    def clipped(self, within: "Period") -> "Period":
        """The same period, limited to the days of `within` (a promise)."""
        first, last = max(self.first_day, within.first_day), min(self.last_day, within.last_day)
        return Period(self.kind, first, last, self.year, self.n)

    def years(self, today: date) -> list["Period"]:
        """The calendar years the period touches that have begun by `today`, clipped to it."""
        last = min(self.last_day, today)
        return [year(y).clipped(self) for y in range(self.first_day.year, last.year + 1)]

    def tertials(self, today: date) -> list["Period"]:
        """The tertials the period touches that have begun by `today`, clipped to it."""
        out, t = [], tertial_holding(self.first_day)
        while t.first_day <= min(self.last_day, today):
            out.append(t.clipped(self))
            t = tertial_holding(t.last_day + timedelta(days=1))
        return out


def tertial(y: int, n: int) -> Period:
    """Tertial `n` of year `y`, whole."""
    if n not in TERTIALS:
        raise ValueError(f"no tertial {n}")
    first = date(y, 4 * (n - 1) + 1, 1)
    following = date(y + 1, 1, 1) if n == 3 else date(y, 4 * n + 1, 1)
    return Period("tertial", first, following - timedelta(days=1), y, n)


def year(y: int) -> Period:
    """Year `y`, whole."""
    return Period("year", date(y, 1, 1), date(y, 12, 31), y)


def tertial_holding(day: date) -> Period:
    """The tertial `day` falls in, whole."""
    return tertial(day.year, (day.month - 1) // 4 + 1)


def whole(promise) -> Period:
    """The promise's whole period (anything with first_day and last_day)."""
    return Period(ALL, promise.first_day, promise.last_day)


def parse_period(text: str) -> tuple[int | None, int | None]:
    """(year, tertial) from `all` -> (None, None), `2026` -> (2026, None), `2026-T2` -> (2026, 2).

    Raises PeriodError("malformed") for anything else.
    """
    if text == ALL:
        return None, None
    found = PERIOD_KEY.fullmatch(text)
    if found is None:
        raise PeriodError("malformed")
    return int(found["year"]), int(found["n"]) if found["n"] else None


def period_named(promise: Period, text: str, today: date) -> Period:
    """The period `text` names within the whole `promise`, as of `today`.

    Raises PeriodError: malformed, outside the promise, or not begun by `today`.
    """
    y, n = parse_period(text)
    if y is None:
        period = promise
    else:
        if not promise.first_day.year <= y <= promise.last_day.year:
            raise PeriodError("outside")  # before any date arithmetic: year 0 or 9999-T3
        period = tertial(y, n) if n else year(y)
        if period.last_day < promise.first_day or period.first_day > promise.last_day:
            raise PeriodError("outside")
        period = period.clipped(promise)
    if period.first_day > today:
        raise PeriodError("not_begun")
    return period


def periods_begun(promise: Period, today: date) -> list[Period]:
    """Every period of the whole `promise` begun by `today`: the whole, then each year with its
    tertials, latest first."""
    if promise.first_day > today:
        return []
    out = [promise]
    for y in reversed(promise.years(today)):
        out += [y, *reversed(y.tertials(today))]
    return out


def tertials_closed(promise: Period, today: date) -> list[Period]:
    """The tertials of the whole `promise` that have closed by `today`, latest first: their
    reports are final, and published."""
    return [p for p in periods_begun(promise, today) if p.kind == "tertial" and p.closed(today)]
