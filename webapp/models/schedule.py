"""Schedule tables: the municipality, places, office hours, closures and presence."""

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    event,
    func,
    select,
)
from sqlalchemy.orm import Session, relationship

from webapp.masking import suggest_mask
from webapp.models.base import Base, Owned, Translatable, UTCDateTime
from webapp.models.promise import Promise, PromiseActivity, PromiseCommitment


class PoliceArea(Translatable, Base):
    """A local police area serving several municipalities from one installation."""

    __tablename__ = "police_area"

    id = Column(Integer, primary_key=True)
    slug = Column(String(64), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    # The municipality that keeps the unprefixed URLs (its slug, as the area file names it).
    default_slug = Column(String(64), nullable=False)
    translations = Column(JSON, nullable=False, default=dict)


class Municipality(Translatable, Base):
    """A municipality this installation serves, as loaded from calendars/."""

    __tablename__ = "municipality"

    id = Column(Integer, primary_key=True)
    slug = Column(String(64), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    timezone = Column(String(64), nullable=False, default="Europe/Stockholm")
    # True until the data file says the published times are confirmed.
    example_data = Column(Boolean, nullable=False, default=True)
    website = Column(String(500))
    translations = Column(JSON, nullable=False, default=dict)
    police_area_id = Column(ForeignKey("police_area.id"), index=True)
    # Host names that serve this municipality's site without the /<slug> prefix.
    hosts = Column(JSON, nullable=False, default=list, server_default="[]")

    police_area = relationship(PoliceArea)


class Place(Owned, Translatable, Base):
    """The police office or a place where police are present."""

    __tablename__ = "place"
    __table_args__ = (UniqueConstraint("municipality_id", "slug"),)

    id = Column(Integer, primary_key=True)
    slug = Column(String(64), nullable=False)
    kind = Column(String(16), nullable=False, default="place")  # "office" | "place"
    name = Column(String(200), nullable=False)
    description = Column(Text, nullable=False, default="")
    address = Column(String(300), nullable=False, default="")
    latitude = Column(Float)
    longitude = Column(Float)
    phone = Column(String(40))
    services = Column(JSON, nullable=False, default=list)  # Swedish list; en in translations
    position = Column(Integer, nullable=False, default=0)
    translations = Column(JSON, nullable=False, default=dict)

    @property
    def is_office(self) -> bool:
        return self.kind == "office"


class OfficeHours(Base):
    """One opening interval on one weekday, valid over a date range.

    Rows are never edited: a change ends the old row (deleted_at) and adds a new one, so the
    calendar can tell which days a change touched and keep SEQUENCE rising.
    """

    __tablename__ = "office_hours"

    id = Column(Integer, primary_key=True)
    place_id = Column(ForeignKey("place.id"), nullable=False, index=True)
    weekday = Column(Integer, nullable=False)  # Monday = 0
    opens = Column(Time, nullable=False)
    closes = Column(Time, nullable=False)
    valid_from = Column(Date, nullable=False)
    valid_until = Column(Date)  # inclusive; None = until further notice
    source = Column(String(16), nullable=False, default="file")  # "file" | "staff"
    created_at = Column(UTCDateTime, nullable=False)
    deleted_at = Column(UTCDateTime)

    place = relationship(Place)

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Closure(Translatable, Base):
    """The office closed, or open at changed hours, for a day or a range of days.

    `hours` is None when closed, else a list of ["HH:MM", "HH:MM"] pairs. Immutable like
    OfficeHours: removing one sets deleted_at.
    """

    __tablename__ = "closure"

    id = Column(Integer, primary_key=True)
    place_id = Column(ForeignKey("place.id"), nullable=False, index=True)
    first_day = Column(Date, nullable=False)
    last_day = Column(Date, nullable=False)  # inclusive
    hours = Column(JSON)
    note = Column(String(300), nullable=False, default="")
    translations = Column(JSON, nullable=False, default=dict)
    source = Column(String(16), nullable=False, default="file")
    created_at = Column(UTCDateTime, nullable=False)
    deleted_at = Column(UTCDateTime)

    place = relationship(Place)

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def intervals(self) -> list[tuple[time, time]]:
        return [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in (self.hours or [])]


class PresenceSeries(Owned, Base):
    """A weekly pattern of presence at one place; it generates PresenceSlot rows."""

    __tablename__ = "presence_series"
    __table_args__ = (UniqueConstraint("municipality_id", "file_key"),)

    id = Column(Integer, primary_key=True)
    place_id = Column(ForeignKey("place.id"), nullable=False, index=True)
    weekdays = Column(JSON, nullable=False)  # list of ints, Monday = 0
    starts = Column(Time, nullable=False)
    ends = Column(Time, nullable=False)
    first_day = Column(Date, nullable=False)
    last_day = Column(Date, nullable=False)  # inclusive
    interval_weeks = Column(Integer, nullable=False, default=1)
    # The file's own key for this pattern, so reloading the file finds it again.
    file_key = Column(String(200))
    source = Column(String(16), nullable=False, default="file")
    created_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)

    place = relationship(Place)


class SlotStatus(StrEnum):
    """What staff or the data file decided for a slot, as stored in presence_slot.status.

    Beside its column, since the models import nothing from the domain; the slot's life (what
    each status allows, and the states at a moment) is in webapp.schedule.slots.
    """

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class PresenceSlot(Owned, Translatable, Base):
    """One occurrence of police presence at a place; staff cancel, move and report on it."""

    __tablename__ = "presence_slot"

    __table_args__ = (UniqueConstraint("series_id", "origin_start"),)

    id = Column(Integer, primary_key=True)
    place_id = Column(ForeignKey("place.id"), nullable=False, index=True)
    series_id = Column(ForeignKey("presence_series.id"), index=True)
    # Where the series first put it; never changes, so regenerating skips moved slots.
    origin_start = Column(UTCDateTime)
    starts_at = Column(UTCDateTime, nullable=False, index=True)
    ends_at = Column(UTCDateTime, nullable=False)
    status = Column(String(16), nullable=False, default=SlotStatus.SCHEDULED.value)
    note = Column(String(500), nullable=False, default="")  # public; the reason if cancelled
    translations = Column(JSON, nullable=False, default=dict)
    sequence = Column(Integer, nullable=False, default=0)
    created_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)
    # Outcome, recorded by police after the slot has passed.
    held = Column(Boolean)
    outcome_reason = Column(String(500))
    people_met = Column(Integer)
    outcome_at = Column(UTCDateTime)
    outcome_by_id = Column(ForeignKey("staff_user.id"))
    created_by_id = Column(ForeignKey("staff_user.id"))
    # Where and when the slot was published before staff last moved it.
    moved_from_start = Column(UTCDateTime, index=True)
    moved_from_end = Column(UTCDateTime)
    moved_from_place_id = Column(ForeignKey("place.id"))

    place = relationship(Place, foreign_keys=[place_id])
    series = relationship(PresenceSeries)
    moved_from_place = relationship(Place, foreign_keys=[moved_from_place_id])

    @property
    def cancelled(self) -> bool:
        return self.status == SlotStatus.CANCELLED

    def text(self, field: str, locale: str) -> str:
        """A text as published (pages, API, feeds): the note is staff's own words (the reason
        when cancelled), so it is masked by webapp.masking's one rule."""
        shown = super().text(field, locale)
        return suggest_mask(shown) if field == "note" else shown

    moved_away = False  # see schedule.slots.MovedAway, listed where a moved slot used to be

    @property
    def was_moved(self) -> bool:
        return self.moved_from_start is not None

    def touch(self, now: datetime) -> None:
        """Mark a change residents' calendars must pick up."""
        self.sequence = (self.sequence or 0) + 1
        self.updated_at = now


class ScheduleStamp(Base):
    """When public schedule data last changed; feeds use it as Last-Modified.

    One row per municipality whose places, hours, closures or presence changed, and one
    without a municipality for changes that are no single municipality's (areas,
    municipalities, promises). A municipality's data last changed at the later of its own
    row and that one. Kept in rows of their own so they never go backwards, not even after
    a deletion.
    """

    __tablename__ = "schedule_stamp"

    id = Column(Integer, primary_key=True)
    changed_at = Column(UTCDateTime, nullable=False)
    municipality_id = Column(ForeignKey("municipality.id"), unique=True)


def working_at(session: Session, now: datetime) -> None:
    """Tell the session the time of the change it is about to write (see changed_at)."""
    session.info["now"] = now


def changed_at(session: Session) -> datetime:
    """The time of the unit of work, given by whoever started it; the models read no clock."""
    now = session.info.get("now")
    if now is None:
        raise RuntimeError("a schedule change needs working_at(session, now) first")
    return now


# The public pages show these; promise entries are not among them (the follow-up pages read
# them on each request), but the promises themselves are (the about page names the one in force).
SCHEDULE_MODELS = (
    PoliceArea, Municipality, Place, OfficeHours, Closure, PresenceSeries, PresenceSlot,
    Promise, PromiseCommitment, PromiseActivity,
)  # fmt: skip


@event.listens_for(Session, "before_flush")
def _stamp_schedule_changes(session, flush_context, instances):
    """Move the stamps of what changed, once per transaction and stamp, never backwards."""
    touched = (*session.new, *session.dirty, *session.deleted)
    towns = {_town_of(session, obj) for obj in touched if isinstance(obj, SCHEDULE_MODELS)}
    stamped = session.info.setdefault("schedule_stamped", set())
    now = changed_at(session).replace(microsecond=0) if towns - stamped else None
    for town in sorted(towns - stamped, key=lambda t: (t is not None, t or 0)):
        stamped.add(town)
        _move_stamp(session, town, now)


BEFORE = "schedule_shared_before"


def _move_stamp(session, town: int | None, now: datetime) -> None:
    """Move `town`'s stamp (None: the shared one) past every stamp that its pages read, so
    they all see the change: a municipality's past its own and the shared one, the shared one
    past every municipality's."""
    shared = ScheduleStamp.municipality_id.is_(None)
    own = shared if town is None else ScheduleStamp.municipality_id == town
    # The shared row is locked until commit by every edit, so two concurrent edits can't
    # compute the same stamp nor both add a municipality's first one (PostgreSQL; SQLite
    # writes are already serialised by BEGIN IMMEDIATE).
    session.execute(select(ScheduleStamp.id).where(shared).with_for_update())
    stamp = session.scalar(
        select(ScheduleStamp).where(own).order_by(ScheduleStamp.id).limit(1).with_for_update()
        .execution_options(populate_existing=True)
    )  # fmt: skip
    newest = select(func.max(ScheduleStamp.changed_at))
    if BEFORE not in session.info:  # the shared stamp as this transaction found it
        session.info[BEFORE] = session.scalar(newest.where(shared))
    if town is None:
        floor = session.scalar(newest)
    else:
        found = (session.scalar(newest.where(own)), session.info[BEFORE])
        floor = max((f for f in found if f is not None), default=None)
    changed = max(now, floor + timedelta(seconds=1)) if floor is not None else now
    if stamp is None:
        session.add(ScheduleStamp(changed_at=changed, municipality_id=town))
    else:
        stamp.changed_at = changed


def _town_of(session, row) -> int | None:
    """The municipality whose data `row` is; None for what is no single municipality's."""
    if isinstance(row, Owned) and row.municipality_id is not None:
        return row.municipality_id
    place_id = getattr(row, "place_id", None)  # hours and closures; new rows not yet owned
    place = getattr(row, "place", None) or (
        session.get(Place, place_id) if place_id is not None else None
    )
    return place.municipality_id if isinstance(place, Place) else None


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_stamp(session):
    session.info.pop("schedule_stamped", None)
    session.info.pop(BEFORE, None)
