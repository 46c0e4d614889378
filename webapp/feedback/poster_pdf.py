"""A print-ready A4 poster as PDF bytes: times, a large vector QR code, the short URL under it.

Pure: everything on the poster comes in as text (already translated); no Flask, no database.
The QR code is drawn as filled rectangles from qrcode's module matrix, so no image library is
needed. Fonts are the PDF core fonts (Helvetica) in Windows-1252, which covers å ä ö é ü and
the en dash: nothing to ship or install, and any PDF viewer can extract the text.
"""

from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF

from webapp.pdf_text import ENCODING, MARGIN, printable
from webapp.public.qr import QUIET_ZONE, qr_matrix

PAGE_W, PAGE_H = 210.0, 297.0  # A4 portrait, mm
QR_SIZE = 85.0  # mm, quiet zone included; scans from a metre or two away
INK, MUTED, ALERT = (0, 0, 0), (70, 70, 70), (164, 22, 26)


@dataclass(frozen=True)
class PosterSection:
    """A column of times: a heading and (when, time) rows; `empty` when there are none."""

    heading: str
    rows: tuple[tuple[str, str], ...]
    empty: str = ""
    note: str = ""


@dataclass(frozen=True)
class PosterContent:
    """Everything printed on one poster, in print order."""

    kicker: str
    title: str
    place_name: str
    address: str
    sections: tuple[PosterSection, ...]
    call_to_action: str
    qr_url: str
    short_url: str
    subscribe_label: str
    subscribe_url: str
    emergency: str
    footer: str
    created_at: datetime
    notice: str = ""


class _Poster(FPDF):
    def write_line(self, text, size, *, style="", color=INK, align="L", height=None, width=0):
        self.set_font("Helvetica", style, size)
        self.set_text_color(*color)
        self.multi_cell(
            width or self.epw,
            height or size * 0.5,
            printable(text),
            align=align,
            new_x="LMARGIN",
            new_y="NEXT",
        )


def build_poster_pdf(content: PosterContent) -> bytes:
    """The poster as a one-page A4 PDF; the same content gives the same bytes."""
    pdf = _Poster(orientation="P", unit="mm", format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_title(printable(f"{content.title}: {content.place_name}"))
    pdf.set_creation_date(content.created_at)
    pdf.set_producer("Närvaro")
    pdf.set_lang("sv")
    pdf.add_page()
    _header(pdf, content)
    _columns(pdf, content.sections, top=pdf.get_y() + 4, bottom=PAGE_H - MARGIN - QR_SIZE - 44)
    _qr_block(pdf, content)
    return bytes(pdf.output())


def _header(pdf: _Poster, content: PosterContent) -> None:
    pdf.set_y(MARGIN)
    pdf.write_line(content.kicker, 12, color=MUTED)
    pdf.write_line(content.title, 30, style="B", height=13)
    pdf.write_line(content.place_name, 22, style="B", height=10)
    if content.address:
        pdf.write_line(content.address, 13, color=MUTED)
    if content.notice:
        pdf.ln(2)
        pdf.write_line(content.notice, 11, style="B", color=ALERT)


def _columns(pdf: _Poster, sections, *, top: float, bottom: float) -> None:
    """Up to two sections side by side; rows that would run into the QR block are left out."""
    gap = 8.0
    width = (pdf.epw - gap) / max(len(sections), 1)
    for index, section in enumerate(sections):
        x = MARGIN + index * (width + gap)
        pdf.set_xy(x, top)
        pdf.set_left_margin(x)
        pdf.write_line(section.heading, 15, style="B", width=width, height=7)
        pdf.ln(1.5)
        if not section.rows and section.empty:
            pdf.write_line(section.empty, 12, width=width, height=6)
        for when, times in section.rows:
            if pdf.get_y() + 6 > bottom:
                break
            pdf.set_font("Helvetica", "", 12)
            pdf.set_text_color(*INK)
            pdf.cell(width * 0.62, 6, printable(when))
            pdf.set_font("Helvetica", "B", 12)
            pdf.cell(width * 0.38, 6, printable(times), new_x="LMARGIN", new_y="NEXT")
        if section.note and pdf.get_y() + 5 <= bottom:
            pdf.ln(1)
            pdf.write_line(section.note, 10, color=MUTED, width=width, height=5)
    pdf.set_left_margin(MARGIN)


def _qr_block(pdf: _Poster, content: PosterContent) -> None:
    top = PAGE_H - MARGIN - QR_SIZE - 40
    pdf.set_xy(MARGIN, top)
    pdf.write_line(content.call_to_action, 16, style="B", align="C", height=7)
    qr_top = pdf.get_y() + 1
    draw_qr(pdf, content.qr_url, x=(PAGE_W - QR_SIZE) / 2, y=qr_top, size=QR_SIZE)
    pdf.set_xy(MARGIN, qr_top + QR_SIZE)
    pdf.write_line(content.short_url, 22, style="B", align="C", height=10)
    pdf.write_line(f"{content.subscribe_label} {content.subscribe_url}", 10, align="C", height=5)
    pdf.ln(1)
    pdf.write_line(content.emergency, 10, style="B", color=ALERT, align="C", height=5)
    pdf.set_y(PAGE_H - MARGIN - 4)
    pdf.write_line(content.footer, 8, color=MUTED, height=4)


def draw_qr(pdf: FPDF, data: str, *, x: float, y: float, size: float) -> None:
    """A QR code for `data`, `size` mm square with a 4-module quiet zone, as black rectangles."""
    matrix = qr_matrix(data)
    modules = len(matrix) + 2 * QUIET_ZONE
    unit = size / modules
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for row, start, length in _runs(matrix):
        pdf.rect(
            x + (start + QUIET_ZONE) * unit,
            y + (row + QUIET_ZONE) * unit,
            length * unit,
            unit,
            style="F",
        )


def _runs(matrix):
    """(row, start, length) for each horizontal run of dark modules."""
    for row, modules in enumerate(matrix):
        start = None
        for column, dark in enumerate([*modules, False]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                yield row, start, column - start
                start = None
