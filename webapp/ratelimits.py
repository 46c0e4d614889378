"""Per-client keys without the address, counters the views hit themselves, and whether the
shared rate-limit storage answers.

Rate limits degrade, never fail: with Redis unreachable, Flask-Limiter's decorators count in
this process's memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED); `hit` does the same for the
counters views keep by hand, and /health reports the fallback.
"""

import hashlib
import hmac

from flask import current_app, request
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from webapp import site
from webapp.extensions import limiter

_fallback = FixedWindowRateLimiter(MemoryStorage())


def client_key(purpose: str = "feedback") -> str:
    """A per-client rate-limit key that is not the address: HMAC with a daily secret.

    The feedback form, poster scans and staff logins count per client with it.
    """
    day = site.now().date().isoformat()
    secret = current_app.config["SECRET_KEY"].encode()
    # The salt keeps its first label: a new one would restart every count of the day.
    salt = hmac.new(secret, f"feedback-rate:{day}".encode(), hashlib.sha256).digest()
    address = (request.remote_addr or "").encode()
    return f"{purpose}:" + hmac.new(salt, address, hashlib.sha256).hexdigest()[:32]


def hit(limit: str, *identifiers: str) -> bool:
    """Count one hit on `identifiers` under `limit` ("300 per hour"); False when over it."""
    if not limiter.enabled:
        return True
    item = parse(limit)
    try:
        return limiter.limiter.hit(item, *identifiers)
    except Exception as error:  # noqa: BLE001 - any storage failure: count here instead
        current_app.logger.warning(
            "rate limit storage unreachable (%s): counting in this process", type(error).__name__
        )
        return _fallback.hit(item, *identifiers)


def storage_reachable() -> bool:
    """Does the configured storage (Redis in production) answer?"""
    try:
        return bool(limiter.storage.check())
    except Exception:  # noqa: BLE001 - whatever the storage raises, it did not answer
        return False
