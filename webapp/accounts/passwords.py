"""Password hashing (argon2id) and the password policy: length, not a common password."""

import contextlib
import functools
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # long passphrases are welcome; the cap only stops absurd request bodies
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
# Words anyone guessing a password for this service would try first; the municipality's and
# places' names come from the database (local_words).
SERVICE_WORDS = ("narvaro", "närvaro", "polisen", "password", "lösenord")

# argon2-cffi's defaults are argon2id, t=3, m=64 MiB, p=4: RFC 9106's second recommendation.
# The app setting PASSWORD_HASH_PARAMS (PasswordHasher's keyword arguments) overrides them; only
# the tests set it, to cheap parameters.


@functools.cache
def _hasher_with(params: tuple) -> PasswordHasher:
    return PasswordHasher(**dict(params))


def hasher(params: Mapping | None = None) -> PasswordHasher:
    """The hasher for PASSWORD_HASH_PARAMS (None: argon2-cffi's defaults), made once."""
    return _hasher_with(tuple(sorted((params or {}).items())))


# Argon2 is meant to be slow and uses 64 MiB: a flood of login attempts would take every
# core from the public pages. Each worker process hashes at most ARGON2_SLOTS passwords at a
# time, in threads of lower CPU priority (the Argon2 lanes they start inherit it), so pages
# go first; a request that cannot get a slot within ARGON2_WAIT seconds is asked to retry.
_SLOTS = int(os.environ.get("ARGON2_SLOTS", "1"))
_WAIT = float(os.environ.get("ARGON2_WAIT", "0.5"))
_NICE = int(os.environ.get("ARGON2_NICE", "10"))
_slots = threading.BoundedSemaphore(_SLOTS)
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


class HashingBusy(RuntimeError):
    """Too many password checks at once in this worker: answer 503 and ask to retry."""


def _lower_priority() -> None:
    # On Linux the nice value is per thread; raising it needs no privilege.
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _NICE)


def _hashing_pool() -> ThreadPoolExecutor:
    """Started on first use, so in each gunicorn worker after the fork, never in the master."""
    global _pool  # noqa: PLW0603 - one pool per process
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                _SLOTS, thread_name_prefix="argon2", initializer=_lower_priority
            )
        return _pool


def _bounded(work, *args):
    """Run Argon2 work in this worker's hashing threads; HashingBusy when they stay full."""
    if not _slots.acquire(timeout=_WAIT):
        raise HashingBusy
    try:
        return _hashing_pool().submit(work, *args).result()
    finally:
        _slots.release()


def hash_password(password: str, hasher: PasswordHasher) -> str:
    return _bounded(hasher.hash, password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> bool:
    """True when `password` matches; False for a mismatch or an unreadable hash.

    Raises HashingBusy when this worker is already checking as many passwords as it may."""
    try:
        return _bounded(hasher.verify, stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, hasher: PasswordHasher) -> bool:
    return hasher.check_needs_rehash(stored_hash)


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not a real password, only here to spend the same time")


def spend_verify_time(password: str, hasher: PasswordHasher) -> None:
    """Verify against a dummy hash, so an unknown account takes as long as a known one."""
    verify_password(_dummy_hash(hasher), password, hasher)


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def _ascii(text: str) -> str:
    """ "sävsjö" -> "savsjo": people often type local names without the dots."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def local_words(names: Iterable[str]) -> frozenset[str]:
    """Banned words from local names: each whole name and each word of four letters or more,
    lower-cased, with and without å, ä, ö."""
    words = set()
    for name in names:
        folded = name.strip().lower()
        for word in [folded, *re.findall(r"\w{4,}", folded)]:
            words |= {word, _ascii(word)}
    return frozenset(words - {""})


def password_problem(password: str, email: str = "", extra_words: Iterable[str] = ()) -> str | None:
    """A code for what is wrong with a new password, or None when it is acceptable.

    `extra_words` are banned like common passwords (see local_words). Codes: "short", "long",
    "common", "personal". No composition rules (NIST SP 800-63B).
    """
    if len(password) < MIN_LENGTH:
        return "short"
    if len(password) > MAX_LENGTH:
        return "long"
    folded = password.strip().lower()
    if folded in common_passwords() or len(set(folded)) <= 2:
        return "common"
    stripped = folded.rstrip("0123456789!?.#@ ")
    banned = {*SERVICE_WORDS, *extra_words}
    if stripped in common_passwords() or stripped in banned or _ascii(stripped) in banned:
        return "common"
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in folded:
        return "personal"
    return None
