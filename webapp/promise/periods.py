"""Tertials: the four-month periods the promise is followed up in (T1 Jan–Apr, T2 May–Aug,
T3 Sep–Dec); and the windows a report covers: the whole promise, one year or one tertial of it,
named in URLs as `all`, `2026` or `2026-T2`."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

TERTIALS = (1, 2, 3)
ALL = "all"
PERIOD_KEY = re.compile(r"(?P<year>[0-9]{4})(?:-T(?P<n>[1-3]))?")


def tertial_bounds(year: int, n: int) -> tuple[date, date]:
    """First and last day (inclusive) of tertial `n` of `year`."""
    if n not in TERTIALS:
        raise ValueError(f"no tertial {n}")
    first = date(year, 4 * (n - 1) + 1, 1)
    following = date(year + 1, 1, 1) if n == 3 else date(year, 4 * n + 1, 1)
    return first, following - timedelta(days=1)


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def tertial_of(day: date) -> tuple[int, int]:
    """(year, n) of the tertial `day` falls in."""
    return day.year, (day.month - 1) // 4 + 1


def tertial_closed(day: date, today: date) -> bool:
    """True once the tertial that holds `day` has ended before `today`."""
    return tertial_bounds(*tertial_of(day))[1] < today


class PeriodError(ValueError):
    """A period a promise report cannot cover. `reason`: "malformed" (not `all`, a year or
    YYYY-Tn), "outside" (not within the promise) or "not_begun" (later than today)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Window:
    """The days a report covers, clipped to the promise's period."""

    kind: str  # "all", "year" or "tertial"
    first_day: date
    last_day: date
    year: int | None = None
    n: int | None = None

    @property
    def key(self) -> str:
        if self.kind == "tertial":
            return f"{self.year}-T{self.n}"
        return str(self.year) if self.kind == "year" else ALL

    def closed(self, today: date) -> bool:
        """True when every tertial the window touches has ended (its figures are final)."""
        return tertial_closed(self.last_day, today)

    def holds(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


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


def promise_window(first_day: date, last_day: date, text: str, today: date) -> Window:
    """The window `text` names within the promise period first_day..last_day, as of `today`.

    Raises PeriodError: malformed, outside the promise, or not begun by `today`.
    """
    year, n = parse_period(text)
    if year is None:
        window = Window("all", first_day, last_day)
    else:
        if not first_day.year <= year <= last_day.year:
            raise PeriodError("outside")  # before any date arithmetic: year 0 or 9999-T3
        first, last = tertial_bounds(year, n) if n else year_bounds(year)
        if last < first_day or first > last_day:
            raise PeriodError("outside")
        window = Window("tertial" if n else "year", max(first, first_day), min(last, last_day),
                        year, n)  # fmt: skip
    if window.first_day > today:
        raise PeriodError("not_begun")
    return window


def promise_windows(first_day: date, last_day: date, today: date) -> list[Window]:
    """Every window of the promise begun by `today`: the whole period, then each year with
    its tertials, latest first."""
    if first_day > today:
        return []
    out = [Window("all", first_day, last_day)]
    for year in range(min(last_day, today).year, first_day.year - 1, -1):
        out.append(promise_window(first_day, last_day, str(year), today))
        for n in reversed(TERTIALS):
            key = f"{year}-T{n}"
            try:
                out.append(promise_window(first_day, last_day, key, today))
            except PeriodError:
                continue  # before the promise began, or not begun yet
    return out
