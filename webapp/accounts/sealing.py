"""Secrets the app must read back, kept encrypted in the database: Fernet (AES-128-CBC with
HMAC-SHA256, from `cryptography`) under a key derived from SECRET_KEY by HKDF-SHA256.

SECRET_KEY_FALLBACKS (Flask's setting for old keys) still open what an earlier key sealed,
so the key can be rotated; such a value is reported as stale for its caller to seal again.
No Flask here: the migrations seal with it too."""

import base64
from collections.abc import Mapping, Sequence

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class Unreadable(ValueError):
    """No configured key opens the stored value (a changed SECRET_KEY, or tampering)."""


def keys_of(config: Mapping) -> list:
    """SECRET_KEY, then the SECRET_KEY_FALLBACKS, newest first."""
    return [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ())]


def _fernet(key, purpose: str) -> Fernet:
    material = key.encode() if isinstance(key, str) else bytes(key)
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"narvaro {purpose}".encode()
    ).derive(material)
    return Fernet(base64.urlsafe_b64encode(derived))


class SecretSealer:
    """Seals and opens one kind of secret (`purpose` keeps the kinds' keys apart)."""

    def __init__(self, keys: Sequence, purpose: str):
        if not keys:
            raise ValueError("a SecretSealer needs at least one key")
        self._fernets = [_fernet(key, purpose) for key in keys]

    def seal(self, plain: str) -> str:
        # Fernet stamps its tokens with a time; nothing here expires, so the stamp is zero
        # rather than a reading of the clock (which would also tell when it was set up).
        return self._fernets[0].encrypt_at_time(plain.encode(), 0).decode("ascii")

    def open(self, sealed: str) -> tuple[str, bool]:
        """(the secret, whether an old key sealed it); Unreadable when no key fits."""
        for n, fernet in enumerate(self._fernets):
            try:
                return fernet.decrypt(sealed.encode("ascii")).decode(), n > 0
            except (InvalidToken, UnicodeError):
                continue
        raise Unreadable("no configured key opens this value")
