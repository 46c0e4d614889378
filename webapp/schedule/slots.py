"""What a presence slot is at a moment, and what may be done with it: one definition, read by
the staff views and templates, the public pages, the feeds and the posters."""

from dataclasses import dataclass
from datetime import datetime

UPCOMING = "upcoming"
IN_PROGRESS = "in-progress"
PAST = "past"
CANCELLED = "cancelled"


def slot_state(slot, now: datetime) -> str:
    """upcoming, in-progress, past or cancelled."""
    if slot.cancelled:
        return CANCELLED
    if now < slot.starts_at:
        return UPCOMING
    return IN_PROGRESS if now < slot.ends_at else PAST


def slot_allows(slot, action: str, now: datetime) -> bool:
    """Whether `action` (edit, cancel, restore, outcome) fits the slot at `now`.

    A slot is open to changes until it has ended: it can be moved, cancelled or restored while
    it is upcoming or in progress; its outcome is recorded once it is over.
    """
    over = slot.ends_at <= now
    allowed = {
        "edit": not slot.cancelled and not over,
        "cancel": not slot.cancelled and not over,
        "restore": slot.cancelled and not over,
        "outcome": not slot.cancelled and over,
    }
    return allowed[action]


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
