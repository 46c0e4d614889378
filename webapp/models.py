"""Tables and small properties. Times are stored as UTC and returned timezone-aware."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import JSON, UniqueConstraint, event
from sqlalchemy.orm import Session
from sqlalchemy.types import DateTime, TypeDecorator

from webapp.clock import utcnow
from webapp.extensions import db


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Translatable:
    """Rows with Swedish text columns and a JSON `translations` {locale: {field: text}}."""

    def text(self, field: str, locale: str) -> str:
        other = (self.translations or {}).get(locale, {}).get(field)
        return other or getattr(self, field) or ""


class Municipality(Translatable, db.Model):
    """The one municipality this instance serves, as loaded from calendars/."""

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(64), nullable=False, unique=True)
    name = db.Column(db.String(200), nullable=False)
    timezone = db.Column(db.String(64), nullable=False, default="Europe/Stockholm")
    # True until the data file says the published times are confirmed.
    example_data = db.Column(db.Boolean, nullable=False, default=True)
    website = db.Column(db.String(500))
    promise_title = db.Column(db.String(300))
    promise_summary = db.Column(db.Text)
    promise_url = db.Column(db.String(500))
    promise_period = db.Column(db.String(50))
    translations = db.Column(JSON, nullable=False, default=dict)


class Place(Translatable, db.Model):
    """The police office or a place where police are present."""

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(64), nullable=False, unique=True)
    kind = db.Column(db.String(16), nullable=False, default="place")  # "office" | "place"
    name = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    address = db.Column(db.String(300), nullable=False, default="")
    latitude = db.Column(db.Float)
    longitude = db.Column(db.Float)
    phone = db.Column(db.String(40))
    services = db.Column(JSON, nullable=False, default=list)  # Swedish list; en in translations
    position = db.Column(db.Integer, nullable=False, default=0)
    translations = db.Column(JSON, nullable=False, default=dict)

    @property
    def is_office(self) -> bool:
        return self.kind == "office"


class OfficeHours(db.Model):
    """One opening interval on one weekday, valid over a date range.

    Rows are never edited: a change ends the old row (deleted_at) and adds a new one, so the
    calendar can tell which days a change touched and keep SEQUENCE rising.
    """

    id = db.Column(db.Integer, primary_key=True)
    place_id = db.Column(db.ForeignKey("place.id"), nullable=False, index=True)
    weekday = db.Column(db.Integer, nullable=False)  # Monday = 0
    opens = db.Column(db.Time, nullable=False)
    closes = db.Column(db.Time, nullable=False)
    valid_from = db.Column(db.Date, nullable=False)
    valid_until = db.Column(db.Date)  # inclusive; None = until further notice
    source = db.Column(db.String(16), nullable=False, default="file")  # "file" | "staff"
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    deleted_at = db.Column(UTCDateTime)

    place = db.relationship(Place)

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Closure(Translatable, db.Model):
    """The office closed, or open at changed hours, for a day or a range of days.

    `hours` is None when closed, else a list of ["HH:MM", "HH:MM"] pairs. Immutable like
    OfficeHours: removing one sets deleted_at.
    """

    id = db.Column(db.Integer, primary_key=True)
    place_id = db.Column(db.ForeignKey("place.id"), nullable=False, index=True)
    first_day = db.Column(db.Date, nullable=False)
    last_day = db.Column(db.Date, nullable=False)  # inclusive
    hours = db.Column(JSON)
    note = db.Column(db.String(300), nullable=False, default="")
    translations = db.Column(JSON, nullable=False, default=dict)
    source = db.Column(db.String(16), nullable=False, default="file")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    deleted_at = db.Column(UTCDateTime)

    place = db.relationship(Place)

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def intervals(self) -> list[tuple[time, time]]:
        return [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in (self.hours or [])]


class PresenceSeries(db.Model):
    """A weekly pattern of presence at one place; it generates PresenceSlot rows."""

    id = db.Column(db.Integer, primary_key=True)
    place_id = db.Column(db.ForeignKey("place.id"), nullable=False, index=True)
    weekdays = db.Column(JSON, nullable=False)  # list of ints, Monday = 0
    starts = db.Column(db.Time, nullable=False)
    ends = db.Column(db.Time, nullable=False)
    first_day = db.Column(db.Date, nullable=False)
    last_day = db.Column(db.Date, nullable=False)  # inclusive
    interval_weeks = db.Column(db.Integer, nullable=False, default=1)
    # The file's own key for this pattern, so reloading the file finds it again.
    file_key = db.Column(db.String(200), unique=True)
    source = db.Column(db.String(16), nullable=False, default="file")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    place = db.relationship(Place)


class PresenceSlot(Translatable, db.Model):
    """One occurrence of police presence at a place; staff cancel, move and report on it."""

    __table_args__ = (UniqueConstraint("series_id", "origin_start"),)

    id = db.Column(db.Integer, primary_key=True)
    place_id = db.Column(db.ForeignKey("place.id"), nullable=False, index=True)
    series_id = db.Column(db.ForeignKey("presence_series.id"), index=True)
    # Where the series first put it; never changes, so regenerating skips moved slots.
    origin_start = db.Column(UTCDateTime)
    starts_at = db.Column(UTCDateTime, nullable=False, index=True)
    ends_at = db.Column(UTCDateTime, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="scheduled")  # | "cancelled"
    note = db.Column(db.String(500), nullable=False, default="")  # public; the reason if cancelled
    translations = db.Column(JSON, nullable=False, default=dict)
    sequence = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # Outcome, recorded by police after the slot has passed.
    held = db.Column(db.Boolean)
    outcome_reason = db.Column(db.String(500))
    people_met = db.Column(db.Integer)
    outcome_at = db.Column(UTCDateTime)

    place = db.relationship(Place)
    series = db.relationship(PresenceSeries)

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    def touch(self, now: datetime) -> None:
        """Mark a change residents' calendars must pick up."""
        self.sequence = (self.sequence or 0) + 1
        self.updated_at = now


class ScheduleStamp(db.Model):
    """When public schedule data last changed; feeds use it as Last-Modified.

    Kept in its own row so it never goes backwards, not even after a deletion.
    """

    id = db.Column(db.Integer, primary_key=True)
    changed_at = db.Column(UTCDateTime, nullable=False)


SCHEDULE_MODELS = (Municipality, Place, OfficeHours, Closure, PresenceSeries, PresenceSlot)


@event.listens_for(Session, "before_flush")
def _stamp_schedule_changes(session, flush_context, instances):
    """Move the stamp once per transaction that changes schedule data, never backwards."""
    if session.info.get("schedule_stamped"):
        return
    touched = (*session.new, *session.dirty, *session.deleted)
    if not any(isinstance(obj, SCHEDULE_MODELS) for obj in touched):
        return
    session.info["schedule_stamped"] = True
    # Locked until commit, so two concurrent edits can't compute the same stamp (PostgreSQL;
    # SQLite writes are already serialised by BEGIN IMMEDIATE).
    stamp = session.get(ScheduleStamp, 1, with_for_update=True, populate_existing=True)
    now = utcnow().replace(microsecond=0)
    if stamp is None:
        session.add(ScheduleStamp(id=1, changed_at=now))
    else:
        stamp.changed_at = max(now, stamp.changed_at + timedelta(seconds=1))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_stamp(session):
    session.info.pop("schedule_stamped", None)


# --- Staff accounts, server-side sessions and the audit log (issue 3) ---

ROLES = ("police", "municipality", "admin")


class User(db.Model):
    """A staff account. Email is stored normalised (trimmed, lower case)."""

    __tablename__ = "staff_user"  # "user" is a reserved word in PostgreSQL

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(16), nullable=False)  # police | municipality | admin
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    disabled_at = db.Column(UTCDateTime)
    last_login_at = db.Column(UTCDateTime)

    # Flask-Login's interface; the login state itself lives in UserSession.
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str:
        return str(self.id)


class UserSession(db.Model):
    """A login, checked on every staff request; the cookie holds only the token."""

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(
        db.ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    token_hash = db.Column(db.String(64), nullable=False, unique=True)  # sha256 hex
    created_at = db.Column(UTCDateTime, nullable=False)
    last_seen_at = db.Column(UTCDateTime, nullable=False)

    user = db.relationship(User)


class AuditEvent(db.Model):
    """Who did what to which object, and when (UTC); before/after as JSON, never passwords."""

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(UTCDateTime, nullable=False, index=True)
    actor_id = db.Column(db.ForeignKey("staff_user.id"), index=True)
    # What the actor was known as at the time (a failed login has no actor row).
    actor_label = db.Column(db.String(254), nullable=False, default="")
    action = db.Column(db.String(64), nullable=False)
    object_type = db.Column(db.String(32), nullable=False, default="")
    object_id = db.Column(db.String(64), nullable=False, default="")
    before = db.Column(JSON)
    after = db.Column(JSON)

    actor = db.relationship(User)


PresenceSlot.outcome_by_id = db.Column(db.ForeignKey("staff_user.id"))
PresenceSlot.created_by_id = db.Column(db.ForeignKey("staff_user.id"))


# --- Posters, poster scans and residents' feedback (issue 4) ---

MET_POLICE = ("met", "saw", "no")


class Poster(db.Model):
    """One print run of a poster for a place; its code is in the QR code and never reused."""

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(16), nullable=False, unique=True)
    place_id = db.Column(db.ForeignKey("place.id"), nullable=False, index=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.ForeignKey("staff_user.id"))

    place = db.relationship(Place)
    created_by = db.relationship(User)


class PosterScan(db.Model):
    """How many times a poster's QR code was opened on one local day. Counts only."""

    __table_args__ = (UniqueConstraint("poster_id", "day"),)

    id = db.Column(db.Integer, primary_key=True)
    poster_id = db.Column(db.ForeignKey("poster.id", ondelete="CASCADE"), nullable=False)
    day = db.Column(db.Date, nullable=False)
    scans = db.Column(db.Integer, nullable=False, default=0)


class Feedback(db.Model):
    """A resident's answers; an official record. No IP address, user agent or session id.

    `comment` is kept as written; `comment_masked` is staff's copy with personal data masked,
    and is what exports and publication use.
    """

    __table_args__ = (
        db.CheckConstraint("met_police IN ('met', 'saw', 'no')", name="met_police"),
        db.CheckConstraint("safety BETWEEN 1 AND 5", name="safety"),
        db.CheckConstraint("reach_ease BETWEEN 1 AND 5", name="reach_ease"),
    )

    id = db.Column(db.Integer, primary_key=True)
    created_at = db.Column(UTCDateTime, nullable=False, index=True)
    place_id = db.Column(db.ForeignKey("place.id"), nullable=False, index=True)
    poster_id = db.Column(db.ForeignKey("poster.id"), index=True)
    lang = db.Column(db.String(8), nullable=False, default="sv")
    met_police = db.Column(db.String(8))  # met | saw | no; None = not answered
    safety = db.Column(db.SmallInteger)  # 1 (very unsafe) .. 5 (very safe)
    reach_ease = db.Column(db.SmallInteger)  # 1 (very hard) .. 5 (very easy)
    comment = db.Column(db.Text, nullable=False, default="")
    comment_masked = db.Column(db.Text)
    masked_at = db.Column(UTCDateTime)
    masked_by_id = db.Column(db.ForeignKey("staff_user.id"))
    # Contact details only when the person asked to be contacted and consented.
    wants_contact = db.Column(db.Boolean, nullable=False, default=False)
    contact_name = db.Column(db.String(200))
    contact_details = db.Column(db.String(254))
    contact_consent = db.Column(db.Boolean, nullable=False, default=False)
    read_at = db.Column(UTCDateTime)
    read_by_id = db.Column(db.ForeignKey("staff_user.id"))

    place = db.relationship(Place)
    poster = db.relationship(Poster)
    read_by = db.relationship(User, foreign_keys=[read_by_id])
    masked_by = db.relationship(User, foreign_keys=[masked_by_id])
