"""Staff accounts, server-side sessions and the audit log."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
    true,
)
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
    # Set by an admin's reset: the next login goes to "change password" before anything else.
    must_set_password = Column(Boolean, nullable=False, default=False, server_default=false())
    # Two-step login (TOTP): the base32 secret, set when confirmed with a first code, sealed
    # with a key derived from SECRET_KEY (webapp/accounts/sealing.py): never stored in plain text.
    totp_secret_sealed = Column(String(255))
    totp_enabled_at = Column(UTCDateTime)  # None while a secret is only being set up
    totp_last_step = Column(Integer)  # the last time step accepted: a code works once
    language = Column(String(8))  # of the last login: mails to this person are in it
    # The one municipality whose staff pages the account may use; None: all of them (the
    # police area's staff, and every account of a one-municipality installation).
    municipality_id = Column(ForeignKey("municipality.id"), index=True)
    # Signed in through an organisation's OpenID Provider: the account is the pair (issuer,
    # subject), never the e-mail. An account made at such a sign-in has no password ("").
    oidc_issuer = Column(String(255))
    oidc_subject = Column(String(255))

    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_staff_user_oidc"),)

    # What the staff pages ask of whoever is logged in (webapp.staff.auth.current_user); the
    # login state itself lives in UserSession.
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True


class UserSession(Base):
    """A login, checked on every staff request; the cookie holds only the token."""

    __tablename__ = "user_session"

    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = Column(String(64), nullable=False, unique=True)  # sha256 hex
    created_at = Column(UTCDateTime, nullable=False)
    last_seen_at = Column(UTCDateTime, nullable=False)
    # False between the password and the second step: such a session opens no staff page.
    complete = Column(Boolean, nullable=False, default=True, server_default=true())
    # Signed in through an OpenID Provider: its session id (`sid`), which a back-channel
    # logout token may name instead of the account.
    oidc_sid = Column(String(255), index=True)

    user = relationship(User)


class PasswordToken(Base):
    """A one-time link to set a password: forgotten password, admin reset, CLI.

    Only the SHA-256 of the token is stored. `password_fingerprint` ties it to the password
    it was made for, so a link dies when the password changes.
    """

    __tablename__ = "password_token"

    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    password_fingerprint = Column(String(64), nullable=False)
    purpose = Column(String(16), nullable=False)  # forgot | admin | cli
    created_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)
    used_at = Column(UTCDateTime)

    user = relationship(User)


class RecoveryCode(Base):
    """A single-use code for when the authenticator is lost; stored as SHA-256."""

    __tablename__ = "recovery_code"

    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True)
    code_hash = Column(String(64), nullable=False)
    used_at = Column(UTCDateTime)


class LoginRecord(Base):
    """A login attempt on a known account, for its owner's account page: time and outcome,
    never an address."""

    __tablename__ = "login_record"

    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(UTCDateTime, nullable=False)
    success = Column(Boolean, nullable=False)


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
    # Where it happened: the municipality of the request or of the object (None: the area's).
    municipality_id = Column(ForeignKey("municipality.id"), index=True)
    before = Column(JSON)
    after = Column(JSON)

    actor = relationship(User)
