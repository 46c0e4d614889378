"""Masking by choosing words: the comment as a list of words, some chosen, the masked copy
built from the choice. Nobody retypes anything, so the copy can only say less than the
resident wrote. Pure functions."""

import re

from webapp.masking import MASK, PATTERNS

WORD = re.compile(r"\S+")
# Punctuation at a word's edges stays visible: "Anna," masks as "[maskerat],".
EDGES = "\"'()[]{}«»“”„‘’.,;:!?…،؛؟"


def words(text: str) -> list[tuple[int, int]]:
    """Each word's (start, end) in `text`, without the punctuation at its edges."""
    spans = []
    for match in WORD.finditer(text):
        start, end = match.span()
        while start < end and text[start] in EDGES:
            start += 1
        while end > start and text[end - 1] in EDGES:
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def mask_chosen(text: str, chosen) -> str:
    """`text` with the chosen words (indexes into words(text)) replaced by MASK; neighbouring
    chosen words, with only spaces or punctuation between them, become one MASK."""
    spans = words(text)
    chosen = sorted({i for i in chosen if 0 <= i < len(spans)})
    runs: list[list[int]] = []
    for i in chosen:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    out, position = [], 0
    for first, last in runs:
        out += [text[position : spans[first][0]], MASK]
        position = spans[last][1]
    return "".join(out) + text[position:]


def _overlapping(spans, regions) -> set[int]:
    return {i for i, (start, end) in enumerate(spans) for a, b in regions if start < b and a < end}


def suggested(text: str) -> set[int]:
    """The words a pattern finds (e-mail addresses, phone and personal identity numbers)."""
    regions = [match.span() for pattern in PATTERNS for match in pattern.finditer(text)]
    return _overlapping(words(text), regions)


def chosen_in(text: str, masked: str) -> set[int]:
    """The words a saved masked copy hides, its masks placed as only_masks_removed places them."""
    pieces = masked.split(MASK)
    if len(pieces) == 1:
        return set()
    first, *middle, last = pieces
    regions, position = [], len(first)
    for piece in middle:
        found = text.find(piece, position + 1)
        if found < 0:
            return set()
        regions.append((position, found))
        position = found + len(piece)
    regions.append((position, len(text) - len(last)))
    return _overlapping(words(text), regions)
