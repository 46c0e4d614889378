"""Read and validate a municipality's data file (TOML) into plain values.

Validation is complete before anything touches the database, so a bad file never
half-loads. Every error names the file, the line and the field.
"""

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holiday_data
from babel import Locale, UnknownLocaleError

from webapp.schedule.file_reader import (
    DAYS,
    SLUG,
    CalendarFileError,
    Reader,
    Text,
)
from webapp.schedule.promise_file import read_promises


@dataclass(frozen=True)
class Hours:
    weekday: int
    opens: time
    closes: time
    valid_from: date
    valid_until: date | None


@dataclass(frozen=True)
class ClosureData:
    first_day: date
    last_day: date
    hours: list | None
    note: Text


@dataclass(frozen=True)
class PlaceData:
    slug: str
    kind: str
    name: Text
    description: Text
    address: str
    latitude: float | None
    longitude: float | None
    phone: str | None = None
    services: Text | None = None
    # The address in other languages, where it says more than names ("(example address)").
    address_other: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PatternData:
    key: str
    place: str
    weekdays: tuple
    starts: time
    ends: time
    first_day: date
    last_day: date
    interval_weeks: int
    on_holidays: bool = False  # False: no presence on public and de facto holidays


@dataclass(frozen=True)
class CalendarData:
    slug: str
    name: Text
    timezone: str
    example_data: bool
    website: str | None
    promises: list
    holiday_country: str
    holiday_categories: tuple
    office: PlaceData
    hours: list
    closures: list
    places: list
    patterns: list
    languages: tuple = ("sv", "en")
    hosts: tuple = ()
    feedback_themes: tuple = ()  # (key, Text) pairs: what staff file feedback under


def load_calendar_file(path) -> CalendarData:
    """Parse and validate the municipality file at `path`; raise CalendarFileError on any
    problem (a police area's file too: webapp.schedule.area_file reads those)."""
    reader, data = read_toml(path)
    if "police_area" in data:
        reader.fail("police_area", "this is a police area's file, not a municipality's")
    return _calendar(reader, data)


def read_toml(path) -> tuple[Reader, dict]:
    """The parsed file and a Reader that reports its errors with line numbers."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CalendarFileError(path, None, "file", f"cannot be read ({error})") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or _line_from_message(str(error))
        raise CalendarFileError(path, line, "syntax", str(error)) from error
    return Reader(path, text), data


def _line_from_message(message):
    found = re.search(r"line (\d+)", message)
    return int(found[1]) if found else None


def _calendar(r, data):
    known = {
        "municipality",
        "promises",
        "holidays",
        "office",
        "places",
        "presence",
        "feedback_themes",
        "sign_in",  # webapp.accounts.providers
    }
    for key in data:
        if key not in known:
            r.fail(key, f"unknown section (expected one of {', '.join(sorted(known))})")
    town = r.table(data, "municipality", "")
    _only_known(r, town, "municipality", "municipality")
    tz = r.string(town, "timezone", "municipality", required=False) or "Europe/Stockholm"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        r.fail("municipality.timezone", f"unknown timezone {tz!r}")
    slug = r.string(town, "slug", "municipality")
    if not SLUG.match(slug):
        r.fail("municipality.slug", "use lower-case letters, digits and dashes")
    example = town.get("example_data", True)
    if not isinstance(example, bool):
        r.fail("municipality.example_data", "true or false is required here")
    rules = r.table(data, "holidays", "", required=False)

    _only_known(r, rules, "holidays", "holidays")
    _check_holidays(r, rules)
    places = [_place(r, p, f"places[{i}]", "place") for i, p in enumerate(_list(r, data, "places"))]
    office = _place(r, r.table(data, "office", ""), "office", "office")
    slugs = [office.slug, *(p.slug for p in places)]
    for i, place in enumerate(places):
        if place.slug in slugs[: i + 1]:
            r.fail(f"places[{i}].slug", f"{place.slug!r} is used twice; every place needs its own")
    return CalendarData(
        slug=slug,
        name=r.text(town, "name", "municipality"),
        timezone=tz,
        example_data=example,
        website=r.string(town, "website", "municipality", required=False),
        promises=read_promises(r, data),
        holiday_country=rules.get("country", "SE"),
        holiday_categories=tuple(rules.get("categories", ("public", "de_facto"))),
        office=office,
        hours=_hours(r, data["office"]),
        closures=_closures(r, data["office"]),
        places=places,
        patterns=_patterns(r, data, set(slugs)),
        languages=_languages(r, town),
        hosts=_hosts(r, town),
        feedback_themes=_themes(r, data),
    )


HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _hosts(r, town):
    """Host names of the municipality's own site, like "narvaro.vetlanda.se"."""
    hosts = town.get("hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) and HOST.match(h) for h in hosts):
        r.fail("municipality.hosts", 'a list of host names like ["narvaro.kommun.se"] is required')
    return tuple(hosts)


def _themes(r, data):
    """The short list of themes staff file feedback under, so the follow-up can count them."""
    themes = []
    for i, theme in enumerate(_list(r, data, "feedback_themes")):
        where = f"feedback_themes[{i}]"
        _only_known(r, theme, where, "feedback_themes")
        key = r.string(theme, "key", where)
        if not SLUG.match(key) or len(key) > 40:
            r.fail(f"{where}.key", "use at most 40 lower-case letters, digits and dashes")
        if key in (k for k, _name in themes):
            r.fail(f"{where}.key", f"{key!r} is used twice; every theme needs its own")
        themes.append((key, r.text(theme, "name", where)))
    return tuple(themes)


def _languages(r, town):
    """The languages the site offers (Swedish, the source, always); each one Babel knows."""
    codes = town.get("languages", ["sv", "en"])
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        r.fail("municipality.languages", 'a list of language codes like ["sv", "en"] is required')
    for code in codes:
        try:
            known = LOCALE_TABLE.match(code) and Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            known = None
        if not known:
            r.fail("municipality.languages", f'{code!r} is not a language code like "fi"')
    return tuple(dict.fromkeys(["sv", *codes]))


def _check_holidays(r, rules):
    """The holiday calendar must be one the holidays package has, or every day would fail."""
    country = rules.get("country", "SE")
    if not isinstance(country, str) or country not in holiday_data.list_supported_countries():
        r.fail("holidays.country", 'a country code like "SE" is required here')
    categories = rules.get("categories", ["public", "de_facto"])
    known = holiday_data.country_holidays(country).supported_categories
    if not isinstance(categories, list) or not categories or not set(categories) <= set(known):
        r.fail("holidays.categories", f"a list from {', '.join(known)} is required here")


PLACE_FIELDS = {
    "slug",
    "name",
    "description",
    "address",
    "latitude",
    "longitude",
    "phone",
    "services",
}
FIELDS = {
    "municipality": {"slug", "name", "timezone", "example_data", "website", "languages", "hosts"},
    "holidays": {"country", "categories"},
    "feedback_themes": {"key", "name"},
    "office": PLACE_FIELDS | {"hours", "closures"},
    "places": PLACE_FIELDS,
    "closures": {"first_day", "last_day", "hours", "note"},
    "presence": {
        "key",
        "place",
        "days",
        "time",
        "valid_from",
        "valid_until",
        "every_weeks",
        "on_holidays",
    },
}
LOCALE_TABLE = re.compile(r"^[a-z]{2,3}$")


def _only_known(r, data, where, kind):
    """A misspelt field must stop the load, not be silently ignored."""
    for key, value in data.items():
        if key in FIELDS[kind] or (LOCALE_TABLE.match(key) and isinstance(value, dict)):
            continue
        expected = ", ".join(sorted(FIELDS[kind]))
        r.fail(f"{where}.{key}", f"unknown field (expected one of {expected})")


def _list(r, data, key, where=""):
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        r.fail(f"{where}{key}", f"use [[{where}{key}]] tables here")
    return value


def _place(r, data, where, kind):
    _only_known(r, data, where, "office" if kind == "office" else "places")
    slug = r.string(data, "slug", where)
    if not SLUG.match(slug):
        r.fail(f"{where}.slug", "use lower-case letters, digits and dashes")
    services = data.get("services")
    if services is not None and (
        not isinstance(services, list) or not all(isinstance(s, str) for s in services)
    ):
        r.fail(f"{where}.services", "a list of texts is required here")
    return PlaceData(
        slug=slug,
        kind=kind,
        name=r.text(data, "name", where),
        description=r.text(data, "description", where, required=False) or Text(""),
        address=r.string(data, "address", where, required=False) or "",
        latitude=r.number(data, "latitude", where, -90, 90),
        longitude=r.number(data, "longitude", where, -180, 180),
        phone=r.string(data, "phone", where, required=False),
        services=Text(
            services or [],
            {k: v["services"] for k, v in data.items() if isinstance(v, dict) and "services" in v},
        ),
        address_other={
            k: v["address"] for k, v in data.items() if isinstance(v, dict) and "address" in v
        },
    )


def _hours(r, office):
    rows = []
    for i, block in enumerate(_list(r, office, "hours", "office.")):
        where = f"office.hours[{i}]"
        start = r.day(block, "valid_from", where)
        until = r.day(block, "valid_until", where, required=False)
        if until and until < start:
            r.fail(f"{where}.valid_until", "is before valid_from")
        for key in block:
            if key not in (*DAYS, "valid_from", "valid_until"):
                r.fail(f"{where}.{key}", f"unknown field (days are {', '.join(DAYS)})")
        for weekday, name in enumerate(DAYS):
            intervals = block.get(name, [])
            if not isinstance(intervals, list):
                r.fail(f"{where}.{name}", 'a list like ["10:00-12:00"] is required here')
            for value in intervals:
                opens, closes = r.interval(value, f"{where}.{name}")
                rows.append(Hours(weekday, opens, closes, start, until))
    return rows


def _closures(r, office):
    rows = []
    for i, block in enumerate(_list(r, office, "closures", "office.")):
        where = f"office.closures[{i}]"
        _only_known(r, block, where, "closures")
        first = r.day(block, "first_day", where)
        last = r.day(block, "last_day", where, required=False) or first
        if last < first:
            r.fail(f"{where}.last_day", "is before first_day")
        hours = block.get("hours")
        if hours is not None:
            if not isinstance(hours, list) or not hours:
                r.fail(f"{where}.hours", 'a list like ["10:00-12:00"] is required here')
            spans = sorted(r.interval(v, f"{where}.hours") for v in hours)
            for (_, ends), (starts, _) in itertools.pairwise(spans):
                if starts < ends:
                    r.fail(f"{where}.hours", "the intervals overlap; list each time once")
            hours = [[a.isoformat("minutes"), b.isoformat("minutes")] for a, b in spans]
        rows.append(ClosureData(first, last, hours, r.text(block, "note", where)))
    return rows


def _patterns(r, data, slugs):
    rows, keys = [], set()
    for i, block in enumerate(_list(r, data, "presence")):
        where = f"presence[{i}]"
        _only_known(r, block, where, "presence")
        key = r.string(block, "key", where)
        if key in keys:
            r.fail(f"{where}.key", f"{key!r} is used twice")
        keys.add(key)
        place = r.string(block, "place", where)
        if place not in slugs:
            r.fail(f"{where}.place", f"no place has the slug {place!r}")
        days = block.get("days")
        if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
            r.fail(f"{where}.days", f"a list of days from {', '.join(DAYS)} is required here")
        starts, ends = r.interval(block.get("time"), f"{where}.time")
        first = r.day(block, "valid_from", where)
        last = r.day(block, "valid_until", where)
        if last < first:
            r.fail(f"{where}.valid_until", "is before valid_from")
        every = block.get("every_weeks", 1)
        if isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= 52:
            r.fail(f"{where}.every_weeks", "a whole number from 1 to 52 is required here")
        on_holidays = block.get("on_holidays", False)
        if not isinstance(on_holidays, bool):
            r.fail(f"{where}.on_holidays", "true or false is required here")
        weekdays = tuple(sorted(DAYS.index(d) for d in set(days)))
        rows.append(
            PatternData(key, place, weekdays, starts, ends, first, last, every, on_holidays)
        )
    return rows
