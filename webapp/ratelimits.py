"""Per-client keys without the address, counters the views hit themselves, and whether the
shared rate-limit storage answers.

Rate limits degrade, never fail: with Redis unreachable, Flask-Limiter's decorators count in
this process's memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED); `hit` does the same for the
counters views keep by hand, and /health reports the fallback.
"""

import hashlib
import hmac
import ipaddress

from flask import current_app, request
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from webapp import site
from webapp.extensions import limiter

_fallback = FixedWindowRateLimiter(MemoryStorage())


IPV6_CLIENT_PREFIX = 64  # one subscriber's network: ISPs hand out a /64 (or more) each


def client_of(address: str) -> str:
    """Who counts as one client: an IPv4 address, or the /64 an IPv6 address is in (one
    device or home may use any of its 2^64 addresses, so per address it would have as many
    allowances). An IPv4 address written as IPv6 (::ffff:a.b.c.d) is that IPv4 address."""
    try:
        parsed = ipaddress.ip_address(address.split("%")[0])  # without an interface zone
    except ValueError:
        return address
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(parsed)


def client_key(purpose: str = "feedback") -> str:
    """A per-client rate-limit key that is not the address: HMAC with a daily secret of the
    client (`client_of`: IPv6 by /64).

    The feedback form, poster scans and staff logins count per client with it.
    """
    day = site.now().date().isoformat()
    secret = current_app.config["SECRET_KEY"].encode()
    # The salt keeps its first label: a new one would restart every count of the day.
    salt = hmac.new(secret, f"feedback-rate:{day}".encode(), hashlib.sha256).digest()
    client = client_of(request.remote_addr or "").encode()
    return f"{purpose}:" + hmac.new(salt, client, hashlib.sha256).hexdigest()[:32]


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
