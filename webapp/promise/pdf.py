"""The promise report as a print-ready A4 PDF: a cover, one section per commitment with its
tables and bar charts, the municipality's name and page numbers in the footer.

Pure, like the poster PDF: core fonts (text extractable), numbers in the report's locale.
"""

from babel.numbers import format_decimal
from fpdf import FPDF
from fpdf.fonts import FontFace

from webapp.pdf_text import ENCODING, MARGIN, printable
from webapp.promise.document import ReportDocument, Table

INK, MUTED, ALERT, BAR = (0, 0, 0), (70, 70, 70), (164, 22, 26), (60, 60, 60)


def number(value, locale: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_decimal(value, "0.##", locale=locale)
    return str(value)


class _Report(FPDF):
    doc: ReportDocument

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(*MUTED)
        left = printable(f"{self.doc.municipality} – {self.doc.title}")
        if self.doc.example_notice:
            left += printable(f" – {self.doc.labels.get('example', '')}")
        self.cell(self.epw * 0.7, 5, left)
        page = self.doc.page_label % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(self.epw * 0.3, 5, printable(page), align="R")

    def line_of(self, text, size, *, style="", color=INK, height=None):
        self.set_font("Helvetica", style, size)
        self.set_text_color(*color)
        self.multi_cell(0, height or size * 0.5, printable(text), new_x="LMARGIN", new_y="NEXT")


def build_report_pdf(doc: ReportDocument) -> bytes:
    pdf = _Report(orientation="P", unit="mm", format="A4")
    pdf.doc = doc
    pdf.core_fonts_encoding = ENCODING
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(printable(doc.title))
    pdf.set_creation_date(doc.generated_at)
    pdf.set_producer("Närvaro")
    pdf.set_lang(doc.locale)
    pdf.add_page()
    _cover(pdf, doc)
    for section in doc.sections:
        pdf.add_page()
        pdf.line_of(section.heading, 16, style="B", height=8)
        pdf.ln(2)
        for text in section.paragraphs:
            pdf.line_of(text, 10, height=5)
            pdf.ln(1)
        for table in section.tables:
            _table(pdf, table, doc.locale)
    return bytes(pdf.output())


def _cover(pdf, doc):
    pdf.set_y(60)
    pdf.line_of(doc.municipality, 14, color=MUTED, height=7)
    pdf.line_of(doc.title, 26, style="B", height=12)
    pdf.line_of(doc.period, 14, height=8)
    if doc.example_notice:
        pdf.ln(4)
        pdf.line_of(doc.example_notice, 12, style="B", color=ALERT, height=6)
    pdf.ln(6)
    for line in doc.cover_lines:
        pdf.line_of(line, 11, height=5.5)
        pdf.ln(1)


def _table(pdf, table: Table, locale: str):
    pdf.ln(2)
    if pdf.will_page_break(12 + 7 * len(table.rows)):
        pdf.add_page()
    pdf.line_of(table.title, 11, style="B", height=6)
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(*INK)
    first = 0.34 if len(table.header) > 3 else 0.5
    rest = (1 - first) / max(len(table.header) - 1, 1)
    widths = [first, *([rest] * (len(table.header) - 1))]
    with pdf.table(
        col_widths=[w * 100 for w in widths],
        text_align=["LEFT", *(["RIGHT"] * (len(widths) - 1))],
        headings_style=FontFace(emphasis="BOLD"),
        line_height=5,
    ) as out:
        out.row([printable(str(h)) for h in table.header])
        for row in table.rows:
            out.row([printable(number(v, locale)) for v in row])
    if table.chart_column is not None:
        _chart(pdf, table, locale)
    pdf.ln(3)


def _chart(pdf, table: Table, locale: str):
    """Horizontal bars with their numbers: dark grey on white, readable in greyscale."""
    values = [(row[0], row[table.chart_column]) for row in table.rows
              if isinstance(row[table.chart_column], int | float)]  # fmt: skip
    if not values:
        return
    if pdf.will_page_break(6 * len(values) + 4):
        pdf.add_page()
    top, label_w, span = max(v for _l, v in values) or 1, 40, pdf.epw - 40 - 20
    pdf.ln(2)
    for label, value in values:
        y = pdf.get_y()
        pdf.set_font("Helvetica", "", 8)
        pdf.set_text_color(*INK)
        pdf.cell(label_w, 5, printable(str(label)))
        width = span * value / top
        pdf.set_fill_color(*BAR)
        if width > 0:
            pdf.rect(MARGIN + label_w, y + 0.8, width, 3.4, style="F")
        pdf.set_xy(MARGIN + label_w + width + 2, y)
        pdf.cell(18, 5, printable(number(value, locale)), new_x="LMARGIN", new_y="NEXT")
