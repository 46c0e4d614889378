"""Two-step login: TOTP (RFC 6238, pyotp) and single-use recovery codes. Flushes only."""

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from webapp import audit
from webapp.accounts.sealing import SecretSealer, Unreadable, keys_of
from webapp.accounts.sessions import end_all_sessions
from webapp.models import RecoveryCode, User
from webapp.permissions import can

RECOVERY_CODES = 10
POLICIES = ("optional", "required-for-admin", "required")


class SecretUnreadable(RuntimeError):
    """The account's secret cannot be opened with the configured keys: fail closed."""

    def __init__(self, user_id: int):
        super().__init__(f"account {user_id}")
        self.user_id = user_id


def sealer_for(config) -> SecretSealer:
    """What seals the secrets: keys from SECRET_KEY and SECRET_KEY_FALLBACKS."""
    return SecretSealer(keys_of(config), "totp")


def _secret(user: User, sealer: SecretSealer) -> str:
    """The account's secret in plain text; one sealed with an old key is sealed anew."""
    try:
        secret, stale = sealer.open(user.totp_secret_sealed)
    except Unreadable:
        raise SecretUnreadable(user.id) from None
    if stale:
        user.totp_secret_sealed = sealer.seal(secret)
    return secret


def required(user: User, policy: str) -> bool:
    """Whether `policy` (STAFF_MFA) makes a second factor mandatory for `user`."""
    if policy == "required":
        return True
    # required-for-admin: whoever may manage accounts (webapp.permissions).
    return policy != "optional" and can(user.role, "accounts.manage")


def enabled(user: User) -> bool:
    return user.totp_enabled_at is not None


def setup_secret(key: str, user_id: int, session_hash: str) -> str:
    """The secret offered while setting up: derived from the app's key, the account and this
    login, so it is the same on the form and its answer yet kept in no cookie or table until
    it is confirmed. 160 bits in base 32, as RFC 4226 recommends."""
    digest = hmac.new(key.encode(), f"totp-setup:{user_id}:{session_hash}".encode(), "sha256")
    return base64.b32encode(digest.digest()[:20]).decode()


def setup_uri(secret: str, email: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (±1 around now) whose code is `code`, or None."""
    totp = pyotp.TOTP(secret)
    code = _digits(code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    step = totp.timecode(now)
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(_digits(code).lower().encode()).hexdigest()


def _new_codes() -> list[str]:
    # 10 base-32 characters = 50 bits each, shown as two groups of five.
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    codes = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def _replace_codes(session, user: User) -> list[str]:
    """New recovery codes for `user`; every earlier one stops working."""
    codes = _new_codes()
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    session.flush()
    return codes


def enable(
    session, user: User, secret: str, code: str, *, now: datetime, sealer: SecretSealer
) -> list[str] | None:
    """Turn two-step login on when `code` fits `secret`; the recovery codes, shown once."""
    step = _matching_step(secret, code, now)
    if step is None:
        return None
    user.totp_secret_sealed = sealer.seal(secret)
    user.totp_enabled_at = now
    user.totp_last_step = step
    codes = _replace_codes(session, user)
    audit.record(session, actor=user, action="two_step.enable", obj=user, now=now)
    return codes


def _spend_step(session, user: User, step: int) -> bool:
    """Record `step` as used, in one conditional write: of any number of requests racing with
    the same code, exactly one finds the column still below it (the others wait for its row
    lock on PostgreSQL, for the write lock on SQLite, and then find it spent)."""
    spent = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _spend_recovery_code(session, user: User, code: str, now: datetime) -> bool:
    """Mark the unused recovery code `code` used, in one conditional write (exactly one wins)."""
    spent = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


def check_code(
    session, user: User, code: str, *, now: datetime, sealer: SecretSealer
) -> str | None:
    """How the second step was passed ("totp" or "recovery"), or None.

    A TOTP code is accepted once: its step must be later than the last one used, and it is
    spent by one conditional write, so the same code sent at the same moment wins once.
    Raises SecretUnreadable when the stored secret cannot be opened."""
    if not enabled(user):
        return None
    step = _matching_step(_secret(user, sealer), code, now)
    if step is not None and _spend_step(session, user, step):
        return "totp"
    if not _spend_recovery_code(session, user, code, now):
        return None
    audit.record(session, actor=user, action="two_step.recovery_code", obj=user, now=now)
    return "recovery"


def codes_left(session, user: User) -> int:
    return session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def _clear(session, user: User) -> None:
    user.totp_secret_sealed = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def remove(session, user: User, *, actor: User, now: datetime) -> bool:
    """An admin takes away a colleague's second factor (a lost phone); audited."""
    if not enabled(user):
        return False
    _clear(session, user)
    audit.record(session, actor=actor, action="two_step.remove", obj=user, now=now)
    return True


def remove_on_server(session, user: User, *, now: datetime) -> int | None:
    """`flask remove-two-step`: the way back when nobody can pass the second step (a key that
    no longer opens the secret, a lost phone and no recovery codes, no admin who can log in).
    The secret and the recovery codes go and every session of the account ends; audited with
    the command line as the actor. How many sessions ended, or None when it was not on."""
    if not enabled(user):
        return None
    _clear(session, user)
    ended = end_all_sessions(session, user)
    audit.record(
        session,
        actor=None,
        action="two_step.remove",
        obj=user,
        now=now,
        label="cli",
        after={"ended": ended},
    )
    return ended


def turn_off(session, user: User, *, now: datetime, keep: str | None) -> int:
    """The owner turns two-step login off (after confirming it): the secret and the recovery
    codes go, and every session but `keep` ends; audited. How many sessions ended."""
    _clear(session, user)
    ended = end_all_sessions(session, user, keep=keep)
    audit.record(
        session, actor=user, action="two_step.disable", obj=user, now=now, after={"ended": ended}
    )
    return ended


def new_recovery_codes(session, user: User, *, now: datetime) -> list[str]:
    """Ten new recovery codes for the owner, shown once; all the old ones stop working."""
    codes = _replace_codes(session, user)
    audit.record(session, actor=user, action="two_step.new_codes", obj=user, now=now)
    return codes
