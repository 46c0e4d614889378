"""The promise report as an .xlsx workbook (openpyxl): a cover sheet, one sheet per section,
numbers stored as numbers so Excel with Swedish settings shows decimal commas itself."""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

from webapp.promise.document import ReportDocument

BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def sheet_name(text: str, used: set) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters."""
    base = BAD_SHEET_CHARS.sub(" ", text).strip()[:28] or "Blad"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base} {n}", n + 1
    used.add(name.lower())
    return name


def _cell(value):
    """Text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def build_workbook(doc: ReportDocument) -> bytes:
    """The workbook as bytes; the same document gives the same content."""
    book = Workbook()
    bold = Font(bold=True)
    cover = book.active
    used: set = set()
    cover.title = sheet_name(doc.labels.get("cover", "Rapport"), used)
    for line in (doc.title, doc.municipality, doc.period, doc.example_notice, *doc.cover_lines):
        if line:
            cover.append([_cell(line)])
    cover["A1"].font = Font(bold=True, size=14)
    cover.column_dimensions["A"].width = 100
    for section in doc.sections:
        sheet = book.create_sheet(sheet_name(section.sheet, used))
        sheet.append([_cell(section.heading)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=13)
        for text in section.paragraphs:
            sheet.append([_cell(text)])
        for table in section.tables:
            sheet.append([])
            sheet.append([_cell(table.title)])
            sheet.cell(sheet.max_row, 1).font = bold
            sheet.append([_cell(h) for h in table.header])
            for column in range(1, len(table.header) + 1):
                sheet.cell(sheet.max_row, column).font = bold
            for row in table.rows:
                sheet.append([_cell(v) for v in row])
        sheet.column_dimensions["A"].width = 40
    book.properties.title = doc.title
    book.properties.creator = "Närvaro"
    book.properties.created = doc.generated_at.replace(tzinfo=None)
    book.properties.modified = doc.generated_at.replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
