"""The [[promises]] part of the data file: every promise period with its commitments and
activities, validated into plain values. Errors name the file, the line and the field.

    [[promises]]                                  key, first_day, last_day, title, summary, url,
    [[promises.commitments]]                      example_data; text
    [[promises.commitments.activities]]           key, owner, text, measure, publish, target,
                                                  target_per, unit
"""

import re
from dataclasses import dataclass

from webapp.schedule.file_reader import SLUG, CalendarFileError, Reader, Text

OWNERS = ("police", "municipality", "both")
MEASURES = ("presence", "count", "figure", "status")
PUBLISH = ("live", "after_tertial", "staff")
TARGET_PER = ("year", "period")
LOCALE_TABLE = re.compile(r"^[a-z]{2}$")
FIELDS = {
    "promise": {
        "key",
        "first_day",
        "last_day",
        "title",
        "summary",
        "url",
        "example_data",
        "commitments",
    },  # fmt: skip
    "commitment": {"text", "activities"},
    "activity": {"key", "owner", "text", "measure", "publish", "target", "target_per", "unit"},
}
FIELDS["shared promise"] = FIELDS["promise"] | {"municipalities"}


@dataclass(frozen=True)
class ActivityData:
    key: str
    owner: str
    text: Text
    measure: str
    publish: str
    target: float | None
    target_per: str | None
    unit: str | None


@dataclass(frozen=True)
class CommitmentData:
    text: Text
    activities: tuple


@dataclass(frozen=True)
class PromiseData:
    key: str
    first_day: object  # date
    last_day: object
    title: Text
    summary: Text | None
    url: str | None
    example_data: bool
    commitments: tuple
    # Who signed it, when a police area's file holds it; empty in a municipality's file.
    municipalities: tuple = ()


class _Scoped(Reader):
    """The file's reader, but errors say "promises[1].commitments[0]" while the line is found
    from the table's position in the whole file (TOML numbers nested tables file-wide)."""

    def __init__(self, reader, shown, located):
        self.path, self.lines, self.shown, self.located = reader.path, reader.lines, shown, located

    def fail(self, where, message, key=None):
        line = self.locate(where.replace(self.shown, self.located, 1), key)
        raise CalendarFileError(self.path, line, where, message)


def read_promises(r, data, *, signatories=None) -> list[PromiseData]:
    """Every promise in the file, validated; keys and periods may not repeat or overlap.

    In a police area's file (`signatories`: its municipalities' slugs) each promise says
    which of them signed it (`municipalities = [...]`); periods may then overlap, checked
    per municipality by the area's reader.
    """
    rows = _tables(r, data, "promises", "")
    out, seen = [], {"commitments": 0, "activities": 0}
    for i, block in enumerate(rows):
        out.append(_promise(r, block, i, seen, signatories))
        if out[-1].key in [p.key for p in out[:-1]]:
            r.fail(f"promises[{i}].key", f"{out[-1].key!r} is used twice")
    if signatories is not None:
        return out
    return check_periods(r, out, lambda p: f"promises[{out.index(p)}].first_day")


def check_periods(r, promises, where):
    """One promise in force at a time: periods may not overlap."""
    ordered = sorted(promises, key=lambda p: p.first_day)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.first_day <= earlier.last_day:
            r.fail(where(later), f"overlaps {earlier.key!r}")
    return promises


def _tables(r, data, key, where):
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        r.fail(f"{where}{key}", f"use [[{where}{key}]] tables here")
    return value


def _only_known(r, data, where, kind):
    for key, value in data.items():
        if key in FIELDS[kind] or (LOCALE_TABLE.match(key) and isinstance(value, dict)):
            continue
        r.fail(
            f"{where}.{key}", f"unknown field (expected one of {', '.join(sorted(FIELDS[kind]))})"
        )


def _promise(r, data, i, seen, signatories=None):
    where = f"promises[{i}]"
    _only_known(r, data, where, "promise" if signatories is None else "shared promise")
    key = r.string(data, "key", where)
    if not SLUG.match(key):
        r.fail(f"{where}.key", "use lower-case letters, digits and dashes, like 2023-2024")
    first, last = r.day(data, "first_day", where), r.day(data, "last_day", where)
    if last < first:
        r.fail(f"{where}.last_day", "is before first_day")
    example = data.get("example_data", False)
    if not isinstance(example, bool):
        r.fail(f"{where}.example_data", "true or false is required here")
    commitments = []
    for j, block in enumerate(_tables(r, data, "commitments", f"{where}.")):
        shown = f"{where}.commitments[{j}]"
        scoped = _Scoped(r, shown, f"promises[{i}].commitments[{seen['commitments']}]")
        seen["commitments"] += 1
        commitments.append(_commitment(scoped, block, shown, seen))
    keys = [a.key for c in commitments for a in c.activities]
    for j, c in enumerate(commitments):
        for k, activity in enumerate(c.activities):
            if keys.count(activity.key) > 1:
                where_key = f"{where}.commitments[{j}].activities[{k}].key"
                r.fail(where_key, f"{activity.key!r} is used twice in this promise")
    return PromiseData(
        key=key,
        first_day=first,
        last_day=last,
        title=r.text(data, "title", where),
        summary=r.text(data, "summary", where, required=False),
        url=r.string(data, "url", where, required=False),
        example_data=example,
        commitments=tuple(commitments),
        municipalities=() if signatories is None else _signed(r, data, where, signatories),
    )


def _signed(r, data, where, signatories):
    slugs = data.get("municipalities")
    if (
        not isinstance(slugs, list)
        or not slugs
        or len(set(slugs)) != len(slugs)
        or not all(s in signatories for s in slugs)
    ):
        r.fail(
            f"{where}.municipalities",
            f"a list of the area's municipalities ({', '.join(signatories)}) is required here",
        )
    return tuple(slugs)


def _commitment(r, data, where, seen):
    _only_known(r, data, where, "commitment")
    activities = []
    for k, block in enumerate(_tables(r, data, "activities", f"{where}.")):
        shown = f"{where}.activities[{k}]"
        located = f"{r.located}.activities[{seen['activities']}]"
        seen["activities"] += 1
        activities.append(_activity_data(_Scoped(r, shown, located), block, shown))
    return CommitmentData(text=r.text(data, "text", where), activities=tuple(activities))


def _choice(r, data, key, where, choices, default=None):
    value = data.get(key, default)
    if value not in choices:
        r.fail(f"{where}.{key}", f"one of {', '.join(choices)} is required here")
    return value


def _activity_data(r, data, where):
    _only_known(r, data, where, "activity")
    key = r.string(data, "key", where)
    if not SLUG.match(key):
        r.fail(f"{where}.key", "use lower-case letters, digits and dashes")
    measure = _choice(r, data, "measure", where, MEASURES)
    target = r.number(data, "target", where, 0, 1_000_000)
    target_per = data.get("target_per")
    if target is not None or target_per is not None:
        if measure not in ("count", "figure"):
            r.fail(f"{where}.target", "only a count or a figure has a target")
        if target is None:
            r.fail(f"{where}.target", "a number is required here with target_per")
        target_per = _choice(r, data, "target_per", where, TARGET_PER, "period")
    return ActivityData(
        key=key,
        owner=_choice(r, data, "owner", where, OWNERS),
        text=r.text(data, "text", where),
        measure=measure,
        publish=_choice(
            r, data, "publish", where, PUBLISH, "live" if measure == "presence" else None
        ),
        target=target,
        target_per=target_per,
        unit=r.string(data, "unit", where, required=False),
    )
