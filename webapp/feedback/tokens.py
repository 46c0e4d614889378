"""The feedback form's own token: a signature over when the form was shown and for what.

Public pages set no cookies, so Flask-WTF's session-based CSRF token can't be used. The token
signs the place, the poster code and the render time with the app's secret; the time also
gives the minimum fill time. A random nonce makes every shown form's token unique, so a
token can be spent once (service.spend_token). Time comes from the caller (webapp.clock).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

SALT = "feedback-form"


@dataclass(frozen=True)
class TokenCheck:
    """`state` is "ok", "expired", "invalid" or "too-fast"."""

    state: str
    age: int | None = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"


class _ClockSigner(TimestampSigner):
    """itsdangerous reads time.time(); this one reads the moment it is given."""

    def __init__(self, secret_key, now: datetime):
        super().__init__(secret_key, salt=SALT)
        self._now = int(now.timestamp())

    def get_timestamp(self) -> int:
        return self._now


def _payload(place_slug: str, poster_code: str | None) -> str:
    return f"{place_slug}|{poster_code or ''}"


def make_token(secret_key: str, *, place_slug: str, poster_code: str | None, now: datetime) -> str:
    """A token for a form shown at `now`, unlike any other token."""
    signer = _ClockSigner(secret_key, now)
    nonce = secrets.token_urlsafe(12)
    return signer.sign(f"{_payload(place_slug, poster_code)}|{nonce}").decode()


def token_id(token: str) -> str:
    """What is kept of a spent token: its SHA-256, nothing about the person who sent it."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_token(
    token: str | None,
    secret_key: str,
    *,
    place_slug: str,
    poster_code: str | None,
    now: datetime,
    min_seconds: int,
    max_seconds: int,
) -> TokenCheck:
    """Is `token` ours, for this form, not older than max_seconds and not younger than min?"""
    if not token or len(token) > 500:
        return TokenCheck("invalid")
    signer = _ClockSigner(secret_key, now)
    try:
        value, signed_at = signer.unsign(token, max_age=max_seconds, return_timestamp=True)
    except SignatureExpired:
        return TokenCheck("expired")
    except (BadSignature, ValueError, UnicodeError):
        return TokenCheck("invalid")
    signed_for, _, nonce = value.decode("utf-8", "replace").rpartition("|")
    if signed_for != _payload(place_slug, poster_code) or not nonce:
        return TokenCheck("invalid")
    age = int(now.timestamp() - signed_at.timestamp())
    if age < min_seconds:
        return TokenCheck("too-fast", age)
    return TokenCheck("ok", age)
