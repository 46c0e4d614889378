"""The follow-up report of the citizen promise: figures, tertials, the staff page and its CSV."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import make_closure, make_slot, place
from tests.support.html import error_summary, soup
from tests.support.staff import staff_client
from webapp.extensions import db
from webapp.models import AuditEvent, Feedback, Municipality, Poster, PosterScan
from webapp.promise.figures import followup_report
from webapp.promise.periods import tertial, tertial_holding

TZ = ZoneInfo("Europe/Stockholm")
# Two weeks in May 2026 with Kristi himmelsfärdsdag (Thu 14 May); "now" is Wed 20 May, 14:00 local.
FIRST, LAST = date(2026, 5, 11), date(2026, 5, 24)
NOW_MAY = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
PERIOD = "/sv/staff/report?from=2026-05-11&to=2026-05-24"
EXPORT = "/sv/staff/report/export.csv?from=2026-05-11&to=2026-05-24"


def _followup(first, last):
    """The follow-up in May 2026 for the municipality the data file loaded."""
    municipality = db.session.scalar(select(Municipality))
    return followup_report(db.session, first, last, TZ, NOW_MAY, municipality=municipality)


def _utc(day, hour, minute=0):
    return datetime(2026, 5, day, hour, minute, tzinfo=UTC)


def _slot(starts_at, minutes=60, slug="torget", **values):
    ends_at = starts_at + timedelta(minutes=minutes)
    return make_slot(starts_at=starts_at, ends_at=ends_at, place=slug, **values)


def _feedback(slug, at, met=None, safety=None, reach=None):
    db.session.add(
        Feedback(
            created_at=at,
            place_id=place(slug).id,
            met_police=met,
            safety=safety,
            reach_ease=reach,
            comment="",
        )
    )


def _scans(code, slug, counts):
    poster = Poster(code=code, place_id=place(slug).id, created_at=_utc(1, 8))
    db.session.add(poster)
    db.session.flush()
    for day, scans in counts.items():
        db.session.add(PosterScan(poster_id=poster.id, day=date(2026, 5, day), scans=scans))


def arrange_period():
    """Slots with every kind of outcome, two closures, feedback rows and poster scans."""
    _slot(_utc(12, 13), 120, held=True, people_met=7)
    _slot(_utc(13, 14), 90, "resecentrum", held=True)
    _slot(_utc(15, 13), held=False, outcome_reason="Akut ärende")
    _slot(_utc(18, 13), status="cancelled", note="Sjukdom")
    _slot(_utc(19, 13), 60, "resecentrum", status="cancelled", note="+ Personalbrist")
    _slot(_utc(10, 22, 30), 30)  # 00:30 on Monday 11 May in Sävsjö: passed, not reported
    _slot(_utc(22, 13), slug="biblioteket")  # after "now": upcoming
    _slot(_utc(24, 22, 30), held=True, people_met=99)  # 00:30 on 25 May: outside
    _slot(_utc(10, 21, 30), held=True, people_met=99)  # 23:30 on 10 May: outside
    make_closure(
        first_day=date(2026, 5, 15),
        last_day=date(2026, 5, 15),
        hours=[["09:00", "10:00"]],
        note="Kortare dag",
        translations={},
    )
    make_closure(first_day=date(2026, 5, 21), last_day=date(2026, 5, 21))  # Utbildningsdag
    _feedback("torget", _utc(12, 12), "met", 4, 5)
    _feedback("torget", _utc(13, 12), "saw", 5)
    _feedback("torget", _utc(10, 22, 30))  # 00:30 on 11 May: inside, nothing answered
    _feedback("resecentrum", _utc(16, 9), "no", 2, 3)
    _feedback("poliskontoret", _utc(19, 9), "met", None, 4)
    _feedback("torget", _utc(24, 22, 30), "met", 1, 1)  # 25 May: outside
    _scans("K7M3QX", "torget", {11: 3, 24: 2, 25: 10, 10: 4})
    _scans("P4W9TR", "resecentrum", {20: 1})
    db.session.commit()


def _cells(page, row_id):
    return [cell.get_text(strip=True) for cell in page.select(f"#{row_id} > *")]


# The words the Swedish CSV writes, and the codes the assertions below use for them.
SWEDISH = {
    "Del": "section", "Plats": "place", "Mått": "measure", "Detalj": "detail", "Värde": "value",
    "Totalt": "total", "Period": "period", "Polisens närvaro": "presence",
    "Poliskontoret": "office",
    "Synpunkter": "feedback", "Skanningar": "scans", "Från och med": "first_day",
    "Till och med": "last_day", "Sammanställd": "generated_at", "Planerade": "planned",
    "Inställda": "cancelled", "Blev av": "held", "Blev inte av": "not_held",
    "Har varit, ej rapporterade": "unreported", "Kommande": "upcoming",
    "Planerade timmar": "planned_hours", "Timmar som blev av": "held_hours",
    "Samtal": "people_met", "Orsak till inställt": "cancel_reason",
    "Orsak till att det inte blev av": "not_held_reason",
    "Ordinarie öppettimmar": "usual_hours", "Dagar med öppet": "days_open",
    "Dagar stängt för helgdag": "days_closed_holiday",
    "Dagar stängt av annat skäl": "days_closed_closure",
    "Dagar med ändrade tider": "days_changed_closure", "Helgdag": "holiday",
    "Stängd dag": "closed_day", "Ändrade tider": "changed_day", "Svar": "responses",
    "Träffade polisen": "met_police", "Svar om trygghet": "safety_answers",
    "Trygghet, medel (1–5)": "safety_mean", "Trygghet": "safety",
    "Svar om att nå polisen": "reach_ease_answers",
    "Lätt att nå polisen, medel (1–5)": "reach_ease_mean", "Lätt att nå polisen": "reach_ease",
    "Ja, jag pratade med polisen här": "met", "Ja, jag såg polisen här": "saw", "Nej": "no",
}  # fmt: skip


def _csv_rows(data: bytes) -> list[list[str]]:
    """The CSV's rows with its Swedish words as codes (every word must be known)."""
    assert data.startswith(b"\xef\xbb\xbf")
    # Semicolons, as Excel with Swedish settings splits columns.
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))
    out = [[SWEDISH[c] for c in rows[0]]]
    for section, where, measure, detail, value in rows[1:]:
        if SWEDISH[measure] == "met_police":
            detail = SWEDISH[detail]
        where = "total" if where == "Totalt" else where
        out.append([SWEDISH[section], where, SWEDISH[measure], detail, value])
    return out


def _events(action):
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- Tertials ---


@pytest.mark.parametrize(
    ("year", "n", "bounds"),
    [
        (2026, 1, (date(2026, 1, 1), date(2026, 4, 30))),
        (2026, 2, (date(2026, 5, 1), date(2026, 8, 31))),
        (2026, 3, (date(2026, 9, 1), date(2026, 12, 31))),
        (2028, 1, (date(2028, 1, 1), date(2028, 4, 30))),
    ],
)
def test_tertial_bounds_cover_four_months(year, n, bounds):
    t = tertial(year, n)
    assert (t.first_day, t.last_day) == bounds
    assert (t.key, t.label(lambda text, **kw: text % kw)) == (f"{year}-T{n}", f"T{n} {year}")


@pytest.mark.parametrize(
    ("day", "year_and_n"),
    [
        (date(2026, 1, 1), (2026, 1)),
        (date(2028, 2, 29), (2028, 1)),
        (date(2026, 4, 30), (2026, 1)),
        (date(2026, 5, 1), (2026, 2)),
        (date(2026, 8, 31), (2026, 2)),
        (date(2026, 9, 1), (2026, 3)),
        (date(2026, 12, 31), (2026, 3)),
    ],
)
def test_tertial_of_a_day(day, year_and_n):
    found = tertial_holding(day)
    assert (found.year, found.n) == year_and_n
    assert found.first_day <= day <= found.last_day


def test_tertial_bounds_refuse_a_fourth_tertial():
    with pytest.raises(ValueError):
        tertial(2026, 4)


# --- Figures ---


def test_presence_figures_per_place_and_in_total(app):
    arrange_period()

    report = _followup(FIRST, LAST)

    torget, rese, bibl = (
        report.presence_at(place(s)) for s in ("torget", "resecentrum", "biblioteket")
    )
    total = report.presence_total
    assert [p.slug for p in report.presence_places] == ["torget", "resecentrum", "biblioteket"]
    assert (torget.planned, torget.cancelled, torget.held, torget.not_held) == (4, 1, 1, 1)
    assert (torget.unreported, torget.upcoming, torget.planned_minutes) == (1, 0, 210)
    assert (torget.held_minutes, torget.people_met) == (120, 7)
    assert dict(torget.cancel_reasons) == {"Sjukdom": 1}
    assert dict(torget.not_held_reasons) == {"Akut ärende": 1}
    assert (rese.planned, rese.cancelled, rese.held, rese.planned_minutes, rese.people_met) == (
        2, 1, 1, 90, 0,
    )  # fmt: skip
    assert (bibl.planned, bibl.upcoming, bibl.planned_minutes) == (1, 1, 60)
    assert (total.planned, total.cancelled, total.held, total.not_held) == (7, 2, 2, 1)
    assert (total.unreported, total.upcoming, total.planned_minutes) == (1, 1, 360)
    assert (total.held_minutes, total.people_met) == (210, 7)
    assert dict(total.cancel_reasons) == {"Sjukdom": 1, "+ Personalbrist": 1}


def test_office_figures_count_holidays_and_closures(app):
    arrange_period()

    office = _followup(FIRST, LAST).office

    # The file's weeks: Tue 5 h, Thu 5.5 h, Fri 3 h. Planned: 27 h less Thursday 14 May (holiday),
    # Thursday 21 May (closed) and Friday 15 May's 3 h, plus its 1 h of changed hours.
    assert (office.usual_minutes, office.planned_minutes, office.days_open) == (27 * 60, 14 * 60, 4)
    assert office.holidays == [(date(2026, 5, 14), "Kristi himmelsfärdsdag")]
    assert office.closed_days == [(date(2026, 5, 21), "Utbildningsdag")]
    assert office.changed_days == [(date(2026, 5, 15), "Kortare dag")]


def test_feedback_and_scan_figures_per_place(app):
    arrange_period()

    report = _followup(FIRST, LAST)

    torget, total = report.feedback_at(place("torget")), report.feedback_total
    assert [p.slug for p in report.feedback_places] == [
        "poliskontoret", "torget", "resecentrum", "biblioteket",
    ]  # fmt: skip
    assert (torget.responses, torget.met_police) == (3, {"met": 1, "saw": 1, "no": 0})
    assert torget.safety.counts == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}
    assert (torget.safety.mean, torget.reach_ease.mean) == (4.5, 5.0)
    assert report.feedback_at(place("poliskontoret")).safety.mean is None
    assert report.feedback_at(place("biblioteket")).responses == 0
    assert report.feedback_at(place("biblioteket")).reach_ease.mean is None
    assert (total.responses, total.met_police) == (5, {"met": 2, "saw": 1, "no": 1})
    assert total.safety.counts == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert total.safety.mean == pytest.approx(11 / 3)
    assert total.reach_ease.counts == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert total.reach_ease.mean == 4.0
    scans = {p.slug: report.scans_at(p) for p in report.feedback_places}
    assert scans == {"poliskontoret": 0, "torget": 5, "resecentrum": 1, "biblioteket": 0}
    assert report.scans_total == 6


def test_an_empty_period_has_zeros_and_no_means(app):
    report = _followup(date(2026, 5, 4), date(2026, 5, 4))

    assert report.presence_total.planned == 0
    assert report.feedback_total.responses == 0
    assert report.feedback_total.safety.mean is None
    assert report.office.planned_minutes == 0  # a Monday


# --- The page ---


@pytest.mark.parametrize("role", ["police", "municipality", "admin"])
def test_the_report_shows_the_current_tertial_to_every_staff_role(app, role):
    client = staff_client(app, role)

    response = client.get("/sv/staff/report")

    page = soup(response)
    assert response.status_code == 200
    assert page.h1.get_text(strip=True) == "Uppföljning av medborgarlöftet: Tertial 3 2026"
    assert page.title.get_text().startswith("Uppföljning av medborgarlöftet: Tertial 3 2026")
    assert page.select_one("#year")["value"] == "2026"
    assert page.select_one("#tertial option[selected]")["value"] == "3"
    assert page.select_one(".staff-nav a[aria-current=page]")["href"] == "/sv/staff/report"


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/sv/staff/report")

    assert response.status_code == 302
    assert response.headers["Location"] == "/sv/staff/login?next=/sv/staff/report"


def test_the_page_shows_the_figures_in_tables(app, pin):
    pin(NOW_MAY)
    arrange_period()
    client = staff_client(app, "municipality")

    page = soup(client.get(PERIOD))

    assert _cells(page, "presence-torget") == ["Torget", "4", "1", "1", "1", "1", "0", "3,5", "7"]
    assert _cells(page, "presence-total") == ["Totalt", "7", "2", "2", "1", "1", "1", "6", "7"]
    assert _cells(page, "feedback-torget") == ["Torget", "3", "1", "1", "0", "4,5", "5,0", "5"]
    assert _cells(page, "feedback-biblioteket") == [
        "Biblioteket",
        "0",
        "0",
        "0",
        "0",
        "–",
        "–",
        "0",
    ]
    assert _cells(page, "feedback-total") == ["Totalt", "5", "2", "1", "1", "3,7", "4,0", "6"]
    assert [
        [c.get_text(strip=True) for c in row.select("th, td")]
        for row in page.select("#office-exceptions tbody tr")
    ] == [
        ["tors 14 maj 2026", "Helgdag", "Kristi himmelsfärdsdag"],
        ["fre 15 maj 2026", "Ändrade tider", "Kortare dag"],
        ["tors 21 maj 2026", "Stängt", "Utbildningsdag"],
    ]
    assert all(table.caption for table in page.select("table"))


def test_the_csv_has_the_same_figures(app, pin):
    pin(NOW_MAY)
    arrange_period()
    client = staff_client(app, "police")

    response = client.get(EXPORT)

    rows = _csv_rows(response.data)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="uppfoljning-20260511-20260524.csv"'
    )
    assert rows[0] == ["section", "place", "measure", "detail", "value"]
    assert rows[1:4] == [
        ["period", "", "first_day", "", "2026-05-11"],
        ["period", "", "last_day", "", "2026-05-24"],
        ["period", "", "generated_at", "", "2026-05-20 14:00"],
    ]
    presence = [r for r in rows if r[0] == "presence" and r[1] in ("torget", "total")]
    assert presence == [
        ["presence", "torget", "planned", "", "4"],
        ["presence", "torget", "cancelled", "", "1"],
        ["presence", "torget", "held", "", "1"],
        ["presence", "torget", "not_held", "", "1"],
        ["presence", "torget", "unreported", "", "1"],
        ["presence", "torget", "upcoming", "", "0"],
        ["presence", "torget", "planned_hours", "", "3,5"],
        ["presence", "torget", "held_hours", "", "2"],
        ["presence", "torget", "people_met", "", "7"],
        ["presence", "torget", "cancel_reason", "Sjukdom", "1"],
        ["presence", "torget", "not_held_reason", "Akut ärende", "1"],
        ["presence", "total", "planned", "", "7"],
        ["presence", "total", "cancelled", "", "2"],
        ["presence", "total", "held", "", "2"],
        ["presence", "total", "not_held", "", "1"],
        ["presence", "total", "unreported", "", "1"],
        ["presence", "total", "upcoming", "", "1"],
        ["presence", "total", "planned_hours", "", "6"],
        ["presence", "total", "held_hours", "", "3,5"],
        ["presence", "total", "people_met", "", "7"],
        ["presence", "total", "cancel_reason", "'+ Personalbrist", "1"],
        ["presence", "total", "cancel_reason", "Sjukdom", "1"],
        ["presence", "total", "not_held_reason", "Akut ärende", "1"],
    ]
    assert [r for r in rows if r[0] == "office"] == [
        ["office", "", "usual_hours", "", "27"],
        ["office", "", "planned_hours", "", "14"],
        ["office", "", "days_open", "", "4"],
        ["office", "", "days_closed_holiday", "", "1"],
        ["office", "", "days_closed_closure", "", "1"],
        ["office", "", "days_changed_closure", "", "1"],
        ["office", "", "holiday", "Kristi himmelsfärdsdag", "2026-05-14"],
        ["office", "", "closed_day", "Utbildningsdag", "2026-05-21"],
        ["office", "", "changed_day", "Kortare dag", "2026-05-15"],
    ]
    assert [r for r in rows if r[0] == "feedback" and r[1] == "total"] == [
        ["feedback", "total", "responses", "", "5"],
        ["feedback", "total", "met_police", "met", "2"],
        ["feedback", "total", "met_police", "saw", "1"],
        ["feedback", "total", "met_police", "no", "1"],
        ["feedback", "total", "safety_answers", "", "3"],
        ["feedback", "total", "safety_mean", "", "3,67"],
        ["feedback", "total", "safety", "1", "0"],
        ["feedback", "total", "safety", "2", "1"],
        ["feedback", "total", "safety", "3", "0"],
        ["feedback", "total", "safety", "4", "1"],
        ["feedback", "total", "safety", "5", "1"],
        ["feedback", "total", "reach_ease_answers", "", "3"],
        ["feedback", "total", "reach_ease_mean", "", "4"],
        ["feedback", "total", "reach_ease", "1", "0"],
        ["feedback", "total", "reach_ease", "2", "0"],
        ["feedback", "total", "reach_ease", "3", "1"],
        ["feedback", "total", "reach_ease", "4", "1"],
        ["feedback", "total", "reach_ease", "5", "1"],
    ]
    assert ["feedback", "poliskontoret", "safety_mean", "", ""] in rows
    assert [r for r in rows if r[0] == "scans"] == [
        ["scans", "poliskontoret", "scans", "", "0"],
        ["scans", "torget", "scans", "", "5"],
        ["scans", "resecentrum", "scans", "", "1"],
        ["scans", "biblioteket", "scans", "", "0"],
        ["scans", "total", "scans", "", "6"],
    ]


def test_english_csv_uses_a_decimal_point(app, pin):
    pin(NOW_MAY)
    arrange_period()
    client = staff_client(app, "police")

    data = client.get(EXPORT.replace("/sv/", "/en/")).data
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))

    assert rows[0] == ["Section", "Place", "Measure", "Detail", "Figure"]
    assert ["Police presence", "torget", "Planned hours", "", "3.5"] in rows


def test_viewing_and_exporting_leave_audit_entries(app):
    client = staff_client(app, "municipality")

    client.get("/sv/staff/report?year=2026&tertial=2")
    client.get("/sv/staff/report/export.csv?year=2026&tertial=year")

    viewed, exported = _events("report.view"), _events("report.export")
    assert [(e.actor_label, e.after) for e in viewed] == [
        ("kommun@example.se", {"first_day": "2026-05-01", "last_day": "2026-08-31"})
    ]
    assert [(e.actor_label, e.after) for e in exported] == [
        ("kommun@example.se", {"first_day": "2026-01-01", "last_day": "2026-12-31"})
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc&tertial=1", "Skriv året med siffror, till exempel 2026"),
        ("year=1999&tertial=1", "Skriv ett år mellan 2000 och 2100"),
        ("year=&tertial=1", "Skriv året, till exempel 2026"),
        ("year=2026&tertial=7", "Välj ett tertial eller hela året"),
        ("from=2026-05-10", "Skriv periodens sista dag"),
        ("from=10/5&to=2026-05-20", "Skriv datumet som år-månad-dag, till exempel 2026-12-04"),
        ("from=2026-05-10&to=2026-05-01", "Slutdatumet får inte vara före startdatumet"),
        ("from=2024-01-01&to=2026-01-01", "Välj en period på högst två år"),
        ("from=1800-01-01&to=1800-02-01", "Skriv ett datum mellan år 2000 och 2100"),
    ],
)
def test_invalid_periods_answer_400_with_a_message(app, query, message):
    client = staff_client(app, "police")

    response = client.get(f"/sv/staff/report?{query}")

    assert response.status_code == 400
    assert message in error_summary(response)
    assert soup(response).title.get_text().startswith("Fel: Uppföljning av medborgarlöftet")


def test_an_invalid_export_goes_back_to_the_page(app):
    client = staff_client(app, "police")

    response = client.get("/sv/staff/report/export.csv?year=abc&tertial=1")

    assert response.status_code == 302
    assert response.headers["Location"] == "/sv/staff/report?year=abc&tertial=1"
    assert _events("report.export") == []


TEXT = st.one_of(
    st.sampled_from(["", "2026", "3", "year", "2026-05-01", "2027-02-29", "0", "-1", "9" * 30]),
    st.text(max_size=12),
)


def test_no_query_makes_a_server_error(app):
    client = staff_client(app, "admin")

    @settings(max_examples=60, deadline=None)
    @given(year=TEXT, tertial=TEXT, first=TEXT, last=TEXT, lang=st.sampled_from(["sv", "en"]))
    def check(year, tertial, first, last, lang):
        query = {"year": year, "tertial": tertial, "from": first, "to": last}

        page = client.get(f"/{lang}/staff/report", query_string=query)
        export = client.get(f"/{lang}/staff/report/export.csv", query_string=query)

        assert page.status_code in (200, 400)
        assert export.status_code in (200, 302)

    check()
