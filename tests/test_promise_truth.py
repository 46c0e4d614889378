"""The follow-up tells the truth: nothing reported is "not reported" (never 0 done, never
behind) in the page, the API, the board's PDF and workbook; expectations are whole things; a
promise that has ended shows its final result. Closed tertials' reports are published by the
app. Control characters pasted into a note never break a workbook, a PDF, a feed or a CSV."""

import csv
import io
from datetime import UTC, date, datetime
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pdfua import validate
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.conftest import NOW
from tests.factories import load_test_promises, make_entry, make_slot
from tests.support import tagged_pdf
from tests.support.html import get_soup, soup
from tests.support.staff import staff_client
from tests.test_promise import DATA
from webapp.extensions import db
from webapp.models import PresenceSlot
from webapp.promise.figures import period_bounds
from webapp.promise.targets import due_by

TZ = ZoneInfo("Europe/Stockholm")

COUNTED = ("moten", "insatser", "skola")  # count and figure activities of p2026
NOT_REPORTED = "Inte rapporterat"


@pytest.fixture
def promises(app):
    load_test_promises(DATA)
    make_slot(starts_at=datetime(2026, 11, 10, 14, 0, tzinfo=UTC))  # been, no outcome


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def api(client, key="p2026"):
    body = client.get(f"/api/v1/promises/{key}?lang=sv").get_json()
    return {a["key"]: a for a in body["activities"]}


def workbook(response) -> dict:
    book = load_workbook(io.BytesIO(response.data))
    return {s.title: [tuple(r) for r in s.iter_rows(values_only=True)] for s in book}


def summary(rows) -> dict:
    """The cover's summary table: activity -> (target, done, state)."""
    start = [r[0] for r in rows].index("Aktivitet") + 1
    out = {}
    for row in rows[start:]:
        if row[0] is None:
            break
        out[row[0]] = row[1:4]
    return out


def test_due_by_counts_whole_things_only():
    first, last = date(2026, 1, 1), date(2026, 12, 31)

    assert due_by(2, first, last, date(2026, 11, 24)) == 1  # 1.8 meetings due: 1 whole one
    assert due_by(2, first, last, date(2026, 12, 31)) == 2
    assert due_by(15, first, last, date(2026, 1, 1)) == 0
    assert due_by(6, first, last, date(2025, 12, 1)) == 0  # before the span
    assert all(
        isinstance(due_by(t, first, last, date(2026, m, 1)), int)
        for t in (2, 6, 15)
        for m in range(1, 13)
    )


def test_nothing_reported_is_not_reported_in_page_api_pdf_and_workbook(app, client, promises):
    page = get_soup(client, "/sv/promises/p2026")
    body = api(client)
    staff = staff_client(app, "police")
    pdf = staff.get("/sv/staff/promises/p2026/report.pdf?period=all")
    tables = tagged_pdf.read(pdf.data).tables()
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    book = workbook(staff.get("/sv/staff/promises/p2026/report.xlsx?period=all"))

    for key in COUNTED:
        article = page.find(id=f"activity-{key}")
        assert text(article.find("dd", class_="activity-done")) == NOT_REPORTED, key
        assert article.find("dd", class_="activity-state") is None, key
        assert body[key]["done"] is None and body[key]["expected"] is None, key
        assert body[key]["state"] in (None, "not_reported"), key
        assert {t["status"] for t in body[key]["tertials"]} <= {"not_reported", "not_published"}
    assert body["moten"]["state"] == "not_reported"
    # A live figure without a value is not reported, not "shown when the tertial has ended".
    cells = [text(td) for td in page.find(id="table-skola").find_all("td")]
    assert cells == [NOT_REPORTED] * 3
    assert text(page.find(id="activity-narvaro").find("dd", class_="activity-done")) == (
        NOT_REPORTED
    )  # a slot has been and has no outcome: not 0 held
    for output in (text(page), pdf_text, str(book)):
        assert "Efter målet" not in output and "I fas" not in output
    rows = {r[0]: r[1:] for r in tables["Sammanfattning"][1:]}
    assert rows["Samverkansmöten."] == ["2", NOT_REPORTED, NOT_REPORTED]
    assert rows["Riktade insatser."] == ["6", NOT_REPORTED, NOT_REPORTED]
    assert rows["Skolnärvaro."][1] == NOT_REPORTED
    assert rows["Polisen på plats."][1] == NOT_REPORTED
    assert tables["Samverkansmöten: summa"][-1] == ["Hela perioden", NOT_REPORTED]
    cover = summary(book["Rapport"])
    assert cover["Samverkansmöten."] == (2, NOT_REPORTED, NOT_REPORTED)
    assert cover["Riktade insatser."] == (6, NOT_REPORTED, NOT_REPORTED)
    assert "0" not in [str(v) for v, *_ in (r[1:2] for r in tables["Sammanfattning"][1:])]


def test_one_entry_gives_a_state_and_an_ended_promise_its_result(app, client, promises, pin):
    make_entry("moten", day=date(2026, 3, 2), value=1, note="")

    page = get_soup(client, "/sv/promises/p2026")
    state = text(page.find(id="activity-moten").find("dd", class_="activity-state"))
    body = api(client)
    assert state == "I fas med målet (i jämn takt borde 1 vara klart till och med 24 november 2026)"
    assert (body["moten"]["done"], body["moten"]["state"], body["moten"]["expected"]) == (
        1, "on_track", 1)  # fmt: skip

    pin(datetime(2027, 2, 1, 10, 0, tzinfo=UTC))  # the promise has ended
    page = get_soup(client, "/sv/promises/p2026")
    body = api(client)
    staff = staff_client(app, "police")
    tables = tagged_pdf.read(staff.get("/sv/staff/promises/p2026/report.pdf?period=all").data)
    book = workbook(staff.get("/sv/staff/promises/p2026/report.xlsx?period=all"))

    assert text(page.find(id="activity-moten").find("dd", class_="activity-state")) == (
        "Målet nåddes inte"
    )  # its result, 1 of 2; no pace
    assert (body["moten"]["state"], body["moten"]["expected"]) == ("not_reached", None)
    rows = {r[0]: r[1:] for r in tables.tables()["Sammanfattning"][1:]}
    assert rows["Samverkansmöten."] == ["2", "1", "Målet nåddes inte"]
    assert summary(book["Rapport"])["Samverkansmöten."] == (2, 1, "Målet nåddes inte")


def test_closed_tertials_reports_are_published_without_staff_activities(client, promises,
                                                                        tmp_path):  # fmt: skip
    make_entry("hemligt", day=date(2026, 3, 2), value=7, note="Hemlig notering")
    make_entry("insatser", day=date(2026, 6, 10), value=2, note="")

    links = get_soup(client, "/sv/promises/p2026").find(id="published-reports")
    hrefs = [a["href"] for a in links.find_all("a")]
    assert hrefs == [
        "/sv/promises/p2026/reports/2026-T2.pdf",
        "/sv/promises/p2026/reports/2026-T2.xlsx",
        "/sv/promises/p2026/reports/2026-T1.pdf",
        "/sv/promises/p2026/reports/2026-T1.xlsx",
    ]  # fmt: skip; T3 2026 is still running on the pinned day
    pdf = client.get("/sv/promises/p2026/reports/2026-T2.pdf")
    book = client.get("/sv/promises/p2026/reports/2026-T2.xlsx")
    doc = tagged_pdf.read(pdf.data)
    assert pdf.status_code == book.status_code == 200
    assert "Set-Cookie" not in pdf.headers and "Set-Cookie" not in book.headers
    assert doc.catalog["Title"] == "Uppföljning: Löfte 2026, T2 2026 (maj–augusti)"
    assert doc.tables()["Riktade insatser: T2 2026 (maj–augusti)"][-1] == [
        "T2 2026 (maj–augusti)", "2"
    ]  # fmt: skip
    everything = " ".join(doc.text(e) for e in doc.elements("P")) + str(workbook(book))
    assert "Internt antal" not in everything and "Hemlig" not in everything
    (tmp_path / "t2.pdf").write_bytes(pdf.data)
    assert validate(str(tmp_path / "t2.pdf")).findings == ()  # PDF/UA checks, as the board's
    assert client.get("/sv/promises/p2026/reports/2026-T3.pdf").status_code == 404
    assert client.get("/sv/promises/p2026/reports/2027-T1.xlsx").status_code == 404
    assert client.get("/sv/promises/nope/reports/2026-T1.pdf").status_code == 404


CONTROL = "Möte\x0bmed\x0cskolan\x01\x1f och\tföräldrar"


def test_control_characters_never_break_workbook_pdf_feed_or_csv(app, client, promises):
    make_entry("est", day=date(2026, 10, 1), value=None, note=CONTROL)
    make_slot(starts_at=datetime(2026, 10, 6, 13, 0, tzinfo=UTC), status="cancelled",
              note="Sjuk\x0bdom")  # fmt: skip
    staff = staff_client(app, "police")

    book = workbook(staff.get("/sv/staff/promises/p2026/report.xlsx?period=2026"))
    pdf = staff.get("/sv/staff/promises/p2026/report.pdf?period=2026")
    feed = ET.fromstring(client.get("/sv/promises/feed.atom").data)  # noqa: S314 - own output
    export = staff.get("/sv/staff/report/export.csv?year=2026&tertial=3")
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig")), delimiter=";"))

    cleaned = "Möte med skolan   och\tföräldrar"  # control characters: a space each
    assert f"2026-10-01: {cleaned}" in [r[0] for r in book["Löfte 2"]]
    assert "Möte med skolan" in " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages
    )
    summaries = [e.findtext("{http://www.w3.org/2005/Atom}summary") for e in feed.iter()
                 if e.tag.endswith("entry")]  # fmt: skip
    assert cleaned in summaries
    assert export.status_code == 200 and any("Sjuk" in cell for row in rows for cell in row)


def test_the_staff_page_says_how_many_slots_wait_for_an_outcome_and_links_them(app, promises):
    start, end = period_bounds(date(2026, 1, 1), date(2026, 12, 31), TZ)
    waiting = db.session.scalar(
        select(func.count()).select_from(PresenceSlot).where(
            PresenceSlot.starts_at >= start, PresenceSlot.starts_at < end,
            PresenceSlot.status != "cancelled", PresenceSlot.held.is_(None),
            PresenceSlot.ends_at <= NOW,
        )
    )  # fmt: skip

    page = soup(staff_client(app, "police").get("/sv/staff/promises?promise=p2026"))
    link = page.find(id="slots-to-report")

    assert waiting >= 1
    expected = f"{waiting} tillfälle" if waiting == 1 else f"{waiting} tillfällen"
    assert text(link) == f"{expected} som har varit saknar resultat"
    assert link["href"] == "/sv/staff/outcomes"


def test_a_client_asking_for_report_after_report_is_told_to_wait(client, promises):
    answers = [client.get("/sv/promises/p2026/reports/2026-T1.xlsx").status_code for _ in range(21)]

    assert answers == [200] * 20 + [429]
    assert client.get("/sv/promises/p2026").status_code == 200  # the page itself is not limited
