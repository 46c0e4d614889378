"""Text for PDFs: the core fonts (the promise report) or the bundled Noto fonts (posters).

The core fonts need nothing installed but only cover Windows-1252. Posters print a line in
every offered language (Arabic, Persian, Tigrinya's Ethiopic script, Cyrillic), so they use
the Noto fonts shipped in webapp/fonts/ (SIL Open Font Licence, see its README), shaped by
HarfBuzz (uharfbuzz) so that Arabic letters join and right-to-left lines read right to left.
"""

import unicodedata
from pathlib import Path

from fpdf import FPDF

ENCODING = "windows-1252"
MARGIN = 15.0  # mm, A4
FONTS = Path(__file__).parent / "fonts"
FAMILY = "NotoSans"
# Latin, Greek and Cyrillic in regular and bold; the other scripts fall back to these.
FACES = {
    (FAMILY, ""): "NotoSans-Regular.ttf",
    (FAMILY, "B"): "NotoSans-Bold.ttf",
    ("NotoSansArabic", ""): "NotoSansArabic-Regular.ttf",
    ("NotoSansEthiopic", ""): "NotoSansEthiopic-Regular.ttf",
}
FALLBACKS = ("NotoSansArabic", "NotoSansEthiopic")


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


def use_bundled_fonts(pdf: FPDF, *, shaping: bool = True) -> str:
    """Register the bundled fonts on `pdf`, turn on text shaping; the main family's name."""
    for (family, style), file in FACES.items():
        pdf.add_font(family, style, FONTS / file)
    # A bold line in Arabic or Ethiopic script uses the regular face rather than nothing.
    pdf.set_fallback_fonts(FALLBACKS, exact_match=False)
    pdf.set_text_shaping(shaping)
    return FAMILY
