"""Posters: the PDF's QR code decodes (from a rendered page) to the exact short URL, the text
holds the exact times from current data, the weekly pattern, the site's address and a line in
every offered language (Arabic and Persian shaped), and every print run has a code of its own."""

import dataclasses
import re
import tomllib
from datetime import UTC, date, datetime, time
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from tests.conftest import CALENDAR, NOW
from tests.factories import make_closure, make_poster, offer_languages, place
from tests.support.html import soup
from tests.support.pdf import decode_qr_codes, drawn_glyphs, pdf_lines, word_boxes
from tests.support.staff import csrf_token, staff_client
from webapp.config import TRANSLATIONS
from webapp.extensions import db
from webapp.feedback.codes import ALPHABET, new_code, normalise_code
from webapp.feedback.poster_pdf import (
    PAGE_H,
    QR_SIZE,
    LanguageLine,
    PosterContent,
    PosterSection,
    build_poster_pdf,
)
from webapp.models import AuditEvent, Poster, PresenceSlot
from webapp.schedule import store
from webapp.schedule.presence import WeeklyPattern, weekly_patterns_on

ARABIC = "النموذج متوفر باللغة العربية"
PERSIAN = "فرم به زبان فارسی موجود است"
CONTENT = PosterContent(
    kicker="Sävsjö kommun och Polisen",
    title="Träffa polisen här",
    place_name="Torget",
    address="Torget, Sävsjö",
    sections=(
        PosterSection(
            "Polisen på plats här",
            (("Fredag 27 november", "15:00–17:00"),),
            pattern=(("Fredagar", "15:00–17:00"),),
            rows_heading="De närmaste tiderna:",
        ),
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
    site_line="Alla tider och ändringar: narvaro.example",
    languages=(
        LanguageLine("sv", "Formuläret finns på svenska"),
        LanguageLine("ar", ARABIC, rtl=True),
        LanguageLine("fa", PERSIAN, rtl=True),
        LanguageLine("ti", "እቲ ቅጥዒ ብትግርኛ ኣሎ"),
        LanguageLine("uk", "Форма є українською мовою"),
    ),
)
# "العربية" and "فارسی" as drawn, left to right: joined forms, last letter first.
ARABIC_WORD_DRAWN = [
    "ARABIC LETTER TEH MARBUTA FINAL FORM",
    "ARABIC LETTER YEH MEDIAL FORM",
    "ARABIC LETTER BEH INITIAL FORM",
    "ARABIC LETTER REH FINAL FORM",
    "ARABIC LETTER AIN MEDIAL FORM",
    "ARABIC LETTER LAM INITIAL FORM",
    "ARABIC LETTER ALEF",
]
PERSIAN_WORD_DRAWN = [
    "ARABIC LETTER FARSI YEH FINAL FORM",
    "ARABIC LETTER SEEN INITIAL FORM",
    "ARABIC LETTER REH",
    "ARABIC LETTER ALEF FINAL FORM",
    "ARABIC LETTER FEH INITIAL FORM",
]


SV_DAYS = dict(
    zip(
        ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        ("måndagar", "tisdagar", "onsdagar", "torsdagar", "fredagar", "lördagar", "söndagar"),
        strict=True,
    )
)


def file_patterns(slug: str) -> list[str]:
    """The tests' data file's weekly patterns for a place, as the poster prints them in Swedish."""
    data = tomllib.loads(CALENDAR.read_text(encoding="utf-8"))
    lines = []
    for pattern in data["presence"]:
        if pattern["place"] != slug:
            continue
        days = " och ".join(SV_DAYS[day] for day in pattern["days"])
        every = {1: "", 2: " varannan vecka"}[pattern.get("every_weeks", 1)]
        starts, ends = pattern["time"].split("-")
        lines.append(f"{days[:1].upper()}{days[1:]}{every} {starts}–{ends}")
    return lines


def offered_language_lines() -> list[LanguageLine]:
    """The data file's languages, each with its catalogue's "Formuläret finns på svenska"."""
    msgid = "Formuläret finns på svenska"
    lines = []
    for code in tomllib.loads(CALENDAR.read_text(encoding="utf-8"))["municipality"]["languages"]:
        text = msgid
        if code != "sv":
            with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as po:
                text = read_po(po, locale=code)[msgid].string
        lines.append(LanguageLine(code, text, rtl=code in ("ar", "fa")))
    return lines


def as_read_back(line: LanguageLine) -> str:
    """How pypdf reads a line back: a right-to-left line's words come in the order they are
    drawn on the page (left to right), each word itself in reading order."""
    return " ".join(reversed(line.text.split())) if line.rtl else line.text


def contains_run(sequence, run) -> bool:
    return any(sequence[i : i + len(run)] == run for i in range(len(sequence) - len(run) + 1))


# --- The pure builder ---


@pytest.mark.parametrize("dpi", [72, 150, 300])
def test_qr_code_decodes_from_the_rendered_page_to_the_exact_url(tmp_path, dpi):
    pdf = build_poster_pdf(CONTENT)

    assert decode_qr_codes(pdf, tmp_path, dpi=dpi) == ["https://narvaro.example/q/K7M3QX"]


def test_qr_code_is_large_with_error_correction_m(tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from tests.support.pdf import pdf_to_grey

    dpi = 150
    width, height, pixels = pdf_to_grey(build_poster_pdf(CONTENT), tmp_path, dpi)
    found = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))[0]
    corners = found.position
    side_px = corners.top_right.x - corners.top_left.x
    side_mm = side_px / dpi * 25.4

    assert found.ec_level == "M"
    assert QR_SIZE >= 60
    assert side_mm >= 60  # the modules alone, without the quiet zone


def test_poster_text_is_extractable_with_swedish_letters_and_every_script():
    lines = pdf_lines(build_poster_pdf(CONTENT))

    assert lines == [
        "Sävsjö kommun och Polisen",
        "Träffa polisen här",
        "Torget",
        "Torget, Sävsjö",
        "Polisen på plats här",
        "Fredagar 15:00–17:00",
        "De närmaste tiderna:",
        "Fredag 27 november 15:00–17:00",
        "Poliskontoret har öppet",
        "Tisdag 10:00–12:00",
        "Alla tider och ändringar: narvaro.example",
        "Vad tycker du? Skanna koden.",
        "narvaro.example/q/K7M3QX",
        "Formuläret finns på svenska",
        "العربية باللغة متوفر النموذج",
        "است موجود فارسی زبان به فرم",
        "እቲ ቅጥዒ ብትግርኛ ኣሎ",
        "Форма є українською мовою",
        "Tiderna i din kalender: https://narvaro.example/feeds/places/torget.ics",
        "Anmäl inte brott här. Vid nödläge: ring 112.",
        "Affischkod K7M3QX",
    ]


def test_arabic_and_persian_lines_are_shaped_with_joined_letters():
    glyphs = drawn_glyphs(build_poster_pdf(CONTENT))["NotoSansArabic"]

    assert contains_run(glyphs, ARABIC_WORD_DRAWN)
    assert contains_run(glyphs, PERSIAN_WORD_DRAWN)
    assert "ARABIC LETTER LAM MEDIAL FORM" in glyphs  # "باللغة"


def test_the_shaping_check_sees_unjoined_letters_when_shaping_is_off():
    from fpdf import FPDF

    from webapp.pdf_text import use_bundled_fonts

    pdf = FPDF()
    family = use_bundled_fonts(pdf, shaping=False)
    pdf.add_page()
    pdf.set_font(family, "", 12)
    pdf.cell(text=ARABIC)
    glyphs = drawn_glyphs(bytes(pdf.output()))["NotoSansArabic"]

    assert not contains_run(glyphs, ARABIC_WORD_DRAWN)
    assert [g for g in glyphs if g.endswith("FORM")] == []
    assert glyphs[-7:] == [
        "ARABIC LETTER ALEF",
        "ARABIC LETTER LAM",
        "ARABIC LETTER AIN",
        "ARABIC LETTER REH",
        "ARABIC LETTER BEH",
        "ARABIC LETTER YEH",
        "ARABIC LETTER TEH MARBUTA",
    ]


def test_right_to_left_lines_are_right_aligned_in_their_column(tmp_path):
    words = word_boxes(build_poster_pdf(CONTENT), tmp_path)
    arabic = [w for w in words if re.search("[\u0600-\u06ff]", w[0])]
    left_column = [w for w in words if w[0] in ("Formuläret", "Foomku")]
    column_end = 15 + (180 - 8) / 2  # mm: the left column's right edge (margin + width)

    assert {round(w[1]) for w in left_column} == {45}  # left-to-right: from the left edge
    assert max(w[3] for w in arabic) == pytest.approx(column_end / 25.4 * 72 - 2.83, abs=1)
    assert min(w[1] for w in arabic) > 100  # not left-aligned


# An Arabic poster: numbers inside right-to-left sentences and rows. (Staff print posters in
# Swedish or English today; the builder is ready for any language's text.)
ARABIC_POSTER = dataclasses.replace(
    CONTENT,
    lang="ar",
    sections=(
        PosterSection(
            "الشرطة هنا",
            (("الجمعة 4 ديسمبر", "13:00–18:00"),),
            pattern=(("أيام الجمعة", "13:00–18:00"),),
            rows_heading="المواعيد القادمة:",
        ),
    ),
    emergency="لا تبلّغ عن جريمة هنا. في الطوارئ اتصل بـ 112، وإلا اتصل بـ 114 14.",
)


def test_numbers_in_right_to_left_lines_read_in_their_own_order(tmp_path):
    pdf = build_poster_pdf(ARABIC_POSTER)
    words = [(w[0].strip(".,،"), w[1], (w[2] + w[4]) / 2) for w in word_boxes(pdf, tmp_path)]
    lines = pdf_lines(pdf)

    def digits_beside(word):  # the numbers drawn on `word`'s line, left to right
        middle = next(w[2] for w in words if w[0] == word)
        beside = [w for w in words if abs(w[2] - middle) < 3 and w[0][:1].isdigit()]
        return [w[0] for w in sorted(beside, key=lambda w: w[1])]

    assert digits_beside("14") == ["114", "14", "112"]  # "114 14", not "14 114"
    assert digits_beside("مايأ") == ["13:00–18:00"]  # the pattern line's time, not "18:00–13:00"
    assert "13:00–18:00 الجمعة أيام" in lines  # words drawn right to left, the time kept
    assert "ديسمبر 4 الجمعة 13:00–18:00" in lines
    assert any(".114 14 بـ اتصل" in line for line in lines)
    assert not any(c in line for line in lines for c in "\u2066\u2069")  # the isolates unseen


def test_the_same_content_gives_the_same_bytes():
    assert build_poster_pdf(CONTENT) == build_poster_pdf(CONTENT)


def test_poster_is_one_a4_portrait_page():
    import io

    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(build_poster_pdf(CONTENT))).pages[0]

    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_bundled_fonts_cover_every_offered_languages_line():
    from fontTools.ttLib import TTFont

    from webapp.pdf_text import FACES, FONTS

    covered = set()
    for file in set(FACES.values()):
        covered |= set(TTFont(FONTS / file).getBestCmap())

    for line in offered_language_lines():
        assert {c for c in line.text if ord(c) not in covered} == set(), line.lang


def test_text_outside_windows_1252_is_printed_as_it_is():
    content = dataclasses.replace(CONTENT, place_name="Sävsjö – Åsa Ölund, Ŝ Ω Łódź")

    assert "Sävsjö – Åsa Ölund, Ŝ Ω Łódź" in pdf_lines(build_poster_pdf(content))


LONG_PLACE = "Resecentrum, väntsalen vid spår 1 och busshållplatsen på Stationsgatans norra sida"


def test_seven_languages_and_a_long_place_name_fit_one_page(tmp_path):
    content = dataclasses.replace(
        CONTENT,
        place_name=LONG_PLACE,
        notice="Exempeldata: tiderna är ännu inte bekräftade av polisen och kommunen.",
        sections=(
            PosterSection(
                "Polisen på plats här",
                tuple((f"Fredag {day} december", "13:00–14:30") for day in (4, 11, 18, 25)),
                note="Tiderna kan ändras. De senaste tiderna finns på webbplatsen.",
                pattern=(("Onsdagar varannan vecka", "10:00–11:30"), ("Fredagar", "13:00–14:30")),
                rows_heading="De närmaste tiderna:",
            ),
            PosterSection(
                "Poliskontoret har öppet",
                (("Tisdag", "09:30–11:45"), ("", "12:45–15:30"), ("Torsdag", "12:00–17:30")),
                note="Ändrade tider:\nTisdag 29 december: 09:00–11:00 (Kortare öppettider)",
            ),
        ),
        languages=(
            LanguageLine("sv", "Formuläret finns på svenska"),
            LanguageLine("en", "The form is in English"),
            LanguageLine("ar", ARABIC, rtl=True),
            LanguageLine("fa", PERSIAN, rtl=True),
            LanguageLine("so", "Foomku wuxuu ku qoran yahay af-Soomaali"),
            LanguageLine("ti", "እቲ ቅጥዒ ብትግርኛ ኣሎ"),
            LanguageLine("uk", "Форма є українською мовою"),
        ),
    )
    pdf = build_poster_pdf(content)
    words = word_boxes(pdf, tmp_path)
    lines = pdf_lines(pdf)  # asserts one page
    site_line = next(i for i, w in enumerate(words) if w[0] == "Alla")
    margin, bottom = 15 / 25.4 * 72, (PAGE_H - 15) / 25.4 * 72

    assert all(w[2] >= margin - 1 and w[4] <= bottom + 1 for w in words)
    assert max(w[4] for w in words[:site_line]) < words[site_line][2]  # times above the QR block
    assert "Onsdagar varannan vecka 10:00–11:30" in lines
    assert "Fredagar 13:00–14:30" in lines
    assert [line for line in lines if line.startswith("Fredag ")]  # some dates still fit
    assert [as_read_back(line) for line in content.languages] == lines[-10:-3]
    assert decode_qr_codes(pdf, tmp_path, dpi=72) == ["https://narvaro.example/q/K7M3QX"]


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
    client = staff_client(app, "police")
    poster = _create_poster(client, "torget")

    response = client.get(f"/sv/staff/posters/{poster.code}.pdf")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="affisch-torget-{poster.code}.pdf"'
    )
    assert decode_qr_codes(response.data, tmp_path) == [f"https://narvaro.example/q/{poster.code}"]


@pytest.mark.parametrize("dpi", [72, 150])
def test_staff_poster_qr_code_decodes_at_low_resolution(app, tmp_path, dpi):
    client = staff_client(app, "police")
    poster = _create_poster(client, "torget")

    pdf = client.get(f"/sv/staff/posters/{poster.code}.pdf").data

    assert decode_qr_codes(pdf, tmp_path, dpi=dpi) == [f"https://narvaro.example/q/{poster.code}"]


def test_poster_prints_the_pattern_the_coming_times_the_office_hours_and_each_language(app):
    client = staff_client(app, "municipality")
    poster = _create_poster(client, "torget")

    lines = pdf_lines(client.get(f"/sv/staff/posters/{poster.code}.pdf").data)

    assert file_patterns("torget") == ["Fredagar 13:00–14:30"]
    assert len(offered_language_lines()) == 7
    assert lines == [
        "Sävsjö kommun och Polisen",
        "Träffa polisen här",
        "Torget",
        "Torget, Sävsjö",
        "Exempeldata: tiderna är ännu inte bekräftade av polisen och kommunen.",
        "Polisen på plats här",
        *file_patterns("torget"),
        "De närmaste tiderna:",
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
        "Alla tider och ändringar: narvaro.example",
        "Vad tycker du? Skanna koden och svara på tre korta frågor.",
        f"narvaro.example/q/{poster.code}",
        *(as_read_back(line) for line in offered_language_lines()),
        "Tiderna i din kalender: https://narvaro.example/feeds/places/torget.ics",
        "Anmäl inte brott här. Vid nödläge: ring 112. Annars: ring 114 14 eller gå till "
        "polisen.se.",
        f"Affischkod {poster.code} · skapad 2026-11-24",
    ]


def test_language_lines_are_each_languages_own_on_an_english_poster_too(app):
    client = staff_client(app, "police")
    poster = _create_poster(client, "torget", lang="en")

    lines = pdf_lines(client.get(f"/en/staff/posters/{poster.code}.pdf").data)

    wanted = [as_read_back(line) for line in offered_language_lines()]
    assert wanted[:2] == ["Formuläret finns på svenska", "The form is in English"]
    start = lines.index(wanted[0])
    assert lines[start : start + len(wanted)] == wanted


def test_language_lines_follow_the_offered_languages(app):
    offer_languages("sv", "uk", "ar")
    client = staff_client(app, "police")
    poster = _create_poster(client, "torget")

    lines = pdf_lines(client.get(f"/sv/staff/posters/{poster.code}.pdf").data)

    by_code = {line.lang: as_read_back(line) for line in offered_language_lines()}
    start = lines.index("Formuläret finns på svenska")
    assert lines[start : start + 3] == [by_code["sv"], by_code["uk"], by_code["ar"]]
    assert lines[start + 3].startswith("Tiderna i din kalender:")


def test_every_other_week_pattern_is_printed_as_such(app):
    client = staff_client(app, "police")
    poster = _create_poster(client, "biblioteket")

    lines = pdf_lines(client.get(f"/sv/staff/posters/{poster.code}.pdf").data)

    assert file_patterns("biblioteket") == ["Onsdagar varannan vecka 10:00–11:30"]
    assert lines[lines.index("Polisen på plats här") + 1] == file_patterns("biblioteket")[0]


def test_english_poster_prints_the_pattern_and_address_in_english(app):
    client = staff_client(app, "police")
    poster = _create_poster(client, "resecentrum", lang="en")

    lines = pdf_lines(client.get(f"/en/staff/posters/{poster.code}.pdf").data)

    assert file_patterns("resecentrum") == ["Torsdagar 17:00–18:30"]
    assert "Thursdays 17:00–18:30" in lines
    assert "All times and changes: narvaro.example" in lines


def test_site_address_without_a_public_base_url_is_the_request_host(app):
    app.config["PUBLIC_BASE_URL"] = ""
    client = staff_client(app, "police")
    poster = _create_poster(client, "torget")

    lines = pdf_lines(client.get(f"/sv/staff/posters/{poster.code}.pdf").data)

    assert "Alla tider och ändringar: http://localhost" in lines


def test_a_pattern_staff_ended_is_no_longer_printed(app):
    series = store.presence_series(db.session, place("torget"))
    series[0].last_day = date(2026, 11, 23)  # ended yesterday
    db.session.commit()
    client = staff_client(app, "police")
    poster = _create_poster(client, "torget")

    lines = pdf_lines(client.get(f"/sv/staff/posters/{poster.code}.pdf").data)

    assert "Fredagar 13:00–14:30" not in lines
    assert "De närmaste tiderna:" not in lines


# --- The weekly pattern (domain) ---


def _series(days, starts, ends, first, last, every=1):
    return SimpleNamespace(
        weekdays=days,
        starts=time(*starts),
        ends=time(*ends),
        first_day=first,
        last_day=last,
        interval_weeks=every,
    )


def test_patterns_in_force_on_a_day_merged_and_in_week_order():
    day = date(2026, 11, 24)
    series = [
        _series([4], (13, 0), (14, 30), date(2026, 10, 2), date(2027, 11, 26)),
        _series([4], (13, 0), (14, 30), date(2026, 11, 1), date(2026, 12, 31)),  # same again
        _series([2, 0], (10, 0), (11, 30), date(2026, 9, 16), date(2027, 9, 1), every=2),
        _series([1], (9, 0), (10, 0), date(2026, 1, 1), date(2026, 11, 23)),  # ended
        _series([3], (9, 0), (10, 0), date(2026, 11, 25), date(2027, 1, 1)),  # not yet begun
    ]

    assert weekly_patterns_on(series, day) == [
        WeeklyPattern((0, 2), time(10, 0), time(11, 30), 2),
        WeeklyPattern((4,), time(13, 0), time(14, 30), 1),
    ]


def test_patterns_from_the_tests_data_file_are_the_files(app):
    tz_day = date(2026, 11, 24)

    patterns = weekly_patterns_on(store.presence_series(db.session, place("biblioteket")), tz_day)

    data = tomllib.loads(CALENDAR.read_text(encoding="utf-8"))
    [wanted] = [p for p in data["presence"] if p["place"] == "biblioteket"]
    starts, ends = (time.fromisoformat(t) for t in wanted["time"].split("-"))
    assert patterns == [WeeklyPattern((2,), starts, ends, wanted["every_weeks"])]


def test_poster_follows_current_data_cancellations_and_closures(app):
    client = staff_client(app, "police")
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
    client = staff_client(app, "police")
    poster = _create_poster(client, "poliskontoret")

    lines = pdf_lines(client.get(f"/sv/staff/posters/{poster.code}.pdf").data)

    assert "Poliskontoret i Sävsjö" in lines
    assert "Polisen på plats här" not in lines
    assert "Tiderna i din kalender: https://narvaro.example/feeds/office.ics" in lines


def test_english_poster_uses_the_english_names_and_feed(app):
    client = staff_client(app, "police")
    poster = _create_poster(client, "torget", lang="en")

    lines = pdf_lines(client.get(f"/en/staff/posters/{poster.code}.pdf").data)

    assert "Torget (the square)" in lines
    assert [line for line in lines if "/feeds/places/torget.ics?lang=en" in line] != []


def test_without_a_public_base_url_the_qr_code_uses_the_request_host(app, tmp_path):
    app.config["PUBLIC_BASE_URL"] = ""
    client = staff_client(app, "police")
    poster = _create_poster(client, "biblioteket")

    pdf = client.get(f"/sv/staff/posters/{poster.code}.pdf").data

    assert decode_qr_codes(pdf, tmp_path) == [f"http://localhost/q/{poster.code}"]


def test_creating_a_poster_is_audited_and_listed_with_its_counts(app):
    client = staff_client(app, "police")
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
    client = staff_client(app, "police")

    assert client.get("/sv/staff/posters/ZZZZZZ.pdf").status_code == 404


def test_admins_and_visitors_cannot_make_posters(app):
    poster = make_poster("torget")
    admin = staff_client(app, "admin")
    visitor = app.test_client()

    assert admin.get("/sv/staff/posters").status_code == 403
    assert admin.get(f"/sv/staff/posters/{poster.code}.pdf").status_code == 403
    assert visitor.get(f"/sv/staff/posters/{poster.code}.pdf").status_code == 302


CHRISTMAS_CHANGES = [  # the office's changed days from Sunday 6 December, four weeks on
    "Torsdag 24 december: stängt (Julafton)",
    "Fredag 25 december: stängt (Juldagen)",
    "Tisdag 29 december – onsdag 30 december: 09:00–11:00 (Kortare öppettider i mellandagarna)",
    "Torsdag 31 december: stängt (Nyårsafton)",
    "Fredag 1 januari 2027: stängt (Nyårsdagen)",
]


def _changes(lines: list[str]) -> list[str]:
    """The lines under "Ändrade tider:", a wrapped line joined again."""
    found = []
    for line in lines[lines.index("Ändrade tider:") + 1 :]:
        if line.startswith("Alla tider") or line.startswith("Polisen"):
            break
        if found and not found[-1].startswith("Fler") and re.match(r"^\d{2}:\d{2}|^[a-zåäö]", line):
            found[-1] += " " + line
        else:
            found.append(line)
    return found


def test_poster_prints_the_closures_in_the_weeks_it_covers_or_where_to_find_the_rest(app, pin):
    pin(datetime(2026, 12, 6, 11, 0, tzinfo=UTC))  # Sunday 6 December, four weeks to 3 January
    client = staff_client(app, "police")
    place_poster = _create_poster(client, "torget")
    office_poster = _create_poster(client, "poliskontoret")

    at_place = pdf_lines(client.get(f"/sv/staff/posters/{place_poster.code}.pdf").data)
    at_office = pdf_lines(client.get(f"/sv/staff/posters/{office_poster.code}.pdf").data)

    assert at_place[at_place.index("Ingen polis här:") + 1 :][:2] == [
        "Fredag 25 december (Juldagen)",
        "Fredag 1 januari 2027 (Nyårsdagen)",
    ]
    assert _changes(at_office) == CHRISTMAS_CHANGES
    # Beside the presence column there is room for some: the rest is on the site.
    shown = _changes(at_place)
    assert shown[-1] == "Fler ändringar: narvaro.example"
    assert shown[:-1] == CHRISTMAS_CHANGES[: len(shown) - 1] and len(shown) >= 3
    assert {"Tisdag 09:30–11:45", "Torsdag 12:00–17:30", "Fredag 08:30–11:30"} <= set(at_place)


def test_a_cancelled_time_is_printed_with_its_reason_beside_the_pattern(app):
    client = staff_client(app, "police")
    slot = db.session.scalars(
        select(PresenceSlot).where(PresenceSlot.starts_at == datetime(2026, 12, 4, 12, tzinfo=UTC))
    ).one()
    slot.status, slot.note = "cancelled", "Utbildning"
    db.session.commit()
    poster = _create_poster(client, "torget")

    lines = pdf_lines(client.get(f"/sv/staff/posters/{poster.code}.pdf").data)

    assert lines[lines.index("Ingen polis här:") + 1] == "Fredag 4 december (Utbildning)"
    assert "Fredag 4 december 13:00–14:30" not in lines
