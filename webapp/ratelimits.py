"""Counters the views hit themselves, and whether the shared rate-limit storage answers.

Rate limits degrade, never fail: with Redis unreachable, Flask-Limiter's decorators count in
this process's memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED); `hit` does the same for the
counters views keep by hand, and /health reports the fallback.
"""

from flask import current_app
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from webapp.extensions import limiter

_fallback = FixedWindowRateLimiter(MemoryStorage())


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
