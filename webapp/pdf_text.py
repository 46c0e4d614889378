"""Text for PDFs: the bundled Noto fonts, for the posters and (through webapp/promise/pdf.py)
the board's report, so every font in them is embedded.

Posters print a line in
every offered language (Arabic, Persian, Tigrinya's Ethiopic script, Cyrillic), so they use
the Noto fonts shipped in webapp/fonts/ (SIL Open Font Licence, see its README), shaped by
HarfBuzz (uharfbuzz) so that Arabic letters join and right-to-left lines read right to left.
"""

from pathlib import Path

from fpdf import FPDF

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
