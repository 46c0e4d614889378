"""Office opening hours per day and "open now", from weekly rules, closures and holidays."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays as holiday_data
from babel.support import NullTranslations, Translations

from webapp.config import TRANSLATIONS

# The languages the holidays package names Swedish holidays in; the others look the Swedish
# name up in their catalogue (webapp/schedule/holiday_words.py), else keep it.
HOLIDAY_LANGUAGES = {"sv": "sv", "en": "en_US", "uk": "uk"}


class HolidayName(str):
    """A holiday's name that knows its language: "sv" where no translation was found."""

    lang: str

    def __new__(cls, text: str, lang: str):
        name = super().__new__(cls, text)
        name.lang = lang
        return name

    def __reduce__(self):
        return HolidayName, (str(self), self.lang)


@cache
def _catalogue(locale: str) -> NullTranslations:
    return Translations.load(TRANSLATIONS, [locale])


def _named(name: str, locale: str) -> HolidayName:
    if locale in HOLIDAY_LANGUAGES:
        return HolidayName(name, locale)
    translated = _catalogue(locale).gettext(name)
    return HolidayName(translated, locale if translated != name else "sv")


def holiday_names(
    first: date, last: date, *, country="SE", categories=("public", "de_facto"), locale="sv"
) -> dict[date, HolidayName]:
    """Public and de facto holidays between first and last (inclusive), named in `locale`."""
    table = holiday_data.country_holidays(
        country,
        years=range(first.year, last.year + 1),
        categories=categories,
        language=HOLIDAY_LANGUAGES.get(locale, "sv"),
    )
    return {
        day: _named(name, locale) for day, name in sorted(table.items()) if first <= day <= last
    }


@dataclass
class OfficeDay:
    """What the office does on one local date."""

    day: date
    intervals: list[tuple[datetime, datetime]] = field(default_factory=list)
    usual: list[tuple[datetime, datetime]] = field(default_factory=list)
    holiday: str | None = None
    closure: object | None = None  # the Closure row that changed this day, if any

    @property
    def is_open(self) -> bool:
        return bool(self.intervals)

    @property
    def is_exception(self) -> bool:
        """Closed or open at other times than the weekly hours say."""
        return self.holiday is not None or self.closure is not None

    @property
    def differs(self) -> bool:
        """Worth telling people: a closure, or a holiday on a day the office usually opens."""
        return self.closure is not None or bool(self.holiday and self.usual)

    def reason(self, locale: str) -> str:
        """Why this day differs from the weekly hours: the closure's note, else the holiday."""
        note = self.closure.text("note", locale) if self.closure is not None else ""
        return note or self.holiday or ""


def changed_days(days: list[OfficeDay]) -> list[OfficeDay]:
    """The days that differ from the weekly hours (OfficeDay.differs), in order."""
    return [d for d in days if d.differs]


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def office_days(rules, closures, holidays: dict, first: date, last: date, tz: ZoneInfo):
    """One OfficeDay per date from first to last: weekly rules, then holidays, then closures.

    `rules` and `closures` are live (not deleted) rows; a later closure wins over an earlier one.
    """
    days = []
    day = first
    while day <= last:
        usual = sorted(
            (_at(day, r.opens, tz), _at(day, r.closes, tz))
            for r in rules
            if r.weekday == day.weekday() and r.covers(day)
        )
        entry = OfficeDay(day, list(usual), usual, holiday=holidays.get(day))
        if entry.holiday:
            entry.intervals = []
        changed = [c for c in closures if c.covers(day)]
        if changed:
            closure = max(changed, key=lambda c: (c.created_at, c.id or 0))
            entry.closure = closure
            entry.intervals = [(_at(day, a, tz), _at(day, b, tz)) for a, b in closure.intervals]
        days.append(entry)
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class OfficeStatus:
    """Whether the office is open at a moment, and the next change."""

    is_open: bool
    closes_at: datetime | None = None  # when open
    opens_at: datetime | None = None  # when closed: the next opening, if within the days given
    today: OfficeDay | None = None


def office_status_at(days: list[OfficeDay], now: datetime, tz: ZoneInfo) -> OfficeStatus:
    """The office's status at `now`, given consecutive OfficeDays starting with today."""
    local_day = now.astimezone(tz).date()
    today = next((d for d in days if d.day == local_day), None)
    for entry in days:
        for start, end in entry.intervals:
            if start <= now < end:
                return OfficeStatus(True, closes_at=end, today=today)
            if start > now:
                return OfficeStatus(False, opens_at=start, today=today)
    return OfficeStatus(False, today=today)
