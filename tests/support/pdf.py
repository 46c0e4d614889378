"""Reading the posters' PDFs back: the rendered page, its QR codes, its text, where its words sit
and which glyphs it draws."""

import io
import re
import shutil
import subprocess
import unicodedata

import pytest

from tests.support.html import soup


def pdf_to_grey(pdf: bytes, tmp_path, dpi=150):
    """Render the PDF's first page with poppler's pdftoppm: (width, height, grey bytes)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = tmp_path / "poster.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603 - fixed argv, our own temp files
        [pdftoppm, "-gray", "-r", str(dpi), "-singlefile", str(source), str(tmp_path / "page")],
        check=True,
    )
    data = (tmp_path / "page.pgm").read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    width, height = int(header[1]), int(header[2])
    return width, height, data[header.end() :]


def decode_qr_codes(pdf: bytes, tmp_path, dpi=150) -> list[str]:
    """The text of every QR code found on the rendered page."""
    zxingcpp = pytest.importorskip("zxingcpp")
    width, height, pixels = pdf_to_grey(pdf, tmp_path, dpi)
    image = memoryview(pixels).cast("B", (height, width))
    return [
        found.text
        for found in zxingcpp.read_barcodes(image)
        if found.format == zxingcpp.BarcodeFormat.QRCode
    ]


def pdf_lines(pdf: bytes) -> list[str]:
    """The PDF's text, line by line, as a PDF reader extracts it."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return [line.strip() for line in reader.pages[0].extract_text().splitlines() if line.strip()]


def word_boxes(pdf: bytes, tmp_path) -> list[tuple[str, float, float, float, float]]:
    """(word, x_min, y_min, x_max, y_max) of each word, in points from the page's top left,
    as poppler's pdftotext -bbox finds them, in drawing order."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "words.pdf"
    source.write_bytes(pdf)
    page = subprocess.run(  # noqa: S603 - fixed argv, our own temp file
        [pdftotext, "-bbox", str(source), "-"], capture_output=True, check=True
    ).stdout
    words = soup(page).find_all("word")
    return [(w.get_text(), *(float(w[k]) for k in ("xmin", "ymin", "xmax", "ymax"))) for w in words]


def drawn_glyphs(pdf: bytes) -> dict[str, list[str]]:
    """Per embedded font (its name without the subset tag), the glyphs the page draws with it,
    in drawing order, each named by the Unicode character the font's own cmap gives it.

    A shaped Arabic word is drawn with contextual glyphs, which Noto's cmap reaches through
    the presentation forms ("ARABIC LETTER LAM INITIAL FORM"); unshaped text uses the
    nominal glyphs ("ARABIC LETTER LAM"). A glyph reached by no code point is "?".
    """
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts = {}
    for key, ref in page["/Resources"]["/Font"].items():
        font = ref.get_object()
        cid_font = font["/DescendantFonts"][0].get_object()
        program = TTFont(
            io.BytesIO(cid_font["/FontDescriptor"]["/FontFile2"].get_object().get_data())
        )
        names = {}
        for code, glyph in sorted(program.getBestCmap().items(), reverse=True):
            names[glyph] = unicodedata.name(chr(code), hex(code))  # the lowest code point wins
        fonts[key] = (
            str(font["/BaseFont"]).split("+")[-1],
            cid_font["/CIDToGIDMap"].get_object().get_data(),
            program.getGlyphOrder(),
            names,
        )
    drawn, current, saved = {}, None, []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            current = fonts[operands[0]]
        elif operator == b"q":  # the font is part of the graphics state that q saves, Q restores
            saved.append(current)
        elif operator == b"Q":
            current = saved.pop()
        if operator not in (b"Tj", b"TJ"):
            continue
        strings = operands[0] if operator == b"TJ" else [operands[0]]
        base, gids, order, names = current
        for string in strings:
            if isinstance(string, int | float):
                continue
            data = getattr(string, "original_bytes", string)
            for index in range(0, len(data), 2):
                cid = int.from_bytes(data[index : index + 2], "big")
                glyph = order[int.from_bytes(gids[2 * cid : 2 * cid + 2], "big")]
                drawn.setdefault(base, []).append(names.get(glyph, "?"))
    return drawn
