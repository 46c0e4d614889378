"""The promise report for kommunstyrelsen as plain content: translated text and exact numbers.

Built once (webapp/report/board.py) and written out as a tagged PDF (its HTML through
webapp/promise/pdf.py) and an .xlsx workbook (webapp/promise/xlsx.py), so both hold the same
figures. Cells are numbers where they are figures, words where there is none ("Inte
rapporterat"); each builder formats them its own way.
"""

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple
    rows: tuple  # tuples of str | int | float | None
    chart_column: int | None = None  # the column a bar chart draws, if any


@dataclass(frozen=True)
class Section:
    heading: str
    sheet: str  # workbook sheet name: at most 31 characters, none of []:*?/\
    paragraphs: tuple = ()
    tables: tuple = ()


@dataclass(frozen=True)
class ReportDocument:
    title: str
    municipality: str
    period: str
    cover_lines: tuple
    sections: tuple
    generated_at: datetime
    summary: Table | None = None  # every activity: target, done, state (on the cover)
    first_day: date | None = None
    last_day: date | None = None
    locale: str = "sv"
    example_notice: str = ""  # set when the promise or the times are example data
    page_label: str = "Sida %(page)s av %(pages)s"
    labels: dict = field(default_factory=dict)  # "cover", "example", "first_day", "last_day",
    # "generated_at": words the builders print beside values
