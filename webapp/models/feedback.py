"""Posters, poster scans and residents' feedback."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from webapp.models.base import Base, Owned, UTCDateTime
from webapp.models.schedule import Place
from webapp.models.staff import User

MET_POLICE = ("met", "saw", "no")


class Poster(Owned, Base):
    """One print run of a poster for a place; its code is in the QR code and never reused."""

    __tablename__ = "poster"

    id = Column(Integer, primary_key=True)
    code = Column(String(16), nullable=False, unique=True)
    place_id = Column(ForeignKey("place.id"), nullable=False, index=True)
    created_at = Column(UTCDateTime, nullable=False)
    created_by_id = Column(ForeignKey("staff_user.id"))

    place = relationship(Place)
    created_by = relationship(User)


class PosterScan(Base):
    """How many times a poster's QR code was opened on one local day. Counts only."""

    __tablename__ = "poster_scan"

    __table_args__ = (UniqueConstraint("poster_id", "day"),)

    id = Column(Integer, primary_key=True)
    poster_id = Column(ForeignKey("poster.id", ondelete="CASCADE"), nullable=False)
    day = Column(Date, nullable=False)
    scans = Column(Integer, nullable=False, default=0)


class Feedback(Owned, Base):
    """A resident's answers; an official record. No IP address, user agent or session id.

    `comment` is kept as written; `comment_masked` is staff's copy with personal data masked,
    and is what exports and publication use.
    """

    __tablename__ = "feedback"

    __table_args__ = (
        CheckConstraint("met_police IN ('met', 'saw', 'no')", name="met_police"),
        CheckConstraint("safety BETWEEN 1 AND 5", name="safety"),
        CheckConstraint("reach_ease BETWEEN 1 AND 5", name="reach_ease"),
    )

    id = Column(Integer, primary_key=True)
    created_at = Column(UTCDateTime, nullable=False, index=True)
    place_id = Column(ForeignKey("place.id"), nullable=False, index=True)
    poster_id = Column(ForeignKey("poster.id"), index=True)
    lang = Column(String(8), nullable=False, default="sv")
    met_police = Column(String(8))  # met | saw | no; None = not answered
    safety = Column(SmallInteger)  # 1 (very unsafe) .. 5 (very safe)
    reach_ease = Column(SmallInteger)  # 1 (very hard) .. 5 (very easy)
    comment = Column(Text, nullable=False, default="")
    comment_masked = Column(Text)
    masked_at = Column(UTCDateTime)
    masked_by_id = Column(ForeignKey("staff_user.id"))
    # Contact details only when the person asked to be contacted and consented.
    wants_contact = Column(Boolean, nullable=False, default=False)
    contact_name = Column(String(200))
    contact_details = Column(String(254))
    contact_consent = Column(Boolean, nullable=False, default=False)
    read_at = Column(UTCDateTime)
    read_by_id = Column(ForeignKey("staff_user.id"))

    place = relationship(Place)
    poster = relationship(Poster)
    read_by = relationship(User, foreign_keys=[read_by_id])
    masked_by = relationship(User, foreign_keys=[masked_by_id])


class SpentFeedbackToken(Base):
    """A feedback form token already used for a submission: its hash, until it expires.

    Nothing about the person: the token only signs the place, the poster and a random nonce.
    """

    __tablename__ = "spent_feedback_token"

    token_hash = Column(String(64), primary_key=True)
    expires_at = Column(UTCDateTime, nullable=False, index=True)
