"""Right-to-left pages keep numbers, phone numbers, codes, addresses and Swedish data text in
their own order: each is isolated (dir="ltr", <bdi>, or U+2066…U+2069), read back from the HTML.
(Where the browser then draws the digit groups: tests/browser/test_bidi_browser.py.)"""

import re
from datetime import UTC, datetime

import pytest
from markupsafe import Markup

from tests.browser.pages import PAGES, RTL
from tests.factories import make_slot, offer_languages, place
from tests.support.feedback import submit
from tests.support.html import get_soup, soup
from webapp.site import isolate

ALL = ("sv", "en", "ar", "fa", "so", "ti", "uk")
# Phone numbers and codes, whose digit groups turn around in right-to-left text when a space
# parts them ("114 14" would read "14 114"); "11:45" and "070-123" hold together by themselves,
# and a range of dates ("1 يناير 2025–31 ديسمبر 2026") reads right to left as it should.
GROUPED_NUMBER = re.compile(r"\d+(?:[:.-]\d+)*(?:[ \u00a0]\d+)+")
FOLLOWUP = ["promises", "promises/2025-2026"]


def _isolated(node) -> bool:
    """The text sits in an element whose nearest dir says ltr, or between U+2066 and U+2069."""
    if "\u2066" in node and "\u2069" in node:
        return True
    for parent in node.parents:
        if parent.has_attr("dir"):
            return parent["dir"] == "ltr"
    return False


def _loose_numbers(page) -> list[str]:
    return [
        " ".join(node.split())
        for node in page.body.find_all(string=GROUPED_NUMBER)
        if node.parent.name not in ("script", "style") and not _isolated(node)
    ]


@pytest.mark.parametrize("lang", RTL)
def test_grouped_numbers_are_isolated_on_every_right_to_left_page(client, lang):
    offer_languages(*ALL)
    make_slot(starts_at=datetime(2026, 11, 24, 15, 0, tzinfo=UTC), note="Ring 070-123 45 67")

    for page in [*PAGES, *FOLLOWUP]:
        url = f"/{lang}/{page}"
        assert _loose_numbers(get_soup(client, url)) == [], url


@pytest.mark.parametrize("lang", RTL)
def test_phone_numbers_read_in_order_in_the_emergency_box_footer_office_and_form(client, lang):
    offer_languages(*ALL)
    home = get_soup(client, f"/{lang}/")
    office = get_soup(client, f"/{lang}/office")
    form = get_soup(client, f"/{lang}/feedback/torget")

    phones = [
        a
        for page in (home, office, form)
        for a in page.select('a[href^="tel:"]')
        if a.get_text() in ("112", "114 14")
    ]
    hint = form.select_one("#contact_details-hint bdi")

    assert len(phones) >= 7 and {a["dir"] for a in phones} == {"ltr"}
    assert (hint.get_text(), hint["dir"]) == ("070-123 45 67", "ltr")


def test_example_number_in_an_error_message_is_isolated(app, client):
    offer_languages(*ALL)
    data = {"wants_contact": "y", "contact_details": "x", "contact_consent": "y"}

    page = soup(submit(app, client, "/ar/feedback/torget", data))

    error = page.select_one("#contact_details-error bdi[dir=ltr]")
    summary = page.select_one(".error-summary bdi[dir=ltr]")
    assert error.get_text() == summary.get_text() == "070-123 45 67"


def test_swedish_data_text_on_an_arabic_page_is_isolated_left_to_right(client):
    offer_languages(*ALL)
    torget = place("torget")
    torget.translations = {}

    page = get_soup(client, "/ar/places/torget")

    assert str(page.h1) == '<h1><span dir="ltr" lang="sv">Torget</span></h1>'
    address = page.find("span", lang="sv", string="Torget, Sävsjö")
    assert address["dir"] == "ltr"


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("ring 114 14.", 'ring <bdi dir="ltr">114 14</bdi>.'),
        (
            "t.ex. 070-123 45 67 eller namn@exempel.se",
            't.ex. <bdi dir="ltr">070-123 45 67</bdi> eller <bdi dir="ltr">namn@exempel.se</bdi>',
        ),
        ("16:00–17:00 <b>", '<bdi dir="ltr">16:00–17:00</bdi> &lt;b&gt;'),
        ("gå till polisen.se", 'gå till <bdi dir="ltr">polisen.se</bdi>'),
        ("från 1 till 5, 2 000 kr", 'från 1 till 5, <bdi dir="ltr">2 000</bdi> kr'),
        (
            Markup('<a href="tel:11414">114 14</a>'),
            '<a href="tel:11414"><bdi dir="ltr">114 14</bdi></a>',
        ),
    ],
)
def test_isolate_wraps_numbers_codes_and_addresses_and_escapes_the_rest(text, html):
    assert str(isolate(text)) == html


def test_an_address_with_its_own_translation_is_isolated_as_one_unit(client):
    from tests.factories import translate

    offer_languages(*ALL)
    translate(place("poliskontoret"), "ar", address="Storgatan 1, 576 31 Sävsjö (عنوان تجريبي)")

    page = get_soup(client, "/ar/office")
    address = page.find(string="Storgatan 1, 576 31 Sävsjö (عنوان تجريبي)")

    assert address.parent.name == "bdi" and not address.parent.has_attr("dir")  # dir=auto
