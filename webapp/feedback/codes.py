"""Poster codes: short, random, easy to read aloud and type from print."""

import secrets

# No 0/O, 1/I/L or U/V pairs: a code typed from a poster should not be mistaken.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 6  # 29^6 ≈ 600 million codes


def new_code(length: int = LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(text: str | None) -> str | None:
    """A typed or scanned code in canonical form, or None when it cannot be a poster code."""
    code = (text or "").strip().upper()
    if not 4 <= len(code) <= 16 or any(char not in ALPHABET for char in code):
        return None
    return code
