"""How often each step of signing in may be tried: the one table of the staff throttles.

Each step is limited per account (a hash of the address, never the address) and per client
(an HMAC of the client address). A browser that has logged in to an account before may get a
count of its own for that account (per "device", OWASP's device cookies), so strangers
failing on purpose slow themselves down, not the account's owner. No limit locks anyone out
for good, and an admin's lift clears every per-account count of every step in this table.
"""

import hashlib
from dataclasses import dataclass

from webapp.accounts.users import normalise_email

ACCOUNT_LIMIT = "5 per 15 minutes"
# Per client: one client guessing across many accounts is slowed down; there is no cap over
# all clients, so nobody can lock everyone else out.
CLIENT_LIMIT = "30 per 15 minutes"
DEVICE_DAYS = 180


@dataclass(frozen=True)
class Limit:
    """One limit of a step: what it counts per, how many in what time, and what it counts."""

    step: str
    per: str  # "account", "device" (a trusted browser's own count) or "client"
    rate: str
    failures_only: bool = True  # count failed tries only (a wrong password or code)

    @property
    def scope(self) -> str:
        return f"staff-{self.step}-{self.per}"

    @property
    def per_account(self) -> bool:
        """Counted for one account: an admin's lift clears it."""
        return self.per in ("account", "device")


def _guesses(step: str, *, devices: bool = False) -> tuple[Limit, ...]:
    """A page that checks a password or a code: failed tries count."""
    pers = ("account", "device", "client") if devices else ("account", "client")
    return tuple(
        Limit(step, per, CLIENT_LIMIT if per == "client" else ACCOUNT_LIMIT) for per in pers
    )


# step -> its limits. The staff views take their limits from here by step, never their own.
STEPS: dict[str, tuple[Limit, ...]] = {
    "login": _guesses("login", devices=True),
    "code": _guesses("code"),  # the login's second step: a TOTP code or a recovery code
    "password": _guesses("password"),  # the current password, to change it
    "two-step-off": _guesses("two-step-off"),
    "recovery-codes": _guesses("recovery-codes"),
    # Every request counts: each may send a mail. A browser that has logged in to the account
    # has a count of its own, so strangers naming the account cannot block its owner.
    "forgot": tuple(
        Limit("forgot", per, CLIENT_LIMIT if per == "client" else ACCOUNT_LIMIT, False)
        for per in ("account", "device", "client")
    ),
    "set": (Limit("set", "client", CLIENT_LIMIT, failures_only=False),),
}


def account_key(email: str | None) -> str:
    """The per-account count's key: the normalised address, hashed."""
    return "login-account:" + hashlib.sha256(normalise_email(email).encode()).hexdigest()


def count_key(limit: Limit, account: str) -> str:
    """The key a per-account limit counts under, from the account's key."""
    return account + ":device" if limit.per == "device" else account


def per_account_limits() -> list[Limit]:
    """Every limit an admin's lift clears, from the table."""
    return [limit for limits in STEPS.values() for limit in limits if limit.per_account]
