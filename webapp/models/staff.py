"""Staff accounts, server-side sessions and the audit log."""

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from webapp.models.base import Base, UTCDateTime
from webapp.permissions import ROLES  # noqa: F401 - re-exported: the roles a User may have


class User(Base):
    """A staff account. Email is stored normalised (trimmed, lower case)."""

    __tablename__ = "staff_user"  # "user" is a reserved word in PostgreSQL

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False)  # police | municipality | admin
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime, nullable=False)
    disabled_at = Column(UTCDateTime)
    last_login_at = Column(UTCDateTime)

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


class UserSession(Base):
    """A login, checked on every staff request; the cookie holds only the token."""

    __tablename__ = "user_session"

    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = Column(String(64), nullable=False, unique=True)  # sha256 hex
    created_at = Column(UTCDateTime, nullable=False)
    last_seen_at = Column(UTCDateTime, nullable=False)

    user = relationship(User)


class AuditEvent(Base):
    """Who did what to which object, and when (UTC); before/after as JSON, never passwords."""

    __tablename__ = "audit_event"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False, index=True)
    actor_id = Column(ForeignKey("staff_user.id"), index=True)
    # What the actor was known as at the time (a failed login has no actor row).
    actor_label = Column(String(254), nullable=False, default="")
    action = Column(String(64), nullable=False)
    object_type = Column(String(32), nullable=False, default="")
    object_id = Column(String(64), nullable=False, default="")
    before = Column(JSON)
    after = Column(JSON)

    actor = relationship(User)
