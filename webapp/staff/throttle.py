"""Throttling of guesses at passwords, codes and reset requests, which cannot be turned into a
way to lock a colleague out.

Each form is limited per account (a hash of the address, never the address) and per client
(an HMAC of the client address, feedback.privacy.client_key). A browser that has logged in to
an account before carries a signed "trusted device" cookie for it (OWASP's device cookies):
it skips that account's shared limit and gets one of its own, so strangers failing on
purpose slow themselves down, not the account's owner.
"""

import hashlib
import math
import time

from flask import current_app, g, request
from itsdangerous import BadData, URLSafeTimedSerializer
from limits import parse

from webapp.extensions import limiter
from webapp.feedback.privacy import client_key
from webapp.staff.auth import normalise_email

ACCOUNT_LIMIT = "5 per 15 minutes"
# Per client: one client guessing across many accounts is slowed down; there is no cap over
# all clients, so nobody can lock everyone else out.
CLIENT_LIMIT = "30 per 15 minutes"
DEVICE_DAYS = 180
# (endpoint, scope) of every per-account limit, for an admin's "clear the throttle".
ACCOUNT_SCOPES = (
    ("staff.login", "staff-login-account"),
    ("staff.login", "staff-login-device"),
    ("staff.password_forgot", "staff-forgot-account"),
    ("staff.two_step_off", "staff-two-step-off-account"),
    ("staff.recovery_codes_new", "staff-recovery-codes-account"),
)


def email_key(email: str | None) -> str:
    return "login-account:" + hashlib.sha256(normalise_email(email).encode()).hexdigest()


def form_account_key() -> str:
    """The submitted address, normalised and hashed: no IP, and no address in the store."""
    return email_key(request.form.get("email"))


def failed(_response) -> bool:
    """Count only failures: deduct_when for the limits."""
    return bool(g.get("login_failed"))


def per_client(purpose: str):
    return lambda: client_key(purpose)


def failures_limited(name: str, account_key):
    """The limits of a page that checks a code or password, `name`: failed posts count, per
    account (`account_key`, scope "staff-NAME-account") and per client."""

    def decorate(view):
        view = limiter.limit(
            CLIENT_LIMIT,
            key_func=per_client(name),
            methods=["POST"],
            deduct_when=failed,
            scope=f"staff-{name}-client",
        )(view)
        return limiter.limit(
            ACCOUNT_LIMIT,
            key_func=account_key,
            methods=["POST"],
            deduct_when=failed,
            scope=f"staff-{name}-account",
        )(view)

    return decorate


def device_cookie_name() -> str:
    production = current_app.config.get("ENV_NAME") == "production"
    return "__Host-narvaro-device" if production else "narvaro-device"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staff-device")


def device_cookie_value(email: str) -> str:
    return _serializer().dumps(email_key(email))


def trusted_device() -> bool:
    """The browser logged in to the account named in the form before."""
    value = request.cookies.get(device_cookie_name())
    if not value:
        return False
    try:
        key = _serializer().loads(value, max_age=DEVICE_DAYS * 86400)
    except BadData:
        return False
    return key == form_account_key()


def device_key() -> str:
    return form_account_key() + ":device"


def remember_device(response, email: str):
    """Mark this browser as one that logged in to `email` (staff paths only, HttpOnly)."""
    response.set_cookie(
        device_cookie_name(),
        device_cookie_value(email),
        max_age=DEVICE_DAYS * 86400,
        path="/",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    return response


def clear_account(email: str) -> None:
    """An admin lets an account's owner try again at once (the per-client limits stay)."""
    key = email_key(email)
    item = parse(ACCOUNT_LIMIT)
    for endpoint, scope in ACCOUNT_SCOPES:
        suffix = ":device" if scope.endswith("device") else ""
        limiter.limiter.clear(item, key + suffix, f"{endpoint}:{scope}")


def minutes_to_wait() -> int:
    """Whole minutes until the breached limit of this request resets (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 15
    # The limiter's windows run on the wall clock (the `limits` package reads it), not on the
    # app's clock, so the wait is measured on the same clock.
    seconds = min(current.reset_at - time.time(), current.limit.get_expiry())
    return max(1, math.ceil(seconds / 60))
