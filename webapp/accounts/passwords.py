"""Password hashing (argon2id) and the password policy: length, not a common password."""

import contextlib
import functools
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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


class HashingBusy(RuntimeError):
    """Too many password checks at once in this worker: answer 503 and ask to retry."""


@dataclass(frozen=True)
class HashingLimits:
    """How much Argon2 work one worker process does at a time (ARGON2_* settings).

    Argon2 is meant to be slow and uses 64 MiB: a flood of login attempts would take every
    core from the public pages. A worker hashes at most `slots` passwords at a time, in threads
    of CPU priority lowered by `nice` (the Argon2 lanes they start inherit it), so pages go
    first; a request that cannot get a slot within `wait` seconds is asked to retry."""

    slots: int = 2  # the defaults bench/login_capacity.py measured (deploy/README.md)
    wait: float = 3.0
    nice: int = 10

    @classmethod
    def from_config(cls, config: Mapping) -> "HashingLimits":
        return cls(
            slots=int(config.get("ARGON2_SLOTS", cls.slots)),
            wait=float(config.get("ARGON2_WAIT", cls.wait)),
            nice=int(config.get("ARGON2_NICE", cls.nice)),
        )


class BoundedHasher:
    """An argon2id PasswordHasher whose work runs within this process's HashingLimits."""

    def __init__(self, argon: PasswordHasher, limits: HashingLimits):
        self.argon, self.limits = argon, limits
        self.slots = threading.BoundedSemaphore(limits.slots)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def _lower_priority(self) -> None:
        # On Linux the nice value is per thread; raising it needs no privilege.
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.limits.nice)

    def _hashing_pool(self) -> ThreadPoolExecutor:
        """Started on first use, so in each gunicorn worker after the fork, never in the master."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    self.limits.slots,
                    thread_name_prefix="argon2",
                    initializer=self._lower_priority,
                )
            return self._pool

    def run(self, work, *args):
        """Run Argon2 work in this worker's hashing threads; HashingBusy when they stay full."""
        if not self.slots.acquire(timeout=self.limits.wait):
            raise HashingBusy
        try:
            return self._hashing_pool().submit(work, *args).result()
        finally:
            self.slots.release()


@functools.cache
def _hasher_with(params: tuple, limits: HashingLimits) -> BoundedHasher:
    return BoundedHasher(PasswordHasher(**dict(params)), limits)


def hasher(config: Mapping) -> BoundedHasher:
    """The app's hasher: PASSWORD_HASH_PARAMS (None: argon2-cffi's defaults) within the ARGON2_*
    limits, made once per process for each setting."""
    params = tuple(sorted((config.get("PASSWORD_HASH_PARAMS") or {}).items()))
    return _hasher_with(params, HashingLimits.from_config(config))


def hash_password(password: str, hasher: BoundedHasher) -> str:
    return hasher.run(hasher.argon.hash, password)


def verify_password(stored_hash: str, password: str, hasher: BoundedHasher) -> bool:
    """True when `password` matches; False for a mismatch or an unreadable hash.

    Raises HashingBusy when this worker is already checking as many passwords as it may."""
    try:
        return hasher.run(hasher.argon.verify, stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, hasher: BoundedHasher) -> bool:
    return hasher.argon.check_needs_rehash(stored_hash)


@functools.cache
def _dummy_hash(hasher: BoundedHasher) -> str:
    return hasher.argon.hash("not a real password, only here to spend the same time")


def spend_verify_time(password: str, hasher: BoundedHasher) -> None:
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
