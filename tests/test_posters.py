"""Posters: the PDF's QR code decodes (from a rendered page) to the exact short URL, the text
holds the exact times from current data, and every print run has a code of its own."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import NOW
from tests.factories import make_closure
from tests.test_feedback_support import decode_qr_codes, make_poster, pdf_lines, soup
from tests.test_feedback_support import staff_client as logged_in
from tests.test_staff_support import csrf_token
from webapp.extensions import db
from webapp.feedback.codes import ALPHABET, new_code, normalise_code
from webapp.feedback.poster_pdf import (
    QR_SIZE,
    PosterContent,
    PosterSection,
    build_poster_pdf,
    printable,
)
from webapp.models import AuditEvent, Poster, PresenceSlot

CONTENT = PosterContent(
    kicker="Sävsjö kommun och Polisen",
    title="Träffa polisen här",
    place_name="Torget",
    address="Torget, Sävsjö",
    sections=(
        PosterSection("Polisen på plats här", (("Fredag 27 november", "15:00–17:00"),)),
        PosterSection("Poliskontoret har öppet", (("Tisdag", "10:00–12:00"),)),
    ),
    call_to_action="Vad tycker du? Skanna koden.",
    qr_url="https://narvaro.example/q/K7M3QX",
    short_url="narvaro.example/q/K7M3QX",
    subscribe_label="Tiderna i din kalender:",
    subscribe_url="https://narvaro.example/feeds/places/torget.ics",
    emergency="Anmäl inte brott här. Vid nödläge: ring 112.",
    footer="Affischkod K7M3QX",
    created_at=NOW,
)


# --- The pure builder ---


@pytest.mark.parametrize("dpi", [72, 150, 300])
def test_qr_code_decodes_from_the_rendered_page_to_the_exact_url(tmp_path, dpi):
    pdf = build_poster_pdf(CONTENT)

    assert decode_qr_codes(pdf, tmp_path, dpi=dpi) == ["https://narvaro.example/q/K7M3QX"]


def test_qr_code_is_large_with_error_correction_m(tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from tests.test_feedback_support import pdf_to_grey

    dpi = 150
    width, height, pixels = pdf_to_grey(build_poster_pdf(CONTENT), tmp_path, dpi)
    found = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))[0]
    corners = found.position
    side_px = corners.top_right.x - corners.top_left.x
    side_mm = side_px / dpi * 25.4

    assert found.ec_level == "M"
    assert QR_SIZE >= 60
    assert side_mm >= 60  # the modules alone, without the quiet zone


def test_poster_text_is_extractable_with_swedish_letters():
    lines = pdf_lines(build_poster_pdf(CONTENT))

    assert lines == [
        "Sävsjö kommun och Polisen",
        "Träffa polisen här",
        "Torget",
        "Torget, Sävsjö",
        "Polisen på plats här",
        "Fredag 27 november 15:00–17:00",
        "Poliskontoret har öppet",
        "Tisdag 10:00–12:00",
        "Vad tycker du? Skanna koden.",
        "narvaro.example/q/K7M3QX",
        "Tiderna i din kalender: https://narvaro.example/feeds/places/torget.ics",
        "Anmäl inte brott här. Vid nödläge: ring 112.",
        "Affischkod K7M3QX",
    ]


def test_the_same_content_gives_the_same_bytes():
    assert build_poster_pdf(CONTENT) == build_poster_pdf(CONTENT)


def test_poster_is_one_a4_portrait_page():
    import io

    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(build_poster_pdf(CONTENT))).pages[0]

    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_text_outside_the_core_fonts_is_printed_as_near_as_possible():
    assert printable("Sävsjö – Åsa Ölund, Ŝ Ω") == "Sävsjö – Åsa Ölund, S ?"


# --- Codes ---


def test_codes_are_short_and_use_only_unambiguous_characters():
    codes = {new_code() for _ in range(500)}

    assert len(codes) == 500
    assert all(re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTWXYZ]{6}", code) for code in codes)
    assert not set("01ILOUV") & set(ALPHABET)


@pytest.mark.parametrize(
    ("typed", "code"),
    [(" k7m3qx ", "K7M3QX"), ("K7M3QX", "K7M3QX"), ("K7M30X", None), ("", None), ("A" * 17, None)],
)
def test_typed_codes_are_normalised_or_refused(typed, code):
    assert normalise_code(typed) == code


def test_every_print_run_gets_a_code_of_its_own(app):
    posters = [make_poster("torget") for _ in range(30)]

    assert len({p.code for p in posters}) == 30


# --- Download from the staff area ---


def _create_poster(client, slug, lang="sv"):
    token = csrf_token(client, f"/{lang}/staff/posters")
    response = client.post(f"/{lang}/staff/posters", data={"csrf_token": token, "place": slug})
    assert response.status_code == 302, response.status_code
    db.session.rollback()
    return db.session.scalars(select(Poster).order_by(Poster.id.desc())).first()


def test_staff_download_a_poster_whose_qr_decodes_to_its_short_url(app, tmp_path):
    client = logged_in(app, "police")
    poster = _create_poster(client, "torget")

    response = client.get(f"/sv/staff/posters/{poster.code}.pdf")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="affisch-torget-{poster.code}.pdf"'
    )
    assert decode_qr_codes(response.data, tmp_path) == [f"https://narvaro.example/q/{poster.code}"]


def test_poster_prints_the_coming_presence_times_and_the_office_hours(app):
    client = logged_in(app, "municipality")
    poster = _create_poster(client, "torget")

    lines = pdf_lines(client.get(f"/sv/staff/posters/{poster.code}.pdf").data)

    assert lines == [
        "Sävsjö kommun och Polisen",
        "Träffa polisen här",
        "Torget",
        "Torget, Sävsjö",
        "Exempeldata: tiderna är ännu inte bekräftade av polisen och kommunen.",
        "Polisen på plats här",
        "Fredag 27 november 13:00–14:30",
        "Fredag 4 december 13:00–14:30",
        "Fredag 11 december 13:00–14:30",
        "Fredag 18 december 13:00–14:30",
        "Tiderna kan ändras. De senaste tiderna finns på",
        "webbplatsen.",
        "Poliskontoret har öppet",
        "Tisdag 09:30–11:45",
        "12:45–15:30",
        "Torsdag 12:00–17:30",
        "Fredag 08:30–11:30",
        "Vad tycker du? Skanna koden och svara på tre korta frågor.",
        f"narvaro.example/q/{poster.code}",
        "Tiderna i din kalender: https://narvaro.example/feeds/places/torget.ics",
        "Anmäl inte brott här. Vid nödläge: ring 112. Annars: ring 114 14 eller gå till "
        "polisen.se.",
        f"Affischkod {poster.code} · skapad 2026-11-24",
    ]


def test_poster_follows_current_data_cancellations_and_closures(app):
    client = logged_in(app, "police")
    poster = _create_poster(client, "torget")
    slot = db.session.scalars(
        select(PresenceSlot).where(PresenceSlot.starts_at == datetime(2026, 12, 4, 12, tzinfo=UTC))
    ).one()
    slot.status = "cancelled"
    make_closure()  # the office closed on Tuesday 1 December

    lines = pdf_lines(client.get(f"/sv/staff/posters/{poster.code}.pdf").data)

    assert "Fredag 4 december 13:00–14:30" not in lines
    assert "Fredag 27 november 13:00–14:30" in lines

    assert lines[lines.index("Ändrade tider:") + 1] == "Tisdag 1 december: stängt (Utbildningsdag)"


def test_office_poster_has_the_office_feed_and_no_presence_column(app):
    client = logged_in(app, "police")
    poster = _create_poster(client, "poliskontoret")

    lines = pdf_lines(client.get(f"/sv/staff/posters/{poster.code}.pdf").data)

    assert "Poliskontoret i Sävsjö" in lines
    assert "Polisen på plats här" not in lines
    assert "Tiderna i din kalender: https://narvaro.example/feeds/office.ics" in lines


def test_english_poster_uses_the_english_names_and_feed(app):
    client = logged_in(app, "police")
    poster = _create_poster(client, "torget", lang="en")

    lines = pdf_lines(client.get(f"/en/staff/posters/{poster.code}.pdf").data)

    assert "Torget (the square)" in lines
    assert [line for line in lines if "/feeds/places/torget.ics?lang=en" in line] != []


def test_without_a_public_base_url_the_qr_code_uses_the_request_host(app, tmp_path):
    app.config["PUBLIC_BASE_URL"] = ""
    client = logged_in(app, "police")
    poster = _create_poster(client, "biblioteket")

    pdf = client.get(f"/sv/staff/posters/{poster.code}.pdf").data

    assert decode_qr_codes(pdf, tmp_path) == [f"http://localhost/q/{poster.code}"]


def test_creating_a_poster_is_audited_and_listed_with_its_counts(app):
    client = logged_in(app, "police")
    poster = _create_poster(client, "resecentrum")
    app.test_client().get(f"/q/{poster.code}")

    page = soup(client.get("/sv/staff/posters"))

    row = page.find("tr", id=f"poster-{poster.code}")
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "poster.create")).one()
    assert cells[0] == f"{poster.code} narvaro.example/q/{poster.code}"
    assert cells[2:4] == ["1", f"0 svar från affischen {poster.code}"]
    assert (event.actor.email, event.object_id) == ("polis@example.se", str(poster.id))
    assert event.after == {"code": poster.code, "place": "resecentrum"}


def test_unknown_poster_pdf_is_404(app):
    client = logged_in(app, "police")

    assert client.get("/sv/staff/posters/ZZZZZZ.pdf").status_code == 404


def test_admins_and_visitors_cannot_make_posters(app):
    poster = make_poster("torget")
    admin = logged_in(app, "admin")
    visitor = app.test_client()

    assert admin.get("/sv/staff/posters").status_code == 403
    assert admin.get(f"/sv/staff/posters/{poster.code}.pdf").status_code == 403
    assert visitor.get(f"/sv/staff/posters/{poster.code}.pdf").status_code == 302
