"""Masking personal data in free text before anything is exported or published.

Staff mask by editing a copy: they may only replace parts of the original with MASK, never
add words, so the masked copy always says less than the resident wrote, never something else.
A suggestion masks what a pattern can find (e-mail addresses, phone and personal identity
numbers); names need a person's eye.
"""

import re

MASK = "[maskerat]"

# Between the digits of a number people write: spaces (full-width too), dots, slashes,
# dashes of every width, brackets ("+46 (0)70", "(0382) 150 00"); at most three in a row.
_SEP = r"[\s./()\-\u2010-\u2015\u2212\uFF08\uFF09\uFF0D\uFF0E\uFF0F]{0,3}"
_PLUS = "+\uff0b"

PATTERNS = (
    # E-mail addresses, a quoted local part and a host without dots ("anna@localhost") too.
    re.compile(r'(?:"[^"\n@]{1,64}"|[\w.+-]+)[@\uFF20][\w-]+(?:\.[\w-]+)*'),
    # Swedish personal identity numbers: (YY)YYMMDD-NNNN, with or without the dash, spaced.
    re.compile(r"(?<!\d)(?:\d{2})?\d{6}(?:\s*[-+\u2010-\u2015\u2212\uFF0D]\s*|\s?)\d{4}(?!\d)"),
    # Phone numbers: + and a country code, or 0 (also in brackets), then six or more digits
    # with separators between them. (\d is any script's digit: full-width ones too.)
    re.compile(
        rf"(?<![\w{_PLUS}])(?:[{_PLUS}]\d{{1,3}}|[(\uFF08]?[0\uFF10])(?:{_SEP}\d){{6,}}(?!\d)"
    ),
)
# What the phone pattern must leave alone: a time or a time range ("09.30-11.00"), a date.
_NOT_A_NUMBER = re.compile(
    r"[0-2]?\d[.:][0-5]\d(?:\s*[-\u2010-\u2015]\s*[0-2]?\d[.:][0-5]\d)?"
    r"|\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})"
)


def _mask_unless_time_or_date(match: re.Match) -> str:
    return match.group(0) if _NOT_A_NUMBER.fullmatch(match.group(0)) else MASK


def suggest_mask(text: str) -> str:
    """`text` with e-mail addresses, phone numbers and personal identity numbers masked: the
    one rule for whatever staff or residents wrote that is published or exported."""
    email, identity, phone = PATTERNS
    text = identity.sub(MASK, email.sub(MASK, text))
    return phone.sub(_mask_unless_time_or_date, text)


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
