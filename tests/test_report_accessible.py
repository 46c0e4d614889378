"""The board's report is a document the municipality can publish: tagged PDF/UA-1 (checked with
pdfua, and with pikepdf through the structure tree), every font embedded, page furniture as
artifacts, charts as figures whose alternative text states their numbers, and no text on a
fill with contrast under 4.5:1 (pdfplumber: each character against the rectangle under it).

veraPDF, the reference checker, is a Java download from outside the package registries this
project reaches, so it is not run here; pdfua checks its machine-checkable subset."""

import io
import shutil

import pdfplumber
import pikepdf
import pytest
from pdfua import Severity, validate

from tests.conftest import NOW, make_app
from tests.support import tagged_pdf
from tests.support.staff import staff_client
from tests.test_promise_report import WINDOWS, load_figures
from webapp.extensions import db
from webapp.models import working_at

PERIODS = ["2026-T3", "2026", "all"]  # a tertial, a year, the whole promise


def report_pdf(staff, period) -> bytes:
    response = staff.get(f"/sv/staff/promises/p2026/report.pdf?period={period}")
    assert response.status_code == 200
    return response.data


def themes_raised():
    """Feedback with themes at two places in T3 2026, so the report has its themes table."""
    from datetime import UTC, datetime

    from tests.factories import make_feedback

    day = datetime(2026, 10, 5, 9, tzinfo=UTC)
    for place, theme, count in (("torget", "trafik", 6), ("torget", "trygghet", 2),
                                ("resecentrum", "trygghet", 5)):  # fmt: skip
        for _ in range(count):
            make_feedback(place=place, theme=theme, created_at=day)


@pytest.fixture(scope="session")
def reports(sqlite_template, tmp_path_factory) -> dict:
    """Each period's PDF, rendered once per session from the test figures: every check here
    reads the document, none changes it (the figures in it, per database: test_promise_report)."""
    folder = tmp_path_factory.mktemp("reports")
    database = folder / "narvaro.db"
    shutil.copy(sqlite_template, database)
    app = make_app(f"sqlite:///{database}")
    rendered = {}
    with app.app_context():
        working_at(db.session, NOW)
        load_figures()
        themes_raised()
        staff = staff_client(app, "police")
        for period in PERIODS:
            data = report_pdf(staff, period)
            path = folder / f"report-{period}.pdf"
            path.write_bytes(data)
            rendered[period] = (period, data, path)
        db.session.remove()
        db.engine.dispose()
    return rendered


@pytest.fixture(params=PERIODS)
def pdf(request, reports):
    return reports[request.param]


def test_every_report_pdf_passes_the_pdf_ua_checks(pdf):
    _period, _data, path = pdf
    report = validate(str(path))

    assert [f.message for f in report.findings if f.severity >= Severity.ERROR] == []
    assert [f.message for f in report.findings] == []  # no warnings either (TH scope)
    # pdfua 0.1.3's empty-heading rule raises on WeasyPrint's /K arrays and is skipped;
    # test_the_structure_tree_has_headings_in_order checks that no heading is empty.
    assert {o.rule_id for o in report.skipped} <= {"UA-14-001"}


def test_the_catalog_shows_the_title_in_the_documents_language(pdf):
    period, data, _path = pdf
    doc = tagged_pdf.read(data)

    assert doc.catalog == {
        "Lang": "sv",
        "Marked": True,
        "DisplayDocTitle": True,
        "Title": f"Uppföljning: Löfte 2026, {WINDOWS[period][2]}",
        "pdfuaid:part": "1",  # the document says it is PDF/UA-1
    }


def test_the_structure_tree_has_headings_in_order_and_tables_with_header_cells(pdf):
    _period, data, _path = pdf
    doc = tagged_pdf.read(data)
    headings = doc.headings()
    levels = [level for level, _text in headings]

    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert {1, 2, 3} <= set(levels)
    assert all(text for _level, text in headings)
    tables = doc.elements("Table")
    assert tables and all(t.walk() for t in tables)
    for table in tables:
        cells = [c for c in table.walk() if c.tag in ("TH", "TD")]
        headers = [c for c in cells if c.tag == "TH"]
        assert headers, doc.text(table)
        assert {c.attributes.get("Scope") for c in headers} <= {"/Column", "/Row"}
        assert all(c.attributes.get("Scope") for c in headers)


def test_every_chart_is_a_figure_whose_alternative_text_states_its_numbers(pdf):
    period, data, _path = pdf
    doc = tagged_pdf.read(data)
    alts = [f.alt for f in doc.elements("Figure")]

    if period == "2026-T3":
        assert alts == []  # a tertial's report has one row per table, and no chart
    else:
        assert "Riktade insatser: per tertial: T1 2026 4; T2 2026 2; T3 2026 (preliminärt) 7" in (
            alts
        )
        assert "Skolnärvaro: per tertial: T1 2026 91,5; T2 2026 93" in alts


def test_every_font_is_embedded_and_maps_to_unicode(pdf):
    _period, data, _path = pdf
    with pikepdf.open(io.BytesIO(data)) as doc:
        fonts = {}
        for page in doc.pages:
            for font in page.obj.Resources.get("/Font", {}).values():
                fonts[str(font.BaseFont)] = font
            for xobject in page.obj.Resources.get("/XObject", {}).values():
                for font in xobject.get("/Resources", {}).get("/Font", {}).values():
                    fonts[str(font.BaseFont)] = font
        for name, font in fonts.items():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            files = {k for k in descendant.FontDescriptor.keys() if k.startswith("/FontFile")}
            assert files, name
            assert "/ToUnicode" in font, name  # text extracts as what it says
    assert {name.split("+")[-1] for name in fonts} <= {"NotoSans", "NotoSans-Bold"}


def test_page_headers_and_numbers_are_artifacts_and_all_other_text_is_tagged(pdf):
    _period, data, _path = pdf
    doc = tagged_pdf.read(data)
    tagged = set(doc.root.marks())
    with pikepdf.open(io.BytesIO(data)) as raw:
        pages = len(raw.pages)
        for n, page in enumerate(raw.pages):
            stack, artifacts, untagged = [], 0, []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    props = operands[1] if len(operands) > 1 else None
                    mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                    stack.append((str(operands[0]), mcid))
                elif op == "EMC":
                    stack.pop()
                elif op in ("Tj", "TJ"):
                    if any(tag == "/Artifact" for tag, _m in stack):
                        artifacts += 1
                    elif not any((n, int(m)) in tagged for _t, m in stack if m is not None):
                        untagged.append(op)
            assert untagged == [], f"page {n + 1}"
            assert artifacts >= 1, f"page {n + 1}: the page number is an artifact"
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        last = plumber.pages[-1]
        numbers = "".join(c["text"] for c in last.chars if c.get("mcid") is None)
        assert f"Sida {pages} av {pages}" in numbers


def _luminance(color) -> float:
    if color is None:
        color = (0,)
    if isinstance(color, int | float):
        color = (color,)
    if len(color) == 1:
        color = color * 3
    assert len(color) == 3, color  # RGB or grey; no CMYK in these reports

    def channel(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(float(c)) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def fill_under(fills, x, y):
    """The colour of the last fill drawn under (x, y); white, the page, if none. A border is
    drawn as two rectangles filled even-odd (a ring): inside both is its hole."""
    inside = [r for r in fills if r["x0"] <= x <= r["x1"] and r["top"] <= y <= r["bottom"]]
    colour = None
    for r in inside:
        if r["evenodd"]:
            same = [
                q
                for q in inside
                if q["evenodd"] and q["non_stroking_color"] == r["non_stroking_color"]
            ]
            if len(same) % 2 == 0:  # r and its partner: inside the ring's hole
                continue
        colour = r["non_stroking_color"]
    return colour


def test_no_text_sits_on_a_fill_with_contrast_under_4_5(pdf):
    _period, data, _path = pdf
    worst, checked, on_fill = 21.0, 0, 0
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for page in plumber.pages:
            fills = [r for r in page.rects if r["fill"]]
            for char in page.chars:
                if not char["text"].strip():
                    continue
                x = (char["x0"] + char["x1"]) / 2
                y = (char["top"] + char["bottom"]) / 2
                background = fill_under(fills, x, y)
                on_fill += background not in (None, (1.0, 1.0, 1.0))
                checked += 1
                worst = min(worst, contrast(char["non_stroking_color"], background or (1,)))
    assert checked > 100 and on_fill > 10  # header cells sit on a fill
    assert worst >= 4.5


def test_no_heading_stands_alone_at_the_foot_of_a_page(pdf):
    _period, data, _path = pdf
    doc = tagged_pdf.read(data)
    blocks = [e for e in doc.root.walk() if e.tag in ("H1", "H2", "H3", "P", "Table", "Figure")]

    for heading, following in zip(blocks, blocks[1:], strict=False):
        if heading.tag in ("H2", "H3") and following.tag in ("P", "Table"):
            last_page = max(page for page, _mcid in heading.marks())
            assert min(page for page, _mcid in following.marks()) == last_page, doc.text(heading)


def test_the_themes_table_is_in_each_report_checked_here(pdf):
    from pypdf import PdfReader

    _period, data, _path = pdf
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)

    assert "Teman per plats och tertial" in text
