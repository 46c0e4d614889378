"""The resident's receipt: a short code that shows a case's state and public reply.

Nothing about the person is asked or kept for it. The code is derived from the form's token
(which carries a random nonce) with an HMAC under the app's secret, so sending the same form
twice gives the same receipt; only the code's SHA-256 is stored. A code stops working with
its feedback: when the retention period has passed, or the row was purged.
"""

import hashlib
import hmac
import math
from datetime import datetime, timedelta

from sqlalchemy import select

from webapp.feedback.codes import ALPHABET
from webapp.models import Feedback

LENGTH = 10
GROUP = 5  # shown as two groups, "K7M3Q-XW2PA", to read aloud
BITS = LENGTH * math.log2(len(ALPHABET))  # ≈ 48.6 bits of randomness
SEPARATORS = str.maketrans("", "", " -–—.\u00a0")


def receipt_code(secret_key: str, token: str) -> str:
    """The receipt for the submission made with `token`; unguessable without the secret."""
    digest = hmac.new(secret_key.encode(), f"receipt:{token}".encode(), hashlib.sha256)
    number = int.from_bytes(digest.digest(), "big")
    chars = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def shown(code: str) -> str:
    """The code as printed: two groups of five."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise_receipt(text: str | None) -> str | None:
    """A typed or linked code in canonical form, or None when it cannot be a receipt."""
    code = (text or "")[:40].translate(SEPARATORS).upper()
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def find_case(session, text: str | None, *, now: datetime, retention_days: int | None):
    """The feedback a receipt belongs to, or None: malformed, unknown and expired alike."""
    code = normalise_receipt(text)
    if code is None:
        return None
    feedback = session.scalar(select(Feedback).where(Feedback.receipt_hash == receipt_hash(code)))
    if feedback is None or expired(feedback, now=now, retention_days=retention_days):
        return None
    return feedback


def expired(feedback: Feedback, *, now: datetime, retention_days: int | None) -> bool:
    """A receipt lasts as long as its feedback is kept: the retention period, if one is set."""
    if retention_days is None:
        return False
    return feedback.created_at < now - timedelta(days=retention_days)
