"""Staff logins: server-side sessions behind a random token, timeouts, and the role guard.

Flask's signed cookie carries only a random token; its SHA-256 is looked up in UserSession
on every staff request, so logging out or disabling an account ends the session on the
server and an old cookie stops working.
"""

import functools
import hashlib
import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user
from flask_login.utils import _user_context_processor
from sqlalchemy import delete, select

from webapp import site
from webapp.extensions import db, login
from webapp.i18n import STAFF_LANGUAGES
from webapp.models import User, UserSession
from webapp.permissions import roles_for

TOKEN_KEY = "staff_token"  # noqa: S105 - the session key's name, not a secret
IDLE_MINUTES = 30
MAX_HOURS = 12
PENDING_MINUTES = 10
_STAFF_PATH = re.compile(f"/({'|'.join(STAFF_LANGUAGES)})/staff/")


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config.get("STAFF_IDLE_MINUTES", IDLE_MINUTES))


def absolute_limit() -> timedelta:
    return timedelta(hours=current_app.config.get("STAFF_MAX_HOURS", MAX_HOURS))


def session_alive(row: UserSession, now: datetime) -> bool:
    """Within both the idle and the absolute timeout."""
    return now - row.last_seen_at <= idle_limit() and now - row.created_at <= absolute_limit()


def start_session(user: User, now: datetime, *, complete: bool = True) -> None:
    """Log in: a fresh cookie (old contents dropped) and a new server-side session row.

    `complete=False` after the password of an account with two-step login: that session
    opens no staff page until the code is given (see pending_session)."""
    session.clear()
    _forget_expired_sessions(now)
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_at=now,
            last_seen_at=now,
            complete=complete,
        )
    )
    session[TOKEN_KEY] = token


def pending_session(now: datetime) -> UserSession | None:
    """This browser's login that waits for its second step, if any is alive."""
    row = _current_session()
    if row is None or row.complete or not row.user.active:
        return None
    # The code must follow the password within minutes, not the idle timeout.
    return row if now - row.created_at <= timedelta(minutes=PENDING_MINUTES) else None


def current_token_hash() -> str | None:
    token = session.get(TOKEN_KEY)
    return _token_hash(token) if isinstance(token, str) and token else None


def _forget_expired_sessions(now: datetime) -> None:
    """Delete rows nobody can use any more (their cookies were never shown again)."""
    db.session.execute(
        delete(UserSession).where(
            (UserSession.last_seen_at < now - idle_limit())
            | (UserSession.created_at < now - absolute_limit())
        )
    )


def end_session() -> None:
    """Log out: delete this session's row and empty the cookie."""
    token = session.get(TOKEN_KEY)
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _token_hash(token)))
    session.clear()


def end_all_sessions(session_, user: User, *, keep: str | None = None) -> int:
    """Every login of `user` ends now (an account disabled, a password changed); `keep` is
    the token hash of a session to leave alive (the one that changed the password)."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.token_hash != keep)
    return session_.execute(query).rowcount or 0


def _current_session() -> UserSession | None:
    token = session.get(TOKEN_KEY)
    if not token or not isinstance(token, str):
        return None
    return db.session.scalar(
        select(UserSession).where(UserSession.token_hash == _token_hash(token))
    )


@login.request_loader
def _load_user_from_session(_request):
    """Flask-Login's loader: a live session row of an active user, or nobody.

    Only staff pages look: public pages and feeds never read or write the session cookie.
    """
    if request.blueprint != "staff":
        return None
    row = _current_session()
    if row is None or not row.complete:
        return None
    now = site.now()
    if not row.user.active or not session_alive(row, now):
        db.session.delete(row)
        db.session.commit()
        session.pop(TOKEN_KEY, None)
        return None
    if now > row.last_seen_at:
        row.last_seen_at = now
        db.session.commit()
    return row.user


def staff_required(action: str = "staff.enter"):
    """Let in logged-in users whose role may do `action` (webapp.permissions).

    Anonymous visitors go to the login page and come back; other roles get 403.
    """
    allowed = roles_for(action)

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        guarded.staff_roles = allowed
        return guarded

    return decorate


def safe_next(target: str | None, default: str) -> str:
    """Only a path inside the staff area ("/sv/staff/…", "/en/staff/…"); anything else goes to
    the default. Browsers drop tabs and newlines and read "\\" as "/", so "/<tab>/evil.example"
    would leave the site: such characters are refused outright."""
    if not target or not _STAFF_PATH.match(target):
        return default
    if "\\" in target or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def init_app(app) -> None:
    """Session cookie and Flask-Login settings for staff logins."""
    production = app.config.get("ENV_NAME") == "production"
    app.config["SESSION_COOKIE_NAME"] = (
        "__Host-narvaro-session" if production else "narvaro-session"
    )
    if production:
        # __Host- requires Secure, Path=/ and no Domain.
        app.config.update(
            SESSION_COOKIE_SECURE=True, SESSION_COOKIE_PATH="/", SESSION_COOKIE_DOMAIN=None
        )
    app.config.setdefault("STAFF_IDLE_MINUTES", IDLE_MINUTES)
    app.config.setdefault("STAFF_MAX_HOURS", MAX_HOURS)
    # The server-side session row is the protection; Flask-Login's IP/UA hash would need the IP.
    login.session_protection = None
    # No "remember me": drop Flask-Login's hook that reads the session on every response,
    # which made public pages and feeds answer "Vary: Cookie".
    hooks = app.after_request_funcs.get(None, [])
    if login._update_remember_cookie in hooks:
        hooks.remove(login._update_remember_cookie)
    # Flask-Login's template context loads the user (reading the cookie) on every page;
    # staff templates get current_user from the staff blueprint instead.
    processors = app.template_context_processors[None]
    processors[:] = [p for p in processors if p is not _user_context_processor]
