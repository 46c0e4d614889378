"""The staff throttles applied to the views, from the table in webapp.accounts.throttles.

A browser that has logged in to an account before carries a signed "trusted device" cookie
for it: it skips that account's shared limit and gets one of its own.
"""

import math
import time

from flask import current_app, g, request
from itsdangerous import BadData, URLSafeTimedSerializer
from limits import parse

from webapp.accounts.throttles import DEVICE_DAYS, STEPS, account_key, count_key
from webapp.accounts.throttles import per_account_limits as _per_account_limits
from webapp.extensions import limiter
from webapp.ratelimits import client_key
from webapp.staff.auth import current_user


def form_account_key() -> str:
    """The submitted address, normalised and hashed: no IP, and no address in the store."""
    return account_key(request.form.get("email"))


def own_account_key() -> str:
    """The logged-in person's own account: for steps that ask for their password or code."""
    return account_key(current_user.email if current_user.is_authenticated else "")


def failed(_response) -> bool:
    """Count only failures: deduct_when for the limits of passwords and codes."""
    return bool(g.get("login_failed"))


def throttled(step: str, account=None):
    """The limits of `step` (webapp.accounts.throttles.STEPS) on a view; `account` gives the
    per-account key of the request (None: the step has no per-account limit). Only posts
    count."""
    limits = STEPS[step]
    devices = any(limit.per == "device" for limit in limits)

    def key_of(limit):
        if limit.per == "client":
            return lambda: client_key(step)
        return lambda: count_key(limit, account())

    def exempt_of(limit):
        if limit.per == "device":
            return lambda: not trusted_device(account())
        if limit.per == "account" and devices:
            return lambda: trusted_device(account())
        return None

    def decorate(view):
        for limit in reversed(limits):
            view = limiter.shared_limit(
                limit.rate,
                limit.scope,
                key_func=key_of(limit),
                methods=["POST"],
                deduct_when=failed if limit.failures_only else None,
                exempt_when=exempt_of(limit),
            )(view)
        return view

    return decorate


def lift(email: str) -> None:
    """An admin lets an account's owner try again at once, at every step (the per-client
    limits stay)."""
    key = account_key(email)
    for limit in _per_account_limits():
        limiter.limiter.clear(parse(limit.rate), count_key(limit, key), limit.scope)


def device_cookie_name() -> str:
    production = current_app.config.get("ENV_NAME") == "production"
    return "__Host-narvaro-device" if production else "narvaro-device"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staff-device")


def device_cookie_value(email: str) -> str:
    return _serializer().dumps(account_key(email))


def trusted_device(key: str) -> bool:
    """The browser logged in before to the account whose key is `key`."""
    value = request.cookies.get(device_cookie_name())
    if not value:
        return False
    try:
        trusted = _serializer().loads(value, max_age=DEVICE_DAYS * 86400)
    except BadData:
        return False
    return trusted == key


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


def minutes_to_wait() -> int:
    """Whole minutes until the breached limit of this request resets (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 15
    # The limiter's windows run on the wall clock (the `limits` package reads it), not on the
    # app's clock, so the wait is measured on the same clock.
    seconds = min(current.reset_at - time.time(), current.limit.get_expiry())
    return max(1, math.ceil(seconds / 60))
