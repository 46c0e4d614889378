"""New passwords: the owner's own change, and one-time set-password links (a forgotten
password, an admin's reset, the command line). Flushes only."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from webapp import audit
from webapp.accounts.passwords import (
    BoundedHasher,
    hash_password,
    local_words,
    password_problem,
    verify_password,
)
from webapp.accounts.sessions import end_all_sessions
from webapp.accounts.users import AccountError, local_names
from webapp.models import PasswordToken, User

LINK_LIFETIME = {"forgot": timedelta(hours=1), "admin": timedelta(hours=72)}
LINK_LIFETIME["cli"] = LINK_LIFETIME["admin"]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fingerprint(user: User) -> str:
    """Changes whenever the password does: a link made for the old password stops working."""
    return _sha256(user.password_hash)


def new_password_problem(session, user: User, password: str) -> str | None:
    """The same policy as for new accounts, with the municipality's names banned."""
    return password_problem(password, user.email, local_words(local_names(session)))


def set_password(
    session,
    user: User,
    password: str,
    *,
    now: datetime,
    hasher: BoundedHasher,
    actor,
    action: str,
    keep=None,
) -> None:
    """A new password: every session but `keep` ends, old links die; raises AccountError."""
    problem = new_password_problem(session, user, password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password, hasher)
    user.must_set_password = False
    ended = end_all_sessions(session, user, keep=keep)
    session.flush()
    audit.record(session, actor=actor, action=action, obj=user, now=now, after={"ended": ended})


def change_password(session, user: User, current: str, new: str, *, now, hasher, keep) -> None:
    """The logged-in user's own change; raises AccountError("current") for a wrong password."""
    if not verify_password(user.password_hash, current, hasher):
        raise AccountError("current")
    set_password(
        session, user, new, now=now, hasher=hasher, actor=user, action="password.change", keep=keep
    )


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


def use_link(session, row: PasswordToken, password: str, *, now: datetime, hasher) -> User:
    """Set the password through a link: it is spent, every session ends."""
    action = f"password.set.{row.purpose}"
    set_password(session, row.user, password, now=now, hasher=hasher, actor=row.user, action=action)
    row.used_at = now
    return row.user
