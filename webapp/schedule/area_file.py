"""A police area's data file: its name, its municipalities' files and the promises several of
them signed together. Validated completely before anything is written, like a municipality's.

    [police_area]
    slug = "hoglandet"
    name = "Lokalpolisområde Höglandet"
    municipalities = ["savsjo.toml", "vetlanda.toml"]   # paths relative to this file
    default = "savsjo"                                  # keeps the unprefixed URLs

    [[promises]]                                        # as in a municipality's file, plus
    municipalities = ["savsjo", "vetlanda"]             # who signed it
"""

from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from webapp.schedule.calendar_file import CalendarData, _calendar, read_toml
from webapp.schedule.file_reader import SLUG, Text
from webapp.schedule.promise_file import read_promises

# First segments of the site's own addresses: no municipality or area may take them as its
# prefix, nor a language code (checked with Babel).
RESERVED = frozenset({"api", "feeds", "q", "static", "health", "staff", "embed"})
FIELDS = {"slug", "name", "municipalities", "default"}


@dataclass(frozen=True)
class AreaData:
    slug: str
    name: Text
    default: str
    municipalities: tuple  # CalendarData, in the file's order
    promises: list  # PromiseData signed by several municipalities


def load_data_file(path) -> CalendarData | AreaData:
    """A municipality's file or a police area's, parsed and validated."""
    reader, data = read_toml(path)
    if "police_area" not in data:
        return _calendar(reader, data)
    return _area(reader, data, Path(path))


def municipalities_of(data: CalendarData | AreaData) -> tuple:
    return data.municipalities if isinstance(data, AreaData) else (data,)


def _area(r, data, path):
    for key in data:
        if key not in ("police_area", "promises", "sign_in"):  # sign_in: accounts.providers
            r.fail(key, "unknown section (expected police_area, promises)")
    area = r.table(data, "police_area", "")
    for key, value in area.items():
        if key not in FIELDS and not (len(key) == 2 and isinstance(value, dict)):
            r.fail(f"police_area.{key}", f"unknown field (expected one of {', '.join(FIELDS)})")
    slug = _prefix(r, r.string(area, "slug", "police_area"), "police_area.slug")
    files = area.get("municipalities")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
        r.fail("police_area.municipalities", 'a list of files like ["savsjo.toml"] is required')
    towns = tuple(_calendar(*read_toml(path.parent / name)) for name in files)
    slugs = [t.slug for t in towns]
    for i, town in enumerate(towns):
        _prefix(r, town.slug, f"police_area.municipalities[{i}]")
        if town.slug in slugs[:i] or town.slug == slug:
            r.fail("police_area.municipalities", f"{town.slug!r} is named twice")
    default = r.string(area, "default", "police_area")
    if default not in slugs:
        r.fail("police_area.default", f"one of {', '.join(slugs)} is required here")
    shared = read_promises(r, data, signatories=slugs)
    for town in towns:
        _one_in_force(r, town, shared)
    return AreaData(slug, r.text(area, "name", "police_area"), default, towns, shared)


def _one_in_force(r, town, shared):
    """A municipality has one promise in force at a time, its own or one it signed."""
    signed = [p for p in shared if town.slug in p.municipalities]
    for promise in signed:
        where = f"promises[{shared.index(promise)}]"
        for other in [*town.promises, *signed]:
            if other is promise:
                continue
            if other.key == promise.key:
                r.fail(f"{where}.key", f"{town.slug} has another promise {other.key!r}")
            if other.first_day <= promise.last_day and promise.first_day <= other.last_day:
                r.fail(f"{where}.first_day", f"overlaps {town.slug}'s promise {other.key!r}")


def _prefix(r, slug, where):
    """A slug that can lead an address: not a word of the site's own, not a language code."""
    if not SLUG.match(slug) or slug in RESERVED or _language_code(slug):
        reserved = ", ".join(sorted(RESERVED))
        r.fail(where, f"{slug!r} cannot begin an address (not {reserved} or a language code)")
    return slug


def _language_code(slug) -> bool:
    if len(slug) == 2:
        return True
    try:
        return len(slug) == 3 and Locale.parse(slug) is not None
    except (UnknownLocaleError, ValueError):
        return False
