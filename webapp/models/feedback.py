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
from webapp.models.schedule import Municipality, Place
from webapp.models.staff import User

MET_POLICE = ("met", "saw", "no")
# A case's states (webapp/feedback/cases.py gives each its label and meaning).
CASE_STATES = ("new", "read", "in_progress", "handled", "no_action")


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
        CheckConstraint(
            "state IN ('new', 'read', 'in_progress', 'handled', 'no_action')", name="state"
        ),
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
    read_at = Column(UTCDateTime)  # first opened by staff
    read_by_id = Column(ForeignKey("staff_user.id"))
    # The case: its state and who set it when, who has it (None: the team), its theme.
    state = Column(String(16), nullable=False, default="new", server_default="new", index=True)
    state_at = Column(UTCDateTime)
    state_by_id = Column(ForeignKey("staff_user.id"))
    handled_at = Column(UTCDateTime)  # when it was last set to handled; None while open
    assigned_to_id = Column(ForeignKey("staff_user.id"), index=True)
    theme = Column(String(40))  # a key from the data file's feedback_themes
    # The resident's receipt: the SHA-256 of its code, nothing about the person.
    receipt_hash = Column(String(64), unique=True)
    # The public reply: Swedish, optionally in the comment's language too.
    reply = Column(Text)
    reply_translated = Column(Text)
    reply_at = Column(UTCDateTime)
    reply_by_id = Column(ForeignKey("staff_user.id"))
    # Staff chose the reply (and the masked comment, if they saved one) for the follow-up page.
    published_at = Column(UTCDateTime)

    place = relationship(Place)
    poster = relationship(Poster)
    municipality = relationship(Municipality)  # whose record it is: exports name it
    read_by = relationship(User, foreign_keys=[read_by_id])
    masked_by = relationship(User, foreign_keys=[masked_by_id])
    state_by = relationship(User, foreign_keys=[state_by_id])
    assigned_to = relationship(User, foreign_keys=[assigned_to_id])
    reply_by = relationship(User, foreign_keys=[reply_by_id])
    notes = relationship(
        "FeedbackNote",
        order_by="FeedbackNote.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
        back_populates="feedback",
    )


class FeedbackNote(Base):
    """Staff's internal note on a case: never public, never exported, its writing audited."""

    __tablename__ = "feedback_note"

    id = Column(Integer, primary_key=True)
    feedback_id = Column(ForeignKey("feedback.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(UTCDateTime, nullable=False)
    author_id = Column(ForeignKey("staff_user.id"))
    text = Column(Text, nullable=False)

    feedback = relationship(Feedback, back_populates="notes")
    author = relationship(User)


class SpentFeedbackToken(Base):
    """A feedback form token already used for a submission: its hash, until it expires.

    Nothing about the person: the token only signs the place, the poster and a random nonce.
    """

    __tablename__ = "spent_feedback_token"

    token_hash = Column(String(64), primary_key=True)
    expires_at = Column(UTCDateTime, nullable=False, index=True)
