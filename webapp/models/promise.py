"""Citizen promises (from the data file) and what staff recorded was done for them."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from webapp.models.base import Base, Owned, Translatable, UTCDateTime
from webapp.models.staff import User

# The municipalities that signed a promise: its owner's alone, or several of a police area.
promise_municipality = Table(
    "promise_municipality",
    Base.metadata,
    Column("promise_id", ForeignKey("promise.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id"), primary_key=True, index=True),
)


class Promise(Translatable, Base):
    """One promise period (e.g. 2023–2024); `key` is its id in URLs and the API.

    Owned by one municipality's file (`municipality_id`) or, signed by several, by their
    police area's file (`police_area_id`); `municipalities` lists who signed it.
    """

    __tablename__ = "promise"
    __table_args__ = (
        UniqueConstraint("municipality_id", "key"),
        UniqueConstraint("police_area_id", "key"),
    )

    id = Column(Integer, primary_key=True)
    key = Column(String(64), nullable=False)
    municipality_id = Column(ForeignKey("municipality.id"), index=True)
    police_area_id = Column(ForeignKey("police_area.id"), index=True)
    first_day = Column(Date, nullable=False)
    last_day = Column(Date, nullable=False)
    title = Column(String(300), nullable=False)
    summary = Column(Text)
    url = Column(String(500))
    example_data = Column(Boolean, nullable=False, default=False)
    translations = Column(JSON, nullable=False, default=dict)

    municipalities = relationship(
        "Municipality", secondary=promise_municipality, order_by="Municipality.id"
    )
    commitments = relationship(
        "PromiseCommitment",
        back_populates="promise",
        order_by="PromiseCommitment.position",
        cascade="all, delete-orphan",
    )

    def in_force(self, today) -> bool:
        """The one rule for "the promise in force": its period holds `today`."""
        return self.first_day <= today <= self.last_day


class PromiseCommitment(Translatable, Base):
    """A löfte within the promise; activities say how it is kept."""

    __tablename__ = "promise_commitment"
    __table_args__ = (UniqueConstraint("promise_id", "position"),)

    id = Column(Integer, primary_key=True)
    promise_id = Column(ForeignKey("promise.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)
    title = Column(Text, nullable=False)
    translations = Column(JSON, nullable=False, default=dict)

    promise = relationship(Promise, back_populates="commitments")
    activities = relationship(
        "PromiseActivity",
        back_populates="commitment",
        order_by="PromiseActivity.position",
        cascade="all, delete-orphan",
    )


class PromiseActivity(Translatable, Base):
    """What someone does, how it is measured, its target and when its figures are public."""

    __tablename__ = "promise_activity"
    __table_args__ = (UniqueConstraint("promise_id", "key"),)

    id = Column(Integer, primary_key=True)
    promise_id = Column(ForeignKey("promise.id", ondelete="CASCADE"), nullable=False)
    commitment_id = Column(ForeignKey("promise_commitment.id"), nullable=False, index=True)
    key = Column(String(64), nullable=False)
    position = Column(Integer, nullable=False)
    owner = Column(String(20), nullable=False)  # police, municipality, both
    measure = Column(String(20), nullable=False)  # presence, count, figure, status
    publish = Column(String(20), nullable=False)  # live, after_tertial, staff
    target = Column(Float)
    target_per = Column(String(10))  # year, period
    unit = Column(String(20))
    title = Column(Text, nullable=False)
    translations = Column(JSON, nullable=False, default=dict)

    promise = relationship(Promise)
    commitment = relationship(PromiseCommitment, back_populates="activities")


class PromiseEntry(Owned, Base):
    """Something done for an activity, recorded by staff: a day, a number, a short public note.
    Removing keeps the row with the reason (removed_at set), as the audit log does. It belongs
    to the municipality whose staff recorded it (a shared promise has entries from several)."""

    __tablename__ = "promise_entry"

    id = Column(Integer, primary_key=True)
    activity_id = Column(
        ForeignKey("promise_activity.id", ondelete="CASCADE"), nullable=False, index=True
    )
    day = Column(Date, nullable=False)
    value = Column(Float)
    note = Column(Text, nullable=False, default="")
    created_at = Column(UTCDateTime, nullable=False)
    created_by_id = Column(ForeignKey("staff_user.id"))
    updated_at = Column(UTCDateTime, nullable=False)
    removed_at = Column(UTCDateTime)
    removed_reason = Column(Text)

    activity = relationship(PromiseActivity)
    created_by = relationship(User)
