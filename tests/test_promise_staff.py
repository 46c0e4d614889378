"""Staff record what was done for the promise (audited, owner only) and export the report for
kommunstyrelsen as PDF and .xlsx with the presence figures of the public page and the API
(tests/test_promise_report.py checks the report per period)."""

import io
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import load_test_promises, make_entry, make_slot
from tests.support import tagged_pdf
from tests.support.fuzz import examples
from tests.support.html import error_summary, soup
from tests.support.staff import post_form, staff_client
from tests.test_report import _csv_rows as csv_rows
from webapp.config import ROOT
from webapp.extensions import db
from webapp.models import AuditEvent, Promise, PromiseActivity, PromiseEntry
from webapp.permissions import ROLES, roles_for
from webapp.promise import records

DATA = ROOT / "tests" / "data" / "promise_test.toml"


@pytest.fixture
def promises(app):
    load_test_promises(DATA)


def activity_id(key, promise="p2026"):
    return db.session.scalar(
        select(PromiseActivity.id)
        .join(Promise)
        .where(Promise.key == promise, PromiseActivity.key == key)
    )


def live_entries(key):
    db.session.rollback()  # end the test's read transaction: see what the requests wrote
    return db.session.scalars(
        select(PromiseEntry).where(
            PromiseEntry.activity_id == activity_id(key), PromiseEntry.removed_at.is_(None)
        )
    ).all()


def test_police_add_an_entry_in_three_fields_and_it_is_audited(app, promises):
    client = staff_client(app, "police")
    url = f"/sv/staff/promises/activities/{activity_id('insatser')}"

    form = soup(client.get(url)).find("form", action=url)
    fields = {f["name"] for f in form.find_all(["input", "textarea"]) if f.get("type") != "hidden"}
    response = post_form(client, url, {"day": "2026-11-20", "value": "2", "note": "Kontroll"})

    assert fields == {"day", "value", "note"}
    assert response.status_code == 302
    [entry] = live_entries("insatser")
    assert (entry.day, entry.value, entry.note) == (date(2026, 11, 20), 2.0, "Kontroll")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "promise_entry.add"))
    assert event.after == {"activity": "insatser", "day": "2026-11-20", "value": 2.0}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "", "value": "1"}, "Skriv vilken dag det gjordes"),
        ({"day": "2026-12-24", "value": "1"}, "Datumet får inte vara senare än i dag"),
        (
            {"day": "2025-06-01", "value": "1"},
            "Välj en dag när löftet gällde, 2026-01-01–2026-12-31",
        ),
        ({"day": "2026-11-02", "value": "tre"}, "Skriv ett heltal från 0, till exempel 1"),
        ({"day": "2026-11-02", "value": "1,5"}, "Skriv ett heltal från 0, till exempel 1"),
        ({"day": "2026-11-02", "value": ""}, "Skriv hur många, till exempel 1"),
        ({"day": "2026-11-02", "value": "1", "note": "x" * 501}, "Skriv högst 500 tecken"),
    ],
)
def test_bad_input_gets_a_message_and_keeps_what_was_typed(app, promises, data, message):
    client = staff_client(app, "police")
    url = f"/sv/staff/promises/activities/{activity_id('insatser')}"

    response = post_form(client, url, data)

    assert response.status_code == 400
    assert error_summary(response) == [message]
    page = soup(response)
    assert page.find("input", attrs={"name": "value"})["value"] == data["value"]
    assert page.title.get_text().startswith("Fel: ")
    assert live_entries("insatser") == []


def test_a_figure_takes_a_decimal_comma_and_a_status_needs_its_text(app, promises):
    client = staff_client(app, "municipality")
    skola = f"/sv/staff/promises/activities/{activity_id('skola')}"
    est = f"/sv/staff/promises/activities/{activity_id('est')}"

    assert post_form(client, skola, {"day": "2026-11-02", "value": "93,5"}).status_code == 302
    missing = post_form(client, est, {"day": "2026-11-02", "note": ""})
    assert (
        post_form(client, est, {"day": "2026-11-02", "note": "Gruppen har mötts"}).status_code
        == 302
    )

    assert [e.value for e in live_entries("skola")] == [93.5]
    assert error_summary(missing) == ["Skriv hur arbetet går, i några meningar"]
    assert [(e.value, e.note) for e in live_entries("est")] == [(None, "Gruppen har mötts")]


def test_only_the_owner_records_and_admins_read(app, promises):
    municipality = staff_client(app, "municipality")
    police = staff_client(app, "police")

    assert (
        municipality.get(f"/sv/staff/promises/activities/{activity_id('insatser')}").status_code
        == 403
    )
    assert police.get(f"/sv/staff/promises/activities/{activity_id('skola')}").status_code == 403
    assert police.get(f"/sv/staff/promises/activities/{activity_id('moten')}").status_code == 200
    assert police.get(f"/sv/staff/promises/activities/{activity_id('narvaro')}").status_code == 403
    assert police.get("/sv/staff/promises/activities/999999").status_code == 404
    assert staff_client(app, "admin").get("/sv/staff/promises").status_code == 200


@pytest.mark.parametrize(
    ("owner", "recorders"),
    [("police", {"police"}), ("municipality", {"municipality"}),
     ("both", {"police", "municipality"})],
)  # fmt: skip
def test_who_records_an_activity_is_the_permission_tables_answer(owner, recorders):
    activity = PromiseActivity(owner=owner, measure="count")
    presence = PromiseActivity(owner=owner, measure="presence")

    for role in (*ROLES, None, "guest"):
        assert records.may_record(role, activity) is (role in recorders), role
        assert records.may_record(role, presence) is False, role  # presence is computed
    assert roles_for(f"promise.record.{owner}") == recorders


def test_edit_and_remove_need_a_reason_and_are_audited(app, promises):
    entry = make_entry("insatser", day=date(2026, 3, 3), value=2)
    client = staff_client(app, "police")
    url = f"/sv/staff/promises/entries/{entry.id}"

    no_reason = post_form(client, url, {"day": "2026-03-04", "value": "3", "reason": ""})
    edited = post_form(client, url, {"day": "2026-03-04", "value": "3", "reason": "Fel dag"})
    refused = post_form(client, url + "/remove", {"remove-reason": ""}, token_from=url)
    removed = post_form(client, url + "/remove", {"remove-reason": "Dubblett"}, token_from=url)

    assert error_summary(no_reason) == ["Skriv varför, till exempel Fel datum"]
    assert edited.status_code == 302 and refused.status_code == 400 and removed.status_code == 302
    db.session.rollback()
    row = db.session.get(PromiseEntry, entry.id)
    assert (row.day, row.value, row.removed_reason) == (date(2026, 3, 4), 3.0, "Dubblett")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("promise_entry.%")).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, (e.before or {}).get("reason")) for e in events] == [
        ("promise_entry.edit", "Fel dag"),
        ("promise_entry.remove", "Dubblett"),
    ]
    assert client.get(url).status_code == 404


# --- the report for kommunstyrelsen ----------------------------------------------------------


def _figures(app, promises_fixture=None):
    make_slot(starts_at=datetime(2026, 11, 3, 14, 0, tzinfo=UTC), held=True)
    make_slot(starts_at=datetime(2026, 11, 5, 14, 0, tzinfo=UTC), status="cancelled",
              note="Sjukdom")  # fmt: skip
    make_entry("insatser", day=date(2026, 2, 10), value=4)
    make_entry("insatser", day=date(2026, 6, 10), value=2)
    make_entry("insatser", day=date(2026, 10, 10), value=7)  # tertial 3 still open
    make_entry("hemligt", day=date(2026, 2, 10), value=99)


def table(sheet, title):
    """The rows of the table titled `title` (after its header row), first two cells."""
    start = [r[0] for r in sheet].index(title) + 2
    out = []
    for row in sheet[start:]:
        if row[0] is None:
            break
        out.append(row[:2])
    return out


def test_workbook_holds_the_figures_of_the_api(app, client, promises):
    _figures(app)
    body = client.get("/api/v1/promises/p2026").get_json()
    presence = next(a for a in body["activities"] if a["key"] == "narvaro")["presence"]
    staff = staff_client(app, "municipality")

    response = staff.get("/sv/staff/promises/p2026/report.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    rows = {s.title: [tuple(r) for r in s.iter_rows(values_only=True)] for s in book}

    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert list(rows) == ["Rapport", "Löfte 1", "Löfte 2", "Synpunkter"]
    whole = next(r for r in rows["Löfte 1"] if r[0] == "Hela perioden")
    assert whole[:9] == (
        "Hela perioden", presence["planned"], presence["held"], presence["not_held"],
        presence["cancelled"], presence["unreported"], presence["upcoming"],
        presence["hours_held"], presence["hours_planned"],
    )  # fmt: skip
    # For the board: the running tertial's figure too, marked preliminary.
    assert table(rows["Löfte 2"], "Riktade insatser: per tertial") == [
        ("T1 2026", 4), ("T2 2026", 2), ("T3 2026 (preliminärt)", 7)
    ]  # fmt: skip
    # A one-year promise: the year's row would repeat the total, so only the total is shown.
    assert table(rows["Löfte 2"], "Riktade insatser: summa") == [("Hela perioden", 13)]
    # The staff-only activity is in the report for the board, marked as not published.
    assert table(rows["Löfte 2"], "Internt antal: summa") == [("Hela perioden", 99)]
    assert "Internt antal. Publiceras inte på webbplatsen." in [r[0] for r in rows["Löfte 2"]]


def test_a_promise_over_two_years_has_a_row_per_year_and_the_total(app, promises):
    _figures(app)
    promise = db.session.scalar(select(Promise).where(Promise.key == "p2026"))
    promise.first_day = date(2025, 1, 1)  # the tests' p2025 gives way: promises may not overlap
    db.session.delete(db.session.scalar(select(Promise).where(Promise.key == "p2025")))
    db.session.commit()
    staff = staff_client(app, "municipality")

    book = load_workbook(io.BytesIO(staff.get("/sv/staff/promises/p2026/report.xlsx").data))
    rows = [tuple(r) for r in book["Löfte 2"].iter_rows(values_only=True)]

    assert table(rows, "Riktade insatser: summa") == [
        ("2025", "Inte rapporterat"), ("2026", 13), ("Hela perioden", 13)
    ]  # fmt: skip


def test_pdf_holds_the_exact_figures_and_page_numbers(app, client, promises):
    _figures(app)
    body = client.get("/api/v1/promises/p2026").get_json()
    presence = next(a for a in body["activities"] if a["key"] == "narvaro")["presence"]
    staff = staff_client(app, "police")

    response = staff.get("/sv/staff/promises/p2026/report.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    text = " ".join(pages)

    assert response.headers["Content-Type"] == "application/pdf"
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4
    assert "Uppföljning: Löfte 2026, Hela perioden" in pages[0] and "Exempeldata" in pages[0]
    assert all(f"Sida {n} av {len(pages)}" in page for n, page in enumerate(pages, 1))
    tables = tagged_pdf.read(response.data).tables()
    counts = ("planned", "held", "not_held", "cancelled", "unreported", "upcoming")
    hours = [f"{presence[k]:g}".replace(".", ",") for k in ("hours_held", "hours_planned")]
    assert tables["Polisen på plats: summa"][-1] == [
        "Hela perioden", *(str(presence[k]) for k in counts), *hours
    ]  # fmt: skip
    assert tables["Riktade insatser: per tertial"][1:] == [
        ["T1 2026", "4"], ["T2 2026", "2"], ["T3 2026 (preliminärt)", "7"]
    ]  # fmt: skip
    assert tables["Riktade insatser: summa"][1:] == [["Hela perioden", "13"]]
    assert "Internt antal. Publiceras inte på webbplatsen." in text


def test_the_staff_csv_for_the_promise_period_has_the_same_presence_figures(app, client, promises):
    _figures(app)
    body = client.get("/api/v1/promises/p2026").get_json()
    presence = next(a for a in body["activities"] if a["key"] == "narvaro")["presence"]
    staff = staff_client(app, "police")

    response = staff.get("/sv/staff/report/export.csv?from=2026-01-01&to=2026-12-31")
    rows = csv_rows(response.data)  # its Swedish words as codes
    total = {r[2]: r[4] for r in rows if r[0] == "presence" and r[1] == "total"}

    counts = ("planned", "held", "not_held", "cancelled", "unreported", "upcoming")
    assert {k: int(total[k]) for k in counts} == {k: presence[k] for k in counts}
    assert float(total["held_hours"].replace(",", ".")) == presence["held_hours"]
    assert float(total["planned_hours"].replace(",", ".")) == presence["planned_hours"]


def test_the_staff_report_names_only_the_promise_in_force_in_its_period(app, promises):
    staff = staff_client(app, "police")

    def lead(query):
        return " ".join(
            soup(staff.get(f"/sv/staff/report?{query}")).select_one(".report-lead").text.split()
        )

    assert "Löfte 2026." in lead("year=2026&tertial=3")
    assert "Löfte" not in lead("year=2027&tertial=1")  # between promises


@settings(max_examples=examples(60), deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    day=st.one_of(st.text(max_size=20), st.dates().map(str)),
    value=st.one_of(st.text(max_size=20), st.floats().map(str), st.integers().map(str)),
    note=st.text(max_size=600),
)
def test_any_entry_input_is_saved_or_answered_with_a_message(app, promises, day, value, note):
    client = staff_client_once(app)
    url = f"/sv/staff/promises/activities/{activity_id('skola')}"

    response = post_form(client, url, {"day": day, "value": value, "note": note})

    assert response.status_code in {302, 400}
    if response.status_code == 400:
        assert error_summary(response)


_CLIENTS: dict = {}


def staff_client_once(app):
    """One municipality session per app (hypothesis calls the test body many times)."""
    if id(app) not in _CLIENTS:
        _CLIENTS.clear()
        _CLIENTS[id(app)] = staff_client(app, "municipality")
    return _CLIENTS[id(app)]
