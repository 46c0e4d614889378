"""Staff logins in the browser: the session cookie carries only a random token (the session
itself lives in webapp.accounts.sessions), who is logged in, and the role guard.

No Flask-Login: all it gave was `current_user`, and its hooks read the session cookie on every
response (public pages would answer "Vary: Cookie"). Here the user is looked up once per staff
request, from the server-side session only; there is no "remember me".
"""

import functools
import re
from datetime import datetime
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from werkzeug.local import LocalProxy

from webapp import site
from webapp.accounts import sessions
from webapp.accounts.passwords import hasher
from webapp.extensions import db
from webapp.i18n import STAFF_LANGUAGES
from webapp.models import User, UserSession
from webapp.permissions import roles_for

TOKEN_KEY = "staff_token"  # noqa: S105 - the session key's name, not a secret
# The provider's name and ID token when signed in through one (staff.oidc_views), for the
# provider's sign-out page; kept from a provider's sign-in through the local second step.
SIGNED_IN_WITH = "oidc_signed_in"
_STAFF_PATH = re.compile(f"/({'|'.join(STAFF_LANGUAGES)})/staff/")


def timeouts() -> sessions.Timeouts:
    return sessions.Timeouts.from_config(current_app.config)


def password_hasher():
    """The app's password hasher (PASSWORD_HASH_PARAMS, ARGON2_*)."""
    return hasher(current_app.config)


def start_session(user: User, now: datetime, *, complete: bool = True) -> None:
    """Log in: a fresh cookie (old contents dropped) and a new server-side session.

    `complete=False` after the password of an account with two-step login: that session
    opens no staff page until the code is given (see pending_session)."""
    session.clear()
    token = sessions.open_session(db.session, user, now=now, timeouts=timeouts(), complete=complete)
    session[TOKEN_KEY] = token


def pending_session(now: datetime) -> UserSession | None:
    """This browser's login that waits for its second step, if any is alive."""
    row = sessions.find_session(db.session, session.get(TOKEN_KEY))
    return row if sessions.waiting_for_code(row, now) else None


def current_token_hash() -> str | None:
    token = session.get(TOKEN_KEY)
    return sessions.token_hash(token) if isinstance(token, str) and token else None


def end_session() -> None:
    """Log out: delete this session's row and empty the cookie."""
    sessions.end_session(db.session, session.get(TOKEN_KEY))
    session.clear()


class Anonymous:
    """Nobody is logged in."""

    is_authenticated = False
    is_anonymous = True
    role = None

    def __bool__(self) -> bool:
        return False  # never an actor in the audit log


ANONYMOUS = Anonymous()


def _logged_in_user():
    if "staff_user" not in g:
        g.staff_user = _load_user_from_session() or ANONYMOUS
    return g.staff_user


# The user of this request, looked up at its first use and kept for the request.
current_user = LocalProxy(_logged_in_user)


def _load_user_from_session():
    """A live session row of an active user, or nobody.

    Only staff pages look: public pages and feeds never read or write the session cookie.
    """
    if request.blueprint != "staff":
        return None
    row = sessions.find_session(db.session, session.get(TOKEN_KEY))
    if row is None or not row.complete:
        return None
    now = site.now()
    if not row.user.active or not sessions.session_alive(row, now, timeouts()):
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
    """Session cookie settings for staff logins."""
    production = app.config.get("ENV_NAME") == "production"
    app.config["SESSION_COOKIE_NAME"] = (
        "__Host-narvaro-session" if production else "narvaro-session"
    )
    if production:
        # __Host- requires Secure, Path=/ and no Domain.
        app.config.update(
            SESSION_COOKIE_SECURE=True, SESSION_COOKIE_PATH="/", SESSION_COOKIE_DOMAIN=None
        )
    app.config.setdefault("STAFF_IDLE_MINUTES", sessions.IDLE_MINUTES)
    app.config.setdefault("STAFF_MAX_HOURS", sessions.MAX_HOURS)
