"""Masking personal data in free text before anything is exported or published.

Staff mask by editing a copy: they may only replace parts of the original with MASK, never
add words, so the masked copy always says less than the resident wrote, never something else.
A suggestion masks what a pattern can find (e-mail addresses, phone and personal identity
numbers); names need a person's eye.
"""

import re

MASK = "[maskerat]"

PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # Swedish personal identity numbers: (YY)YYMMDD-NNNN, with or without the dash.
    re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)"),
    # Phone numbers: +46 or 0 and at least six more digits, spaces and dashes allowed.
    re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s-]?|0)\d(?:[\s-]?\d){5,}(?!\d)"),
)


def suggest_mask(text: str) -> str:
    """`text` with e-mail addresses, phone numbers and personal identity numbers masked."""
    for pattern in PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def only_masks_removed(original: str, masked: str) -> bool:
    """True when `masked` is `original` with some non-empty spans replaced by MASK, nothing
    added and nothing else dropped: the first kept piece starts the text, the last ends it."""
    pieces = masked.split(MASK)
    if len(pieces) == 1:
        return masked == original
    first, *middle, last = pieces
    if not original.startswith(first):
        return False
    position = len(first)
    for piece in middle:
        # Each MASK stands for at least one character; earliest placement leaves most room.
        found = original.find(piece, position + 1)
        if found < 0:
            return False
        position = found + len(piece)
    return original.endswith(last) and len(original) - len(last) > position


def public_comment(feedback) -> str:
    """The text exports and publication use: staff's masked copy, else the suggestion."""
    if feedback.comment_masked is not None:
        return feedback.comment_masked
    return suggest_mask(feedback.comment or "")
