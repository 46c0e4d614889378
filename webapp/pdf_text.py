"""Text for PDFs: the bundled Noto fonts, for the posters and (through webapp/promise/pdf.py)
the board's report, so every font in them is embedded.

Posters print a line in
every offered language (Arabic, Persian, Tigrinya's Ethiopic script, Cyrillic), so they use
the Noto fonts shipped in webapp/fonts/ (SIL Open Font Licence, see its README), shaped by
HarfBuzz (uharfbuzz) so that Arabic letters join and right-to-left lines read right to left.
"""

from pathlib import Path

import fpdf.fpdf
from fpdf import FPDF
from fpdf.bidi import BidiParagraph

from webapp.bidi import ISOLATES

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


def use_bundled_fonts(pdf: FPDF, *, shaping: bool = True) -> str:
    """Register the bundled fonts on `pdf`, turn on text shaping; the main family's name."""
    for (family, style), file in FACES.items():
        pdf.add_font(family, style, FONTS / file)
    # A bold line in Arabic or Ethiopic script uses the regular face rather than nothing.
    pdf.set_fallback_fonts(FALLBACKS, exact_match=False)
    pdf.set_text_shaping(shaping)
    return FAMILY


class _IsolatesUnseen(BidiParagraph):
    """fpdf2 resolves the isolates (LRI … PDI around "114 14" in a right-to-left line) as the
    bidirectional algorithm says, then draws them as zero-width glyphs; in the text a reader
    extracts they split the run ("1" and "3:00–18:00"). They are invisible by definition, so
    each resolved fragment is drawn without them."""

    def get_bidi_fragments(self):
        fragments = ((text.translate(_NO_ISOLATES), d) for text, d in super().get_bidi_fragments())
        return tuple((text, direction) for text, direction in fragments if text)


_NO_ISOLATES = dict.fromkeys(map(ord, ISOLATES))
# FPDF looks the class up in its module when it lays out a line of text.
fpdf.fpdf.BidiParagraph = _IsolatesUnseen
