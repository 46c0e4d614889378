"""Text for PDFs set in the core fonts (posters, the promise report): nothing to install."""

import unicodedata

ENCODING = "windows-1252"
MARGIN = 15.0  # mm, A4


def printable(text: str) -> str:
    """`text` in the core fonts' encoding: accents kept where possible, others decomposed."""
    out = []
    for char in text:
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode(ENCODING, "ignore").decode(ENCODING)
            out.append(base or "?")
    return "".join(out)
