"""A print-ready A4 poster as PDF bytes: times, a large vector QR code, the short URL under it.

Pure: everything on the poster comes in as text (already translated); no Flask, no database.
The QR code is drawn as filled rectangles from qrcode's module matrix, so no image library is
needed. Text is set in the bundled Noto fonts and shaped by HarfBuzz (webapp/pdf_text.py), so
the line in each offered language prints in its own script, and PDF readers extract it.
"""

from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF

from webapp.bidi import isolate_runs
from webapp.pdf_text import MARGIN, use_bundled_fonts
from webapp.public.qr import QUIET_ZONE, qr_matrix

PAGE_W, PAGE_H = 210.0, 297.0  # A4 portrait, mm
QR_SIZE = 85.0  # mm, quiet zone included; scans from a metre or two away
INK, MUTED, ALERT = (0, 0, 0), (70, 70, 70), (164, 22, 26)
LANGUAGE_SIZE, LANGUAGE_HEIGHT = 10, 4.6  # pt, mm: one short line per language
FOOTER_HEIGHT = 4.0


@dataclass(frozen=True)
class PosterSection:
    """A column of times: a heading, the weekly pattern, then (when, time) rows.

    `pattern` rows (e.g. ("Fredagar", "13:00–14:30")) outlast the dated `rows`: when space
    runs short, dated rows (those under a `rows_heading`) are left out first, then the note's
    last lines, replaced by `note_more`. `empty` is said when there is neither.
    """

    heading: str
    rows: tuple[tuple[str, str], ...]
    empty: str = ""
    note: str = ""
    pattern: tuple[tuple[str, str], ...] = ()
    rows_heading: str = ""
    note_more: str = ""  # printed instead of the note's last lines when they don't fit


@dataclass(frozen=True)
class LanguageLine:
    """ "The form is in English", in that language; right-aligned when `rtl`."""

    lang: str
    text: str
    rtl: bool = False


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
    site_line: str = ""
    languages: tuple[LanguageLine, ...] = ()
    lang: str = "sv"


class _Poster(FPDF):
    """Every text is drawn with its numbers, codes and addresses isolated (bidi.isolate_runs):
    in a right-to-left line "114 14" and "13:00–18:00" keep their order; in a left-to-right
    one nothing changes."""

    family = ""

    def write_line(self, text, size, *, style="", color=INK, align="L", height=None, width=0):
        self.set_font(self.family, style, size)
        self.set_text_color(*color)
        self.multi_cell(
            width or self.epw,
            height or size * 0.5,
            isolate_runs(text),
            align=align,
            new_x="LMARGIN",
            new_y="NEXT",
        )

    def height_of(self, text, size, *, style="", height=None, width=0) -> float:
        """How tall write_line would draw `text`, without drawing it."""
        self.set_font(self.family, style, size)
        lines = self.multi_cell(
            width or self.epw, text=isolate_runs(text), dry_run=True, output="LINES"
        )
        return len(lines) * (height or size * 0.5)


def build_poster_pdf(content: PosterContent) -> bytes:
    """The poster as a one-page A4 PDF; the same content gives the same bytes."""
    pdf = _Poster(orientation="P", unit="mm", format="A4")
    pdf.family = use_bundled_fonts(pdf)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{content.title}: {content.place_name}")
    pdf.set_creation_date(content.created_at)
    pdf.set_producer("Närvaro")
    pdf.set_lang(content.lang)
    pdf.add_page()
    _header(pdf, content)
    top = pdf.get_y() + 4
    bottom = PAGE_H - MARGIN - FOOTER_HEIGHT - _qr_block_height(pdf, content)
    _columns(pdf, content.sections, top=top, bottom=bottom - 3)
    _qr_block(pdf, content, top=bottom)
    return bytes(pdf.output())


def _header(pdf: _Poster, content: PosterContent) -> None:
    pdf.set_y(MARGIN)
    pdf.write_line(content.kicker, 12, color=MUTED)
    pdf.write_line(content.title, 30, style="B", height=13)
    # A long place name gets a smaller size rather than pushing the times off the page.
    size = 22 if pdf.height_of(content.place_name, 22, style="B", height=10) <= 20 else 16
    pdf.write_line(content.place_name, size, style="B", height=size * 0.45)
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
        # Dated rows make room for the note (closures, days without presence); weekly rows don't.
        note = pdf.height_of(section.note, 10, width=width, height=5) if section.note else 0
        room = bottom - (note + 1 if note and section.rows_heading else 0)
        if not section.rows and not section.pattern and section.empty:
            pdf.write_line(section.empty, 12, width=width, height=6)
        for when, times in section.pattern:  # one line each, wrapped: "Onsdagar varannan vecka"
            if pdf.get_y() + 6 <= room:
                pdf.write_line(f"{when} {times}", 12, style="B", width=width, height=6)
        if section.rows and section.rows_heading and pdf.get_y() + 13 <= room:
            pdf.ln(1.5)
            pdf.write_line(section.rows_heading, 11, color=MUTED, width=width, height=5.5)
        _rows(pdf, section.rows, width=width, bottom=room)
        if note:
            pdf.ln(1)
            _note(pdf, section, width=width, bottom=bottom)
    pdf.set_left_margin(MARGIN)


def _note(pdf: _Poster, section: PosterSection, *, width: float, bottom: float) -> None:
    """The note's lines that fit; when some don't, the last that fit make way for note_more."""
    lines = section.note.split("\n")
    heights = [pdf.height_of(line, 10, width=width, height=5) for line in lines]
    if pdf.get_y() + sum(heights) > bottom:
        more = pdf.height_of(section.note_more, 10, width=width, height=5)
        while lines and pdf.get_y() + sum(heights) + more > bottom:
            lines, heights = lines[:-1], heights[:-1]
        lines = [*lines, section.note_more] if len(lines) > 1 else []  # not a heading alone
    for line in lines:
        pdf.write_line(line, 10, color=MUTED, width=width, height=5)


def _rows(pdf: _Poster, rows, *, width: float, bottom: float) -> None:
    for when, times in rows:
        if pdf.get_y() + 6 > bottom:
            break
        pdf.set_font(pdf.family, "", 12)
        pdf.set_text_color(*INK)
        pdf.cell(width * 0.62, 6, isolate_runs(when))
        pdf.set_font(pdf.family, "B", 12)
        pdf.cell(width * 0.38, 6, isolate_runs(times), new_x="LMARGIN", new_y="NEXT")


def _language_rows(languages) -> int:
    """Language lines go in two columns, down the first, then the second."""
    return (len(languages) + 1) // 2


def _qr_block_height(pdf: _Poster, content: PosterContent) -> float:
    """The height of everything from the site line down to (not including) the footer."""
    height = 1 + QR_SIZE + 10 + 1 + 5 + 1  # gaps, the code, the short URL
    if content.site_line:
        height += pdf.height_of(content.site_line, 14, style="B", height=7) + 2
    height += pdf.height_of(content.call_to_action, 16, style="B", height=7)
    height += _language_rows(content.languages) * LANGUAGE_HEIGHT + 2
    subscribe = f"{content.subscribe_label} {content.subscribe_url}"
    height += pdf.height_of(subscribe, 10, height=5)
    return height + pdf.height_of(content.emergency, 10, style="B", height=5)


def _qr_block(pdf: _Poster, content: PosterContent, *, top: float) -> None:
    pdf.set_xy(MARGIN, top)
    if content.site_line:
        pdf.write_line(content.site_line, 14, style="B", align="C", height=7)
        pdf.ln(2)
    pdf.write_line(content.call_to_action, 16, style="B", align="C", height=7)
    qr_top = pdf.get_y() + 1
    draw_qr(pdf, content.qr_url, x=(PAGE_W - QR_SIZE) / 2, y=qr_top, size=QR_SIZE)
    pdf.set_xy(MARGIN, qr_top + QR_SIZE)
    pdf.write_line(content.short_url, 22, style="B", align="C", height=10)
    pdf.ln(1)
    _language_lines(pdf, content.languages)
    pdf.ln(2)
    pdf.write_line(f"{content.subscribe_label} {content.subscribe_url}", 10, align="C", height=5)
    pdf.ln(1)
    pdf.write_line(content.emergency, 10, style="B", color=ALERT, align="C", height=5)
    pdf.set_y(PAGE_H - MARGIN - FOOTER_HEIGHT)
    pdf.write_line(content.footer, 8, color=MUTED, height=FOOTER_HEIGHT)


def _language_lines(pdf: _Poster, languages) -> None:
    """One line per language in its own script; right-to-left lines are right-aligned."""
    rows, gap = _language_rows(languages), 8.0
    width = (pdf.epw - gap) / 2
    top = pdf.get_y()
    pdf.set_text_color(*INK)
    for index, line in enumerate(languages):
        column, row = divmod(index, rows)
        pdf.set_xy(MARGIN + column * (width + gap), top + row * LANGUAGE_HEIGHT)
        size = LANGUAGE_SIZE
        pdf.set_font(pdf.family, "", size)
        while size > 7 and pdf.get_string_width(line.text) > width:  # a long translation
            size -= 0.5
            pdf.set_font(pdf.family, "", size)
        pdf.cell(width, LANGUAGE_HEIGHT, line.text, align="R" if line.rtl else "L")
    pdf.set_xy(MARGIN, top + rows * LANGUAGE_HEIGHT)


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
