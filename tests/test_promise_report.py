"""The report for kommunstyrelsen for one window of the promise: the whole period, a year or a
tertial. The PDF (pypdf) and the workbook (openpyxl) hold exactly the domain's figures for the
window; presence equals the slots' outcomes counted here; staff-only activities are in the
report and nowhere public; a bad period gets a localized 400 or 404, never a 500."""

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import delete, select

from tests.conftest import NOW
from tests.factories import load_test_promises, make_entry, make_slot
from tests.support import tagged_pdf
from tests.support.fuzz import examples
from tests.support.html import soup
from tests.support.staff import staff_client
from webapp.extensions import db
from webapp.models import AuditEvent, PresenceSlot
from webapp.promise import records
from webapp.promise.followup import board_report, promise_followup
from webapp.promise.periods import (
    Period,
    PeriodError,
    parse_period,
    period_named,
    periods_begun,
    whole,
)

TZ = ZoneInfo("Europe/Stockholm")

# (start in UTC, hours, what happened): the only slots in these tests.
SLOTS = [
    (datetime(2026, 2, 3, 13, 0, tzinfo=UTC), 1, {"held": True, "people_met": 3}),
    (datetime(2026, 3, 3, 13, 0, tzinfo=UTC), 1, {"held": False, "outcome_reason": "Larm"}),
    # 00:30 on 1 May in Sävsjö: tertial 2, though the UTC day is still 30 April.
    (datetime(2026, 4, 30, 22, 30, tzinfo=UTC), 1, {"held": True}),
    (datetime(2026, 6, 9, 13, 0, tzinfo=UTC), 1, {"status": "cancelled", "note": "Sjukdom"}),
    (datetime(2026, 8, 11, 13, 0, tzinfo=UTC), 2, {"held": True}),
    (datetime(2026, 9, 8, 13, 0, tzinfo=UTC), 1, {"status": "cancelled", "note": "Väder"}),
    (datetime(2026, 11, 3, 13, 0, tzinfo=UTC), 1, {"held": True}),
    (datetime(2026, 11, 17, 13, 0, tzinfo=UTC), 1, {}),  # passed, no outcome recorded
    (datetime(2026, 12, 2, 13, 0, tzinfo=UTC), 1, {}),  # still to come
]
ENTRIES = [  # (activity, day, value, note)
    ("moten", date(2026, 3, 2), 1, ""),
    ("moten", date(2026, 9, 14), 1, ""),
    ("insatser", date(2026, 2, 10), 4, ""),
    ("insatser", date(2026, 6, 10), 2, ""),
    ("insatser", date(2026, 10, 10), 7, ""),  # tertial 3 is still running on the pinned day
    ("skola", date(2026, 3, 20), 91.5, ""),
    ("skola", date(2026, 6, 20), 93, ""),
    ("est", date(2026, 6, 1), None, "Tre skolor är med."),
    ("est", date(2026, 10, 1), None, "Fyra skolor är med."),
    ("hemligt", date(2026, 2, 10), 99, ""),
]
WINDOWS = {  # period -> (first day, last day, its name on the cover)
    "2026-T2": (date(2026, 5, 1), date(2026, 8, 31), "T2 2026 (maj–augusti)"),
    "2026-T3": (date(2026, 9, 1), date(2026, 12, 31), "T3 2026 (september–december)"),
    "2026": (date(2026, 1, 1), date(2026, 12, 31), "2026"),
    "all": (date(2026, 1, 1), date(2026, 12, 31), "Hela perioden"),
}


@pytest.fixture
def figures(app):
    load_figures()


def load_figures():
    """The test promises with SLOTS and ENTRIES as their only presence and reports."""
    load_test_promises()
    db.session.execute(delete(PresenceSlot))
    db.session.commit()
    for starts, hours, outcome in SLOTS:
        make_slot(starts_at=starts, ends_at=starts + timedelta(hours=hours), **outcome)
    for key, day, value, note in ENTRIES:
        make_entry(key, day=day, value=value, note=note)


def tally(first: date, last: date) -> tuple:
    """(planned, held, not held, cancelled, been and not reported, still to come, held hours,
    planned hours), counted from SLOTS at the pinned time."""
    inside = [(s, h, o) for s, h, o in SLOTS if first <= s.astimezone(TZ).date() <= last]
    cancelled = [h for _s, h, o in inside if o.get("status") == "cancelled"]
    held = [h for _s, h, o in inside if o.get("held") is True]
    not_held = [h for _s, h, o in inside if o.get("held") is False]
    waiting = [s + timedelta(hours=h) for s, h, o in inside if not o]
    unreported = [end for end in waiting if end <= NOW]
    planned_hours = sum(h for _s, h, o in inside if o.get("status") != "cancelled")
    return (len(inside), len(held), len(not_held), len(cancelled), len(unreported),
            len(waiting) - len(unreported), sum(held), planned_hours)  # fmt: skip


def sheets(response) -> dict:
    book = load_workbook(io.BytesIO(response.data))
    return {s.title: [tuple(r) for r in s.iter_rows(values_only=True)] for s in book}


def table(rows, title) -> list:
    """The rows of the table titled `title`, after its header, without the empty cells."""
    start = [r[0] for r in rows].index(title) + 2
    out = []
    for row in rows[start:]:
        if row[0] is None:
            break
        out.append(tuple(c for c in row if c is not None))
    return out


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def sv(value) -> str:
    return f"{value:g}".replace(".", ",")


def report(period):
    promise = records.promise_by_key(db.session, "p2026")
    return board_report(db.session, promise, period_named(whole(promise), period, NOW.date()),
                        TZ, NOW)  # fmt: skip


def item(board, key):
    return next(a for a in board.activities if a.activity.key == key)


# --- the periods ------------------------------------------------------------------------------


def test_a_period_is_all_a_year_or_a_tertial():
    assert parse_period("all") == (None, None)
    assert parse_period("2025") == (2025, None)
    assert parse_period("2025-T3") == (2025, 3)
    for bad in ("", "ALL", "2025-T4", "2025-t2", "25", "2025-T", " 2025", "2025\n", "٢٠٢٥"):
        with pytest.raises(PeriodError) as raised:
            parse_period(bad)
        assert raised.value.reason == "malformed"


def test_periods_are_clipped_to_the_promise_and_only_begun_ones_are_offered():
    first, last, today = date(2025, 3, 15), date(2026, 6, 30), date(2026, 2, 1)

    promise = Period("all", first, last)
    windows = periods_begun(promise, today)

    assert [w.key for w in windows] == [
        "all", "2026", "2026-T1", "2025", "2025-T3", "2025-T2", "2025-T1"
    ]  # fmt: skip
    by_key = {w.key: w for w in windows}
    assert (by_key["2025-T1"].first_day, by_key["2025-T1"].last_day) == (first, date(2025, 4, 30))
    assert (by_key["2026"].first_day, by_key["2026"].last_day) == (date(2026, 1, 1), last)
    assert [w.key for w in windows if w.closed(today)] == ["2025", "2025-T3", "2025-T2", "2025-T1"]
    for key, reason in (("2026-T2", "not_begun"), ("2026-T3", "outside"), ("2024", "outside"),
                        ("2024-T3", "outside"), ("2027", "outside")):  # fmt: skip
        with pytest.raises(PeriodError) as raised:
            period_named(promise, key, today)
        assert raised.value.reason == reason
    assert periods_begun(promise, date(2025, 3, 14)) == []


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(text=st.one_of(st.text(max_size=12), st.from_regex(r"[0-9]{4}(-T[0-9])?", fullmatch=True)))
def test_any_period_text_is_a_period_of_the_promise_or_a_period_error(text):
    first, last, today = date(2025, 3, 15), date(2026, 6, 30), date(2026, 2, 1)
    try:
        window = period_named(Period("all", first, last), text, today)
    except PeriodError as error:
        assert error.reason in {"malformed", "outside", "not_begun"}
    else:
        assert window.key == text
        assert first <= window.first_day <= min(window.last_day, today) and window.last_day <= last


# --- the figures per window --------------------------------------------------------------------


@pytest.mark.parametrize("period", list(WINDOWS))
def test_presence_in_the_window_equals_the_slots_outcomes(app, figures, period):
    first, last, _name = WINDOWS[period]
    f = item(report(period), "narvaro").presence

    assert (f.planned, f.held, f.not_held, f.cancelled, f.unreported, f.upcoming,
            f.held_minutes / 60, f.planned_minutes / 60) == tally(first, last)  # fmt: skip
    assert dict(f.cancel_reasons) == {
        o["note"]: 1 for s, _h, o in SLOTS
        if "note" in o and first <= s.astimezone(TZ).date() <= last
    }  # fmt: skip
    assert dict(f.not_held_reasons) == {
        o["outcome_reason"]: 1 for s, _h, o in SLOTS
        if "outcome_reason" in o and first <= s.astimezone(TZ).date() <= last
    }  # fmt: skip


def test_why_slots_were_cancelled_or_not_held_is_in_the_report(app, figures):
    staff = staff_client(app, "police")
    rows = sheets(staff.get("/sv/staff/promises/p2026/report.xlsx?period=2026"))
    text = pdf_text(staff.get("/sv/staff/promises/p2026/report.pdf?period=2026-T1"))

    assert table(rows["Löfte 1"], "Orsaker till inställda tillfällen") == [("Sjukdom", 1),
                                                                          ("Väder", 1)]  # fmt: skip
    assert table(rows["Löfte 1"], "Orsaker till att tillfällen inte blev av") == [("Larm", 1)]
    assert "Orsaker till att tillfällen inte blev av" in text and "Larm 1" in text
    assert "Orsaker till inställda tillfällen" not in text  # none in January–April


def test_a_tertial_shows_the_years_target_and_the_year_to_date_figure(app, figures):
    board = report("2026-T2")
    meetings, operations = item(board, "moten"), item(board, "insatser")

    # Nothing reported in T2 is not 0 done; the year so far is.
    assert (meetings.done, meetings.goal.span, meetings.goal.target) == (None, "year", 2)
    assert (meetings.goal.first_day, meetings.goal.to_date) == (date(2026, 1, 1), 1)
    assert (operations.done, operations.goal.span, operations.goal.to_date) == (2, "period", 6)
    assert operations.goal.state == "reached" and not operations.preliminary
    assert [u.note for u in item(board, "est").updates] == ["Tre skolor är med."]
    assert item(board, "skola").done == 93


@pytest.mark.parametrize("period", list(WINDOWS))
def test_the_board_report_is_the_staff_follow_up_restricted_to_the_period(app, figures, period):
    promise = records.promise_by_key(db.session, "p2026")
    board = report(period)
    staff = promise_followup(db.session, promise, TZ, NOW, public=False)
    whole_rows = {a.activity.key: dict(a.tertials) for a in staff.activities}

    assert board.period == period_named(whole(promise), period, NOW.date())
    assert [t.key for t in board.tertials] == [t.key for t in staff.tertials
                                               if board.period.holds(t.first_day)]  # fmt: skip
    for a in board.activities:
        assert dict(a.tertials) == {t: v for t, v in whole_rows[a.activity.key].items()
                                    if board.period.holds(t.first_day)}, a.activity.key  # fmt: skip
        if period == "all":
            assert (a.done, a.goal, a.updates) == next(
                (s.done, s.goal, s.updates) for s in staff.activities if s.activity is a.activity
            )


def test_after_tertial_figures_of_a_running_tertial_are_preliminary(app, figures):
    running, closed = report("2026-T3"), report("2026-T2")

    assert item(running, "insatser").preliminary and item(running, "insatser").done == 7
    assert not item(closed, "insatser").preliminary
    assert not item(running, "moten").preliminary  # live figures are public as they come
    assert item(running, "hemligt").staff_only and item(closed, "hemligt").done is None
    assert running.open_tertials == {"2026-T3"} and not running.closed and closed.closed


def _expected_rows(board, name):
    """What the workbook's tables must hold: the domain's figures for the window."""
    out = {}
    for a in board.activities:
        title = a.activity.title.rstrip(".")
        if a.presence is not None:
            f = a.presence
            out[f"{title}: {name}" if board.period.kind == "tertial" else f"{title}: summa"] = (
                name, f.planned, f.held, f.not_held, f.cancelled, f.unreported, f.upcoming,
                round(f.held_minutes / 60, 2), round(f.planned_minutes / 60, 2),
            )  # fmt: skip
        elif a.activity.measure in ("count", "figure"):
            key = f"{title}: {name}" if board.period.kind == "tertial" else f"{title}: summa"
            out[key] = (name, "Inte rapporterat" if a.done is None else a.done)
    return out


@pytest.mark.parametrize("period", list(WINDOWS))
def test_workbook_holds_the_domains_figures_for_the_window(app, figures, period):
    first, last, name = WINDOWS[period]
    board = report(period)
    staff = staff_client(app, "municipality")

    response = staff.get(f"/sv/staff/promises/p2026/report.xlsx?period={period}")
    rows = sheets(response)
    every = [r for sheet in rows.values() for r in sheet]

    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.endswith(f'-{"hela-perioden" if period == "all" else period}-20261124.xlsx"')
    assert rows["Rapport"][0][0] == f"Uppföljning: Löfte 2026, {name}"
    dates = {r[0]: r[1] for r in rows["Rapport"] if r[0] in ("Från och med", "Till och med")}
    assert dates == {
        "Från och med": datetime.combine(first, datetime.min.time()),
        "Till och med": datetime.combine(last, datetime.min.time()),
    }  # dates, not text
    assert rows["Rapport"][2][0].startswith(
        f"{first.day} {('januari', 'maj', 'september')[(first.month - 1) // 4]} 2026–"
    )
    for title, expected in _expected_rows(board, name).items():
        sheet = next(r for r in rows.values() if title in [x[0] for x in r])
        assert table(sheet, title)[-1] == expected, title
    presence = f"Polisen på plats: {name if board.period.kind == 'tertial' else 'summa'}"
    # Presence equals the slots' outcomes as counted here.
    assert table(rows["Löfte 1"], presence)[-1][1:] == tally(first, last)
    goal = item(board, "moten").goal
    assert table(rows["Löfte 1"], "Samverkansmöten: mål")[0][:3] == (
        "Hela perioden" if period == "all" else "2026", goal.target, goal.to_date
    )  # fmt: skip
    assert "Internt antal. Publiceras inte på webbplatsen." in [r[0] for r in every]
    preliminary = [r[0] for r in every if r[0] and r[0].startswith("Riktade insatser.")]
    assert any("Preliminära siffror" in r for r in preliminary) == (period != "2026-T2")


# The PDF lays out the report data the workbook holds (its test above runs on both
# databases); reading WeasyPrint's rendering back once is enough.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("period", list(WINDOWS))
def test_pdf_holds_the_domains_figures_for_the_window(app, figures, period):
    first, last, name = WINDOWS[period]
    board = report(period)
    staff = staff_client(app, "police")

    response = staff.get(f"/sv/staff/promises/p2026/report.pdf?period={period}")
    text = pdf_text(response)
    tables = tagged_pdf.read(response.data).tables()  # read back through the structure tree
    part = name if board.period.kind == "tertial" else "summa"

    assert response.headers["Content-Type"] == "application/pdf"
    assert f"Uppföljning: Löfte 2026, {name}" in text
    *counts, hours, planned_hours = tally(first, last)
    assert tables[f"Polisen på plats: {part}"][-1] == [
        name, *map(str, counts), sv(hours), sv(planned_hours)
    ]  # fmt: skip
    operations = item(board, "insatser")
    assert tables[f"Riktade insatser: {part}"][-1] == [name, sv(operations.done)]
    assert "Internt antal. Publiceras inte på webbplatsen." in text
    assert ("Preliminära siffror" in text) == (period != "2026-T2")
    if board.period.kind != "tertial":  # a row per tertial; the running one preliminary
        rows = [
            [f"T{t.n} 2026" + (" (preliminärt)" if t.key in board.open_tertials else ""),
             sv(value)]
            for t, value in operations.tertials
        ]  # fmt: skip
        assert tables["Riktade insatser: per tertial"][1:] == rows
        assert rows[-1] == ["T3 2026 (preliminärt)", "7"]
    assert ("Fyra skolor är med." in text) == (period != "2026-T2")


def test_the_export_is_audited_with_its_period(app, figures):
    staff_client(app, "police").get("/sv/staff/promises/p2026/report.pdf?period=2026-T1")

    db.session.rollback()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "promise_report.export")
    )
    assert event.after == {"format": "pdf", "period": "2026-T1"}


# --- staff-only activities ----------------------------------------------------------------------


def test_a_staff_activity_is_in_the_report_and_nowhere_public(app, client, figures):
    staff = staff_client(app, "police")
    rows = sheets(staff.get("/sv/staff/promises/p2026/report.xlsx?period=2026-T1"))

    assert table(rows["Löfte 2"], "Internt antal: T1 2026 (januari–april)") == [
        ("T1 2026 (januari–april)", 99)
    ]  # fmt: skip
    for url in ("/sv/promises/p2026", "/en/promises/p2026", "/api/v1/promises",
                "/api/v1/promises/p2026", "/sv/promises/feed.atom"):  # fmt: skip
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "Internt antal" not in body and "hemligt" not in body, url


# --- the staff page offers the periods ----------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_staff_promise_page_links_every_begun_period(app, figures, lang):
    page = soup(staff_client(app, "admin").get(f"/{lang}/staff/promises"))

    offered = [
        (li.select_one(".report-period").text, li.select_one(".hint") is not None,
         [a["href"] for a in li.find_all("a")])
        for li in page.select(".report-periods li")
    ]  # fmt: skip

    names = {"sv": ["Hela perioden", "2026", "T3 2026 (september–december)",
                    "T2 2026 (maj–augusti)", "T1 2026 (januari–april)"],
             "en": ["Whole period", "2026", "T3 2026 (September–December)",
                    "T2 2026 (May–August)", "T1 2026 (January–April)"]}[lang]  # fmt: skip
    keys = ["all", "2026", "2026-T3", "2026-T2", "2026-T1"]
    assert offered == [
        (name, key in {"all", "2026", "2026-T3"},
         [f"/{lang}/staff/promises/p2026/report.{kind}?period={key}" for kind in ("pdf", "xlsx")])
        for name, key in zip(names, keys, strict=True)
    ]  # fmt: skip


# --- bad periods ----------------------------------------------------------------------------------

BAD = [  # period, status, Swedish heading, English heading
    ("2026-T4", 400, "Perioden ska skrivas som all, ett år (2026) eller ett tertial (2026-T2)",
     "Write the period as all, a year (2026) or a tertial (2026-T2)"),
    ("", 400, "Perioden ska skrivas som all, ett år (2026) eller ett tertial (2026-T2)",
     "Write the period as all, a year (2026) or a tertial (2026-T2)"),
    ("2027", 404, "Löftet gäller inte under den perioden",
     "The promise does not cover that period"),
    ("2025-T3", 404, "Löftet gäller inte under den perioden",
     "The promise does not cover that period"),
]  # fmt: skip


@pytest.mark.parametrize(("period", "status", "sv_title", "en_title"), BAD)
@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_a_bad_period_gets_a_localized_page_with_the_periods(app, figures, kind, period, status,
                                                              sv_title, en_title):  # fmt: skip
    staff = staff_client(app, "municipality")
    for lang, title in (("sv", sv_title), ("en", en_title)):
        response = staff.get(f"/{lang}/staff/promises/p2026/report.{kind}?period={period}")
        page = soup(response)

        assert response.status_code == status
        assert response.headers["Content-Type"].startswith("text/html")
        assert page.h1.text == title and page.title.text.startswith(title)
        assert len(page.select(".report-periods li")) == 5


def test_a_promise_not_begun_and_repeated_periods_are_refused(app, figures):
    staff = staff_client(app, "police")

    later = staff.get("/en/staff/promises/p2028/report.pdf?period=all")
    twice = staff.get("/sv/staff/promises/p2026/report.pdf?period=2026&period=all")
    unknown = staff.get("/sv/staff/promises/p2099/report.pdf?period=all")

    assert later.status_code == 404
    assert soup(later).h1.text == "The period has not begun yet"
    assert twice.status_code == 400 and unknown.status_code == 404


def test_the_report_is_only_for_staff_who_may_read_it(app, figures):
    response = app.test_client().get("/sv/staff/promises/p2026/report.xlsx?period=nonsense")

    assert response.status_code == 302 and "/sv/staff/login" in response.headers["Location"]


@settings(max_examples=examples(50), deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(period=st.one_of(st.text(max_size=30), st.from_regex(r"20[0-9]{2}(-T[0-9])?",
                                                               fullmatch=True)))  # fmt: skip
def test_any_period_gets_a_report_or_a_localized_refusal(app, period):
    if records.promise_by_key(db.session, "p2026") is None:
        load_test_promises()
    staff = getattr(app, "_fuzz_staff", None) or staff_client(app, "admin")
    app._fuzz_staff = staff

    response = staff.get("/en/staff/promises/p2026/report.xlsx", query_string={"period": period})

    assert response.status_code in {200, 400, 404}
    if response.status_code != 200:
        assert soup(response).h1.text in {
            "Write the period as all, a year (2026) or a tertial (2026-T2)",
            "The promise does not cover that period",
            "The period has not begun yet",
        }


def test_every_workbook_table_is_an_excel_table_with_its_header_row(app, figures):
    response = staff_client(app, "police").get("/sv/staff/promises/p2026/report.xlsx?period=2026")
    book = load_workbook(io.BytesIO(response.data))

    assert book.properties.title == "Uppföljning: Löfte 2026, 2026"
    found = {}
    for sheet in book:
        for table in sheet.tables.values():
            first, _last = table.ref.split(":")
            row = int("".join(c for c in first if c.isdigit()))
            title = sheet.cell(row - 1, 1).value
            header = [c.value for c in sheet[row] if c.value is not None]
            found[title] = header
            assert table.headerRowCount in (None, 1)
    assert found["Sammanfattning"] == ["Aktivitet", "Mål", "Gjort", "Läge"]
    assert found["Polisen på plats: summa"][:7] == [
        "Period", "Planerade", "Blev av", "Blev inte av", "Inställda",
        "Har varit, ej rapporterade", "Kommande",
    ]  # fmt: skip
    assert "Svar per plats och tertial" in found and len(found) >= 10
