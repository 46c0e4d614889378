"""A presence slot's life in one place: its status, the changes staff and the data file make,
what each staff action allows, and what the slot is at a moment.

Read by the staff views and templates, the public pages, the API, the loader and the promise
follow-up (the feeds and posters read `slot.cancelled`, the model's check of SlotStatus). Each
state is a check on a loaded slot and the same rule as SQL, combined from primitives written
twice side by side; tests/test_slots.py holds the two to agree.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import ColumnElement, and_, not_

from webapp.models import PresenceSlot, SlotStatus

__all__ = [
    "CANCELLED",
    "ENDED",
    "IN_PROGRESS",
    "OVER",
    "REPORTED",
    "SCHEDULED",
    "STARTED",
    "STATES",
    "UNREPORTED",
    "UPCOMING",
    "MovedAway",
    "SlotState",
    "SlotStatus",
    "cancel",
    "follow_pattern",
    "is_move",
    "move",
    "presence_listing",
    "restore",
    "slot_allows",
]


@dataclass(frozen=True)
class SlotState:
    """Something a slot is at `now`: `holds(slot, now)` checks a loaded slot, `sql(now)` is the
    same rule as a WHERE clause on PresenceSlot. Combine with & and ~."""

    name: str
    holds: Callable[[PresenceSlot, datetime], bool]
    sql: Callable[[datetime], ColumnElement[bool]]

    def __and__(self, other: "SlotState") -> "SlotState":
        return SlotState(
            f"{self.name} and {other.name}",
            lambda slot, now: self.holds(slot, now) and other.holds(slot, now),
            lambda now: and_(self.sql(now), other.sql(now)),
        )

    def __invert__(self) -> "SlotState":
        return SlotState(
            f"not {self.name}",
            lambda slot, now: not self.holds(slot, now),
            lambda now: not_(self.sql(now)),
        )

    def named(self, name: str) -> "SlotState":
        return replace(self, name=name)


# The primitives: each column rule twice, as Python and as SQL.
def _status_is(status: SlotStatus) -> SlotState:
    return SlotState(
        status.value,
        lambda slot, now: slot.status == status,
        lambda now: PresenceSlot.status == status,
    )


SCHEDULED = _status_is(SlotStatus.SCHEDULED)
CANCELLED = _status_is(SlotStatus.CANCELLED)
STARTED = SlotState(
    "started", lambda slot, now: slot.starts_at <= now, lambda now: PresenceSlot.starts_at <= now
)
ENDED = SlotState(
    "ended", lambda slot, now: slot.ends_at <= now, lambda now: PresenceSlot.ends_at <= now
)
REPORTED = SlotState(
    "reported", lambda slot, now: slot.held is not None, lambda now: PresenceSlot.held.is_not(None)
)

# The states residents and staff see, made only of the primitives.
UPCOMING = (SCHEDULED & ~STARTED).named("upcoming")
IN_PROGRESS = (SCHEDULED & STARTED & ~ENDED).named("in_progress")
OVER = (SCHEDULED & ENDED).named("over")  # held or not: the outcome is staff's to record
UNREPORTED = (OVER & ~REPORTED).named("unreported")
STATES = (UPCOMING, IN_PROGRESS, OVER, UNREPORTED)

# What each staff action needs: a slot is open to changes until it has ended; its outcome is
# recorded once it is over.
_ALLOWS = {
    "edit": SCHEDULED & ~ENDED,
    "cancel": SCHEDULED & ~ENDED,
    "restore": CANCELLED & ~ENDED,
    "outcome": OVER,
}


def slot_allows(slot, action: str, now: datetime) -> bool:
    """Whether `action` (edit, cancel, restore, outcome) fits the slot at `now`."""
    return _ALLOWS[action].holds(slot, now)


# The changes. Each one residents can see calls slot.touch(now), so the feeds raise SEQUENCE
# and LAST-MODIFIED; slots are never deleted, so their UIDs stay.


def cancel(slot: PresenceSlot, reason: str, now: datetime, *, reason_other=None) -> None:
    """Cancelled with a reason residents see ("Inställt: …"), translated in `reason_other`
    ({locale: text}) when the data file gives translations."""
    _set_status(slot, SlotStatus.CANCELLED, reason, now, note_other=reason_other)


def restore(slot: PresenceSlot, now: datetime) -> None:
    """Undo a cancellation."""
    _set_status(slot, SlotStatus.SCHEDULED, "", now)


def _set_status(slot, status: SlotStatus, note: str, now, *, note_other=None) -> None:
    slot.status = status
    slot.note = note
    slot.translations = _with_note(slot.translations, note_other or {})
    slot.touch(now)


def _with_note(translations, note_other: dict) -> dict:
    """Translated notes replaced by `note_other`: the old ones described the old state."""
    out = {}
    for locale, fields in (translations or {}).items():
        if isinstance(fields, dict):
            kept = {k: v for k, v in fields.items() if k != "note"}
            if kept:
                out[locale] = kept
    for locale, text in note_other.items():
        out.setdefault(locale, {})["note"] = text
    return out


def is_move(slot: PresenceSlot, *, place_id: int, starts_at, ends_at) -> bool:
    """A change of date, time or place: residents who read the old one must be told."""
    return (place_id, starts_at, ends_at) != (slot.place_id, slot.starts_at, slot.ends_at)


def move(slot: PresenceSlot, *, place_id: int, starts_at, ends_at, note: str, now) -> bool:
    """Staff move or re-describe a slot; True if anything residents see changed.

    A move keeps the slot (and its UID in the feeds) and remembers where it was published, so
    the old time and place can point to the new ones.
    """
    wanted = {"place_id": place_id, "starts_at": starts_at, "ends_at": ends_at, "note": note}
    changed = {k: v for k, v in wanted.items() if getattr(slot, k) != v}
    if not changed:
        return False
    if is_move(slot, place_id=place_id, starts_at=starts_at, ends_at=ends_at):
        slot.moved_from_start, slot.moved_from_end = slot.starts_at, slot.ends_at
        slot.moved_from_place_id = slot.place_id
    for name, value in changed.items():
        setattr(slot, name, value)
    if "note" in changed:
        slot.translations = _with_note(slot.translations, {})
    slot.touch(now)
    return True


def follow_pattern(slot: PresenceSlot, *, place_id: int, starts_at, ends_at, now) -> bool:
    """A slot nobody touched follows its series' place and times; True if it moved.

    Unlike a staff move nothing points from the old time: the pattern itself changed.
    """
    wanted = {"place_id": place_id, "starts_at": starts_at, "ends_at": ends_at}
    changed = {k: v for k, v in wanted.items() if getattr(slot, k) != v}
    for name, value in changed.items():
        setattr(slot, name, value)
    if changed:
        slot.touch(now)
    return bool(changed)


@dataclass(frozen=True)
class MovedAway:
    """The old time and place of a moved slot, listed there so nobody waits in vain."""

    slot: object  # the PresenceSlot, now at its new time and place
    moved_away = True
    cancelled = False

    @property
    def id(self):
        return self.slot.id

    @property
    def starts_at(self) -> datetime:
        return self.slot.moved_from_start

    @property
    def ends_at(self) -> datetime:
        return self.slot.moved_from_end

    @property
    def place(self):
        return self.slot.moved_from_place

    @property
    def place_id(self):
        return self.slot.moved_from_place_id


def presence_listing(slots, moved, first: datetime, last: datetime, place=None) -> list:
    """Slots in order, with a MovedAway entry where a moved slot used to be in [first, last)."""
    away = [
        MovedAway(s)
        for s in moved
        if s.was_moved
        and first <= s.moved_from_start < last
        and (place is None or s.moved_from_place_id == place.id)
    ]
    return sorted([*slots, *away], key=lambda e: (e.starts_at, e.id or 0, bool(e.moved_away)))
