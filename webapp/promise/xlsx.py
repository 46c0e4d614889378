"""The promise report as an .xlsx workbook (openpyxl) that fits Excel with Swedish settings: a
cover sheet, one sheet per section, each table an Excel table with a header row, numbers
stored as numbers and dates as dates (Excel shows decimal commas and Swedish dates itself),
the document and every sheet titled. Text is made safe for XML and for formulas."""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo

from webapp.promise.document import ReportDocument, Table
from webapp.xml_text import xml_safe

BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"


def sheet_name(text: str, used: set) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters."""
    base = BAD_SHEET_CHARS.sub(" ", xml_safe(text)).strip()[:28] or "Blad"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base} {n}", n + 1
    used.add(name.lower())
    return name


def _cell(value):
    """Text safe for XML; text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str):
        value = xml_safe(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def _table(sheet, table: Table, tables: list) -> None:
    """The table's title, then its header and rows as an Excel table."""
    sheet.append([])
    sheet.append([_cell(table.title)])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.append(_header(table.header))
    first = sheet.max_row
    for row in table.rows:
        sheet.append([_cell(v) for v in row])
    ref = f"A{first}:{get_column_letter(len(table.header))}{sheet.max_row}"
    excel = ExcelTable(displayName=f"Tabell{len(tables) + 1}", ref=ref)
    excel.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    sheet.add_table(excel)
    tables.append(excel)


def _header(header) -> list:
    """Header cells as Excel tables need them: text, unique."""
    out, seen = [], set()
    for text in header:
        name, n = _cell(str(text)) or "-", 2
        while name.lower() in seen:
            name, n = f"{_cell(str(text))} {n}", n + 1
        seen.add(name.lower())
        out.append(name)
    return out


def _cover(sheet, doc: ReportDocument, tables: list) -> None:
    for line in (doc.title, doc.municipality, doc.period, doc.example_notice, *doc.cover_lines):
        if line:
            sheet.append([_cell(line)])
    sheet["A1"].font = Font(bold=True, size=14)
    for key, value in (("first_day", doc.first_day), ("last_day", doc.last_day),
                       ("generated_at", doc.generated_at)):  # fmt: skip
        if value is not None and key in doc.labels:
            if key == "generated_at":
                value = value.replace(tzinfo=None).date()
            sheet.append([_cell(doc.labels[key]), value])
            sheet.cell(sheet.max_row, 2).number_format = DATE_FORMAT
    if doc.summary is not None:
        _table(sheet, doc.summary, tables)
    sheet.column_dimensions["A"].width = 60


def build_workbook(doc: ReportDocument) -> bytes:
    """The workbook as bytes; the same document gives the same content."""
    book = Workbook()
    cover = book.active
    used: set = set()
    tables: list = []
    cover.title = sheet_name(doc.labels.get("cover", "Rapport"), used)
    _cover(cover, doc, tables)
    for section in doc.sections:
        sheet = book.create_sheet(sheet_name(section.sheet, used))
        sheet.append([_cell(section.heading)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=13)
        for text in section.paragraphs:
            sheet.append([_cell(text)])
        for table in section.tables:
            _table(sheet, table, tables)
        sheet.column_dimensions["A"].width = 40
    book.properties.title = xml_safe(doc.title)
    book.properties.subject = xml_safe(doc.period)
    book.properties.creator = xml_safe(doc.municipality) or "Närvaro"
    book.properties.language = doc.locale
    book.properties.created = doc.generated_at.replace(tzinfo=None)
    book.properties.modified = doc.generated_at.replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
