"""What a staff member can do with their own account, and what an admin can do for them:
change or set a password, one-time password links, login history. Flushes only."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from webapp import audit
from webapp.models import LoginRecord, PasswordToken, User
from webapp.staff.auth import end_all_sessions
from webapp.staff.passwords import hash_password, local_words, password_problem, verify_password
from webapp.staff.users import AccountError, local_names

LINK_LIFETIME = {"forgot": timedelta(hours=1), "admin": timedelta(hours=72)}
LINK_LIFETIME["cli"] = LINK_LIFETIME["admin"]
HISTORY = 10  # logins shown on the account page


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fingerprint(user: User) -> str:
    """Changes whenever the password does: a link made for the old password stops working."""
    return _sha256(user.password_hash)


def new_password_problem(session, user: User, password: str) -> str | None:
    """The same policy as for new accounts, with the municipality's names banned."""
    return password_problem(password, user.email, local_words(local_names(session)))


def set_password(
    session, user: User, password: str, *, now: datetime, actor, action: str, keep=None
) -> None:
    """A new password: every session but `keep` ends, old links die; raises AccountError."""
    problem = new_password_problem(session, user, password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.must_set_password = False
    ended = end_all_sessions(session, user, keep=keep)
    session.flush()
    audit.record(session, actor=actor, action=action, obj=user, now=now, after={"ended": ended})


def change_password(session, user: User, current: str, new: str, *, now, keep) -> None:
    """The logged-in user's own change; raises AccountError("current") for a wrong password."""
    if not verify_password(user.password_hash, current):
        raise AccountError("current")
    set_password(session, user, new, now=now, actor=user, action="password.change", keep=keep)


def issue_link(session, user: User, *, purpose: str, now: datetime, actor=None) -> str:
    """A one-time set-password token (shown or mailed once; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordToken(
            user_id=user.id,
            token_hash=_sha256(token),
            password_fingerprint=_fingerprint(user),
            purpose=purpose,
            created_at=now,
            expires_at=now + LINK_LIFETIME[purpose],
        )
    )
    if purpose != "forgot":  # an admin's or the CLI's reset: the old password must go
        user.must_set_password = True
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"password.link.{purpose}",
        obj=user,
        now=now,
        label="" if actor else purpose,
    )
    return token


def valid_link(session, token: str, now: datetime) -> PasswordToken | None:
    """The unused, unexpired token for an active account whose password has not changed."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    row = session.scalar(select(PasswordToken).where(PasswordToken.token_hash == _sha256(token)))
    if row is None or row.used_at is not None or now >= row.expires_at:
        return None
    if not row.user.active or not hmac.compare_digest(
        row.password_fingerprint, _fingerprint(row.user)
    ):
        return None
    return row


def use_link(session, row: PasswordToken, password: str, *, now: datetime) -> User:
    """Set the password through a link: it is spent, every session ends."""
    set_password(
        session, row.user, password, now=now, actor=row.user, action=f"password.set.{row.purpose}"
    )
    row.used_at = now
    return row.user


def record_login(session, user: User | None, *, success: bool, now: datetime) -> None:
    """Time and outcome for the account page; unknown accounts leave no row."""
    if user is not None:
        session.add(LoginRecord(user_id=user.id, at=now, success=success))


def recent_logins(session, user: User) -> list[LoginRecord]:
    query = (
        select(LoginRecord)
        .where(LoginRecord.user_id == user.id)
        .order_by(LoginRecord.at.desc(), LoginRecord.id.desc())
        .limit(HISTORY)
    )
    return list(session.scalars(query))


def end_other_sessions(session, user: User, *, keep: str | None, now: datetime) -> int:
    """ "Sign out everywhere": every session but this one (or all, with keep=None)."""
    ended = end_all_sessions(session, user, keep=keep)
    audit.record(
        session, actor=user, action="sessions.end", obj=user, now=now, after={"ended": ended}
    )
    return ended
