"""Tertials: the four-month periods the promise is followed up in (T1 Jan–Apr, T2 May–Aug,
T3 Sep–Dec)."""

from datetime import date, timedelta

TERTIALS = (1, 2, 3)


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
