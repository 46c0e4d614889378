"""A police area's start page, /<area slug>/<lang>/: each municipality with its office's
status and its next presence as its own start page has them, linking to its site, in every
language one of the area's municipalities offers."""

import re
from urllib.parse import urljoin

import pytest

from tests.support.html import get_soup, soup
from tests.test_police_area_data import load_test_area

AREA_PAGE = "/testomradet/{lang}/"
# Where each municipality's addresses begin: Sävsjö, the default, unprefixed on the
# installation's address (PUBLIC_BASE_URL); Västby on its own host (`hosts` in its file).
SAVSJO, VASTBY = "https://narvaro.example", "https://narvaro.vastby.example"
TIMES = re.compile(r"\d\d:\d\d–\d\d:\d\d")


@pytest.fixture
def area(app):
    load_test_area()
    return app


def card(html, slug):
    return html.select_one(f"[data-municipality='{slug}']")


def own_status(client, site):
    """The state and first presence the municipality's own start page shows (at `site`, its
    own address), the place's link made absolute."""
    home = get_soup(client, f"{site}/sv/")
    first = home.select_one(".upcoming li")
    place = first.select_one("a[href*='/places/']")
    return (
        home.select_one("#office-status")["data-state"],
        first.select_one("strong").get_text(strip=True),
        urljoin(f"{site}/sv/", place["href"]),
        place.get_text(strip=True),
    )


def area_status(html, slug):
    town = card(html, slug)
    place = town.select_one(".area-presence a")
    return (
        town.select_one(".status-line")["data-state"],
        town.select_one(".area-presence strong").get_text(strip=True),
        place["href"],
        place.get_text(strip=True),
    )


def test_the_area_page_lists_each_municipality_as_its_own_start_page_has_it(area, client):
    for _ in range(2):  # rendered, then served again by the front cache
        html = get_soup(client, AREA_PAGE.format(lang="sv"))

        assert [h.get_text(strip=True) for h in html.select("h1")] == [
            "Lokalpolisområde Testområdet"
        ]
        assert html.title.get_text().startswith("Lokalpolisområde Testområdet – ")
        assert [c["data-municipality"] for c in html.select("[data-municipality]")] == [
            "savsjo",
            "vastby",
        ]
        sites = {c["data-municipality"]: c.select_one("h2 a")["href"] for c in html.select("li")
                 if c.has_attr("data-municipality")}  # fmt: skip
        assert sites == {"savsjo": f"{SAVSJO}/sv/", "vastby": f"{VASTBY}/sv/"}
        assert area_status(html, "savsjo") == own_status(client, SAVSJO)
        assert area_status(html, "vastby") == own_status(client, VASTBY)


def test_the_area_page_works_without_javascript_and_links_only_to_pages_that_answer(area, client):
    html = get_soup(client, AREA_PAGE.format(lang="sv"))

    assert [s for s in html.select("script") if s.get("type") != "application/ld+json"] == []
    links = {a["href"] for a in html.select("a[href^='/'], a[href^='https://narvaro.']")}
    assert f"{SAVSJO}/sv/accessibility" in links
    assert f"{VASTBY}/sv/" in links
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)


def test_the_area_page_is_in_every_language_one_of_its_municipalities_offers(area, client):
    tigrinya = get_soup(client, AREA_PAGE.format(lang="ti"))  # Sävsjö's only
    somali = get_soup(client, AREA_PAGE.format(lang="so"))  # both offer it

    assert tigrinya.html["lang"] == "ti"
    assert card(tigrinya, "vastby").select_one("h2 a")["href"] == f"{VASTBY}/sv/"
    assert card(tigrinya, "savsjo").select_one("h2 a")["href"] == f"{SAVSJO}/ti/"
    assert card(somali, "vastby").select_one("h2 a")["href"] == f"{VASTBY}/so/"
    switch = {a["hreflang"]: a["href"] for a in somali.select(".lang-switch a")}
    assert switch == {c: f"/testomradet/{c}/" for c in ("sv", "en", "ar", "fa", "ti", "uk")}
    assert client.get(AREA_PAGE.format(lang="de")).status_code == 404


def test_the_areas_address_sends_visitors_to_their_language(area, client):
    response = client.get("/testomradet/", headers={"Accept-Language": "en"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/testomradet/en/"


def test_a_single_municipality_has_no_area_page(app, client):
    assert client.get(AREA_PAGE.format(lang="sv")).status_code == 404
    assert soup(client.get("/sv/")).select("[data-municipality]") == []


def test_each_card_says_open_now_and_next_presence_in_its_own_municipalitys_time(
    app, client, tmp_path
):
    """Västby moved to New York's time: at 10:30 in Sävsjö it is 04:30 there, and its card
    says what its own start page says, not what Sävsjö's clock would."""
    import shutil

    from tests.test_police_area_data import AREA

    data = tmp_path / "data"
    shutil.copytree(AREA.parent, data / "area")
    shutil.copy(AREA.parent.parent / "savsjo-tests.toml", data / "savsjo-tests.toml")
    vastby = data / "area" / "vastby.toml"
    vastby.write_text(
        vastby.read_text().replace('timezone = "Europe/Stockholm"', 'timezone = "America/New_York"')
    )
    load_test_area()
    stockholm = card(get_soup(client, AREA_PAGE.format(lang="sv")), "vastby").get_text(" ")
    load_test_area(data / "area" / "area.toml")

    html = get_soup(client, AREA_PAGE.format(lang="sv"))

    assert area_status(html, "vastby") == own_status(client, VASTBY)
    assert area_status(html, "savsjo") == own_status(client, SAVSJO)
    home = get_soup(client, "/vastby/sv/")
    own_times = TIMES.findall(home.select_one(".upcoming li").get_text(" ", strip=True))
    card_times = TIMES.findall(card(html, "vastby").select_one(".area-presence").get_text())
    assert card_times[0] == own_times[0] == "11:00–12:30"  # New York's clock
    assert "11:00–12:30" not in stockholm  # the same moment on Sävsjö's clock is 17:00
    opens = re.compile(r"Öppnar [^.]*\.")
    own_opening = opens.findall(home.select_one("#office-status").get_text(" ", strip=True))
    assert opens.findall(
        card(html, "vastby").select_one(".status-line").get_text(" ", strip=True)
    ) == (own_opening)
