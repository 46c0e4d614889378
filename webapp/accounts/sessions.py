"""Server-side sessions behind a random token, their timeouts, and the login history.

The browser holds only the token; its SHA-256 is kept in UserSession, so logging out or
disabling an account ends the session here and an old cookie stops working. Flushes only.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from webapp import audit
from webapp.models import LoginRecord, User, UserSession

IDLE_MINUTES = 30
MAX_HOURS = 12
PENDING_MINUTES = 10  # the code must follow the password within minutes, not the idle timeout
HISTORY = 10  # logins shown on the account page


@dataclass(frozen=True)
class Timeouts:
    """How long a session lives without use (idle) and at most (absolute)."""

    idle: timedelta = timedelta(minutes=IDLE_MINUTES)
    absolute: timedelta = timedelta(hours=MAX_HOURS)

    @classmethod
    def from_config(cls, config) -> "Timeouts":
        """STAFF_IDLE_MINUTES and STAFF_MAX_HOURS."""
        return cls(
            timedelta(minutes=config.get("STAFF_IDLE_MINUTES", IDLE_MINUTES)),
            timedelta(hours=config.get("STAFF_MAX_HOURS", MAX_HOURS)),
        )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session_, user: User, *, now: datetime, timeouts: Timeouts, complete=True):
    """A new session row for `user`; the token for the cookie (shown once, kept hashed).

    `complete=False` after the password of an account with two-step login: that session
    opens nothing until the code is given (see waiting_for_code)."""
    forget_expired_sessions(session_, now=now, timeouts=timeouts)
    token = secrets.token_urlsafe(32)
    session_.add(
        UserSession(
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            last_seen_at=now,
            complete=complete,
        )
    )
    return token


def find_session(session_, token) -> UserSession | None:
    if not token or not isinstance(token, str):
        return None
    return session_.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))


def session_alive(row: UserSession, now: datetime, timeouts: Timeouts) -> bool:
    """Within both the idle and the absolute timeout."""
    return now - row.last_seen_at <= timeouts.idle and now - row.created_at <= timeouts.absolute


def waiting_for_code(row: UserSession | None, now: datetime) -> bool:
    """A login of an active account that has passed the password and waits for its code."""
    if row is None or row.complete or not row.user.active:
        return False
    return now - row.created_at <= timedelta(minutes=PENDING_MINUTES)


def forget_expired_sessions(session_, *, now: datetime, timeouts: Timeouts) -> None:
    """Delete rows nobody can use any more (their cookies were never shown again)."""
    session_.execute(
        delete(UserSession).where(
            (UserSession.last_seen_at < now - timeouts.idle)
            | (UserSession.created_at < now - timeouts.absolute)
        )
    )


def end_session(session_, token) -> None:
    """Log out: delete the session row of `token`."""
    if token and isinstance(token, str):
        session_.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def note_provider_session(session_, token, sid) -> None:
    """The session of `token` was opened through an OpenID Provider whose session is `sid`."""
    row = find_session(session_, token)
    if row is not None and isinstance(sid, str) and sid:
        row.oidc_sid = sid[:255]


def end_provider_sessions(session_, *, issuer: str, sid: str) -> tuple[list[User], int]:
    """Back-channel logout naming only the provider's session: the sessions opened through
    `issuer`'s session `sid` end; their accounts and how many ended."""
    rows = session_.scalars(
        select(UserSession)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.oidc_sid == sid, User.oidc_issuer == issuer)
    ).all()
    users = list({row.user_id: row.user for row in rows}.values())
    for row in rows:
        session_.delete(row)
    return users, len(rows)


def end_all_sessions(session_, user: User, *, keep: str | None = None) -> int:
    """Every login of `user` ends now (an account disabled, a password changed); `keep` is
    the token hash of a session to leave alive (the one that changed the password)."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.token_hash != keep)
    return session_.execute(query).rowcount or 0


def end_other_sessions(session_, user: User, *, keep: str | None, now: datetime) -> int:
    """ "Sign out everywhere": every session but this one (or all, with keep=None); audited."""
    ended = end_all_sessions(session_, user, keep=keep)
    audit.record(
        session_, actor=user, action="sessions.end", obj=user, now=now, after={"ended": ended}
    )
    return ended


def record_login(session_, user: User | None, *, success: bool, now: datetime) -> None:
    """Time and outcome for the account page; unknown accounts leave no row."""
    if user is not None:
        session_.add(LoginRecord(user_id=user.id, at=now, success=success))


def recent_logins(session_, user: User) -> list[LoginRecord]:
    query = (
        select(LoginRecord)
        .where(LoginRecord.user_id == user.id)
        .order_by(LoginRecord.at.desc(), LoginRecord.id.desc())
        .limit(HISTORY)
    )
    return list(session_.scalars(query))
