"""Which languages a site offers, right-to-left pages, staff pages in sv/en only, and no
Swedish left on a page in another language except data texts marked lang="sv"."""

import re
from datetime import UTC, datetime

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from sqlalchemy import select

from tests.factories import make_slot, offer_languages, place, translate
from tests.support.html import get_soup, soup
from tests.test_calendar_file import SMALL, changed, error_for, write
from webapp import i18n
from webapp.config import TEMPLATES, TRANSLATIONS
from webapp.extensions import db
from webapp.models import Municipality, Place
from webapp.schedule.calendar_file import load_calendar_file
from webapp.staff.auth import safe_next

ALL = ("sv", "en", "ar", "fa", "so", "ti", "uk")
OTHERS = ALL[1:]
PAGES = [
    "/{lang}/",
    "/{lang}/office",
    "/{lang}/presence",
    "/{lang}/places/torget",
    "/{lang}/subscribe",
    "/{lang}/about",
    "/{lang}/accessibility",
    "/{lang}/feedback",
    "/{lang}/feedback/torget",
    "/{lang}/feedback/torget/thanks",
    "/{lang}/editors",
    "/{lang}/presence?place=torget",
    "/{lang}/promises",
    "/{lang}/promises/2025-2026",
    "/{lang}/promises/2023-2024",
]
SWEDISH_LETTERS = re.compile(r"\w*[åäöÅÄÖ]\w*")
PRODUCT_NAME = "Närvaro"  # the service's name, the same in every language


def test_data_file_lists_languages_swedish_always_first(tmp_path):
    text = changed(
        'timezone = "Europe/Stockholm"\n',
        'timezone = "Europe/Stockholm"\nlanguages = ["en", "ar", "fi", "smj"]\n',
    )

    data = load_calendar_file(write(tmp_path, text))

    assert data.languages == ("sv", "en", "ar", "fi", "smj")


def test_data_file_without_languages_offers_swedish_and_english(tmp_path):
    assert load_calendar_file(write(tmp_path, SMALL)).languages == ("sv", "en")


@pytest.mark.parametrize("value", ['["sv", "xx-Latn-bad"]', '"sv"', '["sv", "zz"]', "[1]"])
def test_data_file_with_unknown_language_names_the_field(tmp_path, value):
    text = changed(
        'timezone = "Europe/Stockholm"\n', f'timezone = "Europe/Stockholm"\nlanguages = {value}\n'
    )

    _path, error = error_for(tmp_path, text)

    assert error.where == "municipality.languages"


def _catalogue(folder, code, strings):
    catalog = Catalog(locale=code, header_comment="# review-status: draft")
    for msgid, msgstr in strings.items():
        catalog.add(msgid, msgstr)
    target = folder / code / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.po", "wb") as po:
        write_po(po, catalog)
    with open(target / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)


def test_catalogue_with_an_empty_entry_is_incomplete(tmp_path):
    _catalogue(tmp_path, "fi", {"Öppet": "Avoinna", "Stängt": ""})
    _catalogue(tmp_path, "se", {"Öppet": "Rabas"})

    assert i18n.catalogue_status("fi", tmp_path) == (False, False)
    assert i18n.catalogue_status("se", tmp_path) == (True, False)
    assert i18n.catalogue_status("smj", tmp_path) == (False, False)  # no catalogue at all


def test_shipped_catalogues_are_complete_and_only_english_is_reviewed():
    assert {code: i18n.catalogue_status(code) for code in ALL} == {
        "sv": (True, True),
        "en": (True, True),
        "ar": (True, False),
        "fa": (True, False),
        "so": (True, False),
        "ti": (True, False),
        "uk": (True, False),
    }


def test_site_offers_exactly_the_listed_languages(client):
    offer_languages("sv", "ar")

    page = get_soup(client, "/ar/")
    switch = [(a["hreflang"], a.get_text(strip=True)) for a in page.select("nav.lang-switch a")]

    assert switch == [("sv", "Svenska")]
    assert client.get("/en/").status_code == 404
    assert client.get("/fa/presence").status_code == 404


def test_language_switch_names_each_language_in_its_own_script(client):
    offer_languages(*ALL)

    links = get_soup(client, "/sv/office").select("nav.lang-switch a")

    assert [(a["lang"], a["dir"], a.get_text(strip=True), a["href"]) for a in links] == [
        ("en", "ltr", "English", "/en/office"),
        ("ar", "rtl", "العربية", "/ar/office"),
        ("fa", "rtl", "فارسی", "/fa/office"),
        ("so", "ltr", "Soomaali", "/so/office"),
        ("ti", "ltr", "ትግርኛ", "/ti/office"),
        ("uk", "ltr", "Українська", "/uk/office"),
    ]


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_right_to_left_pages_say_so(client, lang):
    offer_languages(*ALL)

    html = get_soup(client, f"/{lang}/").html

    assert (html["lang"], html["dir"]) == (lang, "rtl")


@pytest.mark.parametrize("url", ["/ar/staff/login", "/uk/staff/", "/so/staff/presence"])
def test_staff_pages_stay_swedish_and_english(client, url):
    offer_languages(*ALL)

    assert client.get(url).status_code == 404
    assert client.get(url.replace(url.split("/")[1], "en", 1)).status_code in (200, 302)


def test_unreviewed_language_says_so_in_that_language(client):
    offer_languages(*ALL)

    arabic = get_soup(client, "/ar/").select_one(".notice-translation")
    english = get_soup(client, "/en/").select_one(".notice-translation")

    assert "لم يراجعها بعدُ شخص لغته الأم العربية" in arabic.get_text()
    assert arabic.select_one("a[lang=sv]")["href"] == "/sv/"
    assert english is None


def test_times_are_24_hour_with_latin_digits_in_every_language(client):
    offer_languages(*ALL)
    make_slot(starts_at=datetime(2026, 11, 24, 15, 0, tzinfo=UTC), note="")

    for lang in ALL:
        first = get_soup(client, f"/{lang}/places/torget").select_one(".slot-when .time")
        isolated = "\u2066%s\u2069" if lang in ("ar", "fa") else "%s"  # LTR inside RTL text
        assert first.get_text(strip=True) == isolated % "16:00–17:00", lang


def test_data_text_falls_back_to_swedish_marked_lang_sv(client):
    offer_languages(*ALL)
    make_slot(starts_at=datetime(2026, 11, 24, 15, 0, tzinfo=UTC), note="Vi står vid fontänen")
    torget = place("torget")
    torget.translations = {}  # only Swedish, then one Ukrainian name
    translate(torget, "uk", name="Torget (площа)")

    arabic = get_soup(client, "/ar/places/torget")
    ukrainian = get_soup(client, "/uk/places/torget")

    assert str(arabic.h1) == '<h1><span dir="ltr" lang="sv">Torget</span></h1>'
    assert arabic.select_one('.slot span[lang="sv"]').get_text() == "Vi står vid fontänen"
    assert str(ukrainian.h1) == "<h1>Torget (площа)</h1>"


def _unmarked_text(page):
    """Visible text and labels outside elements marked lang="sv"."""
    body = page.body
    for marked in body.select('[lang="sv"], script, style'):
        marked.decompose()
    labels = [
        tag[name]
        for tag in body.find_all(True)
        for name in ("aria-label", "alt", "placeholder")
        if tag.has_attr(name)
    ]
    return [" ".join(s.split()) for s in body.find_all(string=True) if s.strip()] + labels


# Which words a page is in is the catalogues' and templates' doing, not the database's.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", OTHERS)
def test_no_swedish_left_on_pages_in_other_languages(client, lang):
    offer_languages(*ALL)
    make_slot(starts_at=datetime(2026, 11, 24, 15, 0, tzinfo=UTC), note="Vi står vid fontänen")
    make_slot(
        starts_at=datetime(2026, 11, 25, 15, 0, tzinfo=UTC), status="cancelled", note="Sjukdom"
    )
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        same = {m.id for m in read_po(po) if m.id == m.string}  # "Outlook", "112"
    swedish = i18n.public_messages() - same
    # Names stay as on the street signs ("Sävsjö", "Järnvägsgatan"): not text to translate.
    names = {w for p in db.session.scalars(select(Place)) for w in SWEDISH_LETTERS.findall(p.name)}
    names |= set(SWEDISH_LETTERS.findall(db.session.scalar(select(Municipality)).name))

    for pattern in [*PAGES, "/{lang}/no-such-page"]:
        url = pattern.format(lang=lang)
        page = get_soup(client, url, status=404 if "no-such" in url else 200)
        for text in _unmarked_text(page):
            words = set(SWEDISH_LETTERS.findall(text)) - names - {PRODUCT_NAME}
            assert not words, (url, text)
            assert text not in swedish, (url, text)


def test_holiday_named_in_every_language_through_package_or_catalogue(client, pin):
    offer_languages(*ALL)
    pin(datetime(2026, 12, 25, 9, 0, tzinfo=UTC))

    status = {lang: get_soup(client, f"/{lang}/").select_one("#office-status") for lang in ALL}

    assert "عيد الميلاد" in status["ar"].get_text()
    assert "Різдво" in status["uk"].get_text()
    assert [lang for lang in OTHERS if "Juldagen" in status[lang].get_text()] == []
    assert [lang for lang in OTHERS if status[lang].select('p [lang="sv"]')] == []


def test_every_holiday_the_package_names_is_in_every_catalogue():
    from datetime import date

    from webapp.schedule.holiday_words import NAMES
    from webapp.schedule.office import holiday_names

    names = holiday_names(date(2024, 1, 1), date(2035, 12, 31))
    translated = {
        lang: holiday_names(date(2024, 1, 1), date(2035, 12, 31), locale=lang) for lang in OTHERS
    }

    assert set(names.values()) == set(NAMES)
    for lang, table in translated.items():
        assert {name.lang for name in table.values()} == {lang}, lang
        assert not set(table.values()) & set(NAMES), lang


def test_holiday_without_a_translation_keeps_its_swedish_name_marked_as_such():
    from webapp.schedule.office import HolidayName, _named

    unknown, known = _named("Okänd helgdag", "ar"), _named("Juldagen", "ar")

    assert (unknown, unknown.lang) == ("Okänd helgdag", "sv")
    assert (known, known.lang) == ("عيد الميلاد", "ar")
    assert isinstance(known, HolidayName)


@pytest.mark.parametrize(
    ("topic", "ordinary"),
    [("om", "about"), ("prenumerera", "subscribe"), ("synpunkter", "feedback")],
)
def test_easy_swedish_page_is_linked_from_the_swedish_page_only(client, topic, ordinary):
    offer_languages(*ALL)

    easy = get_soup(client, f"/sv/lattlast/{topic}")
    swedish = get_soup(client, f"/sv/{ordinary}")
    english = get_soup(client, f"/en/{ordinary}")
    switch = {a["hreflang"]: a["href"] for a in easy.select("nav.lang-switch a")}

    assert easy.h1.get_text().endswith("– lättläst") and easy.html["lang"] == "sv"
    assert swedish.select_one(".easy-link a")["href"] == f"/sv/lattlast/{topic}"
    assert english.select_one(".easy-link") is None
    assert switch["en"] == f"/en/{ordinary}" and switch["ar"] == f"/ar/{ordinary}"
    assert client.get(f"/en/lattlast/{topic}").status_code == 404


def test_easy_swedish_uses_short_sentences():
    for topic in ("om", "prenumerera", "synpunkter"):
        html = (TEMPLATES / "public" / "easy" / f"{topic}.html").read_text(encoding="utf-8")
        page = soup(re.sub(r"{[{%#].*?[}%#]}", " ", html))
        blocks = [b.get_text(" ") for b in page.find_all(["h1", "h2", "p", "li"])]
        sentences = [s for b in blocks for s in re.split(r"[.?!](?:\s|$)", b) if s.strip()]
        assert max(len(s.split()) for s in sentences) <= 12, topic


def test_staff_pages_stay_english_when_the_public_site_is_swedish_only(client):
    offer_languages("sv")

    assert client.get("/en/").status_code == 404
    login = get_soup(client, "/en/staff/login")
    assert login.html["lang"] == "en"


def test_staff_urls_switch_and_redirects_follow_the_one_list_of_staff_languages(client):
    offer_languages(*ALL)
    staff = {lang: client.get(f"/{lang}/staff/login") for lang in ALL}
    switch = get_soup(client, "/sv/staff/login").select(".lang-switch a[hreflang]")

    assert {lang for lang, page in staff.items() if page.status_code == 200} == set(
        i18n.STAFF_LANGUAGES
    )
    assert {page.status_code for page in staff.values()} == {200, 404}
    assert [a["hreflang"] for a in switch] == [c for c in i18n.STAFF_LANGUAGES if c != "sv"]
    assert [safe_next(f"/{lang}/staff/presence", "/") for lang in ALL] == [
        f"/{lang}/staff/presence" if lang in i18n.STAFF_LANGUAGES else "/" for lang in ALL
    ]


def test_office_address_has_a_version_per_language(client):
    offer_languages(*ALL)
    office = place("poliskontoret")
    office.translations = {}
    translate(office, "en", address="Storgatan 1 (example address)")

    english = get_soup(client, "/en/office").find("main")
    arabic = get_soup(client, "/ar/office").find("main")

    assert "Storgatan 1 (example address)" in english.get_text()
    assert arabic.find("span", lang="sv", string=office.address)
