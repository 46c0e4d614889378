"""New passwords: the owner's own change, and one-time set-password links (a forgotten
password, an admin's reset, the command line). Flushes only."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

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
    _store_password(
        session, user, _new_hash(session, user, password, hasher), now, actor, action, keep
    )


def _new_hash(session, user: User, password: str, hasher: BoundedHasher) -> str:
    """The hash of an acceptable new password; raises AccountError (and HashingBusy)."""
    problem = new_password_problem(session, user, password)
    if problem:
        raise AccountError(problem)
    return hash_password(password, hasher)


def _store_password(session, user: User, password_hash: str, now, actor, action, keep) -> None:
    user.password_hash = password_hash
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
    ended = None
    if purpose != "forgot":  # an admin's or the CLI's reset: the old password must go, and
        user.must_set_password = True  # whoever is logged in with it (it may be known) too
        ended = end_all_sessions(session, user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"password.link.{purpose}",
        obj=user,
        now=now,
        label="" if actor else purpose,
        after=None if ended is None else {"ended": ended},
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


class LinkSpent(Exception):
    """The link was used by another request in the meantime: it works once."""


def _spend_link(session, row: PasswordToken, now: datetime) -> bool:
    """Mark the link used in one conditional write: of any number of requests posting it at
    the same moment, exactly one finds it unused (the others wait for its row lock on
    PostgreSQL, for the write lock on SQLite, and then find it spent)."""
    spent = session.execute(
        update(PasswordToken)
        .where(PasswordToken.id == row.id, PasswordToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


def use_link(session, row: PasswordToken, password: str, *, now: datetime, hasher) -> User:
    """Set the password through a link: it is spent, every session ends. Raises AccountError
    for a password the policy refuses (the link stays usable) and LinkSpent when another
    request spent it first."""
    user = row.user
    password_hash = _new_hash(session, user, password, hasher)  # before the link is spent
    if not _spend_link(session, row, now):
        raise LinkSpent
    set_committed_value(row, "used_at", now)
    _store_password(session, user, password_hash, now, user, f"password.set.{row.purpose}", None)
    return user
