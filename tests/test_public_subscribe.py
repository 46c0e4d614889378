"""The subscribe page's links and QR codes; the QR builder on its own."""

import re
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import icalendar
import pytest

from tests.support.html import soup
from webapp.public.qr import qr_svg

zxingcpp = pytest.importorskip("zxingcpp")

SVG = "{http://www.w3.org/2000/svg}"
RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-\3z")
FEEDS = ["all", "office", "presence", "torget", "resecentrum", "biblioteket"]
PATHS = {
    "all": "/feeds/all.ics",
    "office": "/feeds/office.ics",
    "presence": "/feeds/presence.ics",
    "torget": "/feeds/places/torget.ics",
    "resecentrum": "/feeds/places/resecentrum.ics",
    "biblioteket": "/feeds/places/biblioteket.ics",
}


def parse_xml(text: str):
    return ElementTree.fromstring(text)  # noqa: S314 - the app's own output, not untrusted input


class _Grey:
    """An 8-bit greyscale image zxing-cpp reads through the array interface."""

    def __init__(self, pixels: bytes, width: int, height: int):
        self.__array_interface__ = {
            "shape": (height, width),
            "typestr": "|u1",
            "data": pixels,
            "version": 3,
        }


def decode_svg(svg: str, scale: int = 4) -> list[str]:
    """Draw the SVG's rectangles on white pixels and read them as a barcode scanner would."""
    root = parse_xml(svg)
    size = int(root.get("viewBox").split()[2])
    path = root.find(f"{SVG}path").get("d")
    runs = RUN.findall(path)
    assert "".join(f"M{x} {y}h{n}v1h-{n}z" for x, y, n in runs) == path
    grid = [[255] * size for _ in range(size)]
    for x, y, n in runs:
        for column in range(int(x), int(x) + int(n)):
            grid[int(y)][column] = 0
    pixels = b"".join(bytes(v for v in row for _ in range(scale)) * scale for row in grid)
    found = zxingcpp.read_barcodes(_Grey(pixels, size * scale, size * scale))
    return [barcode.text for barcode in found]


def test_qr_svg_is_valid_xml_with_an_accessible_name_and_decodes_to_the_url():
    url = "https://narvaro.example/feeds/places/resecentrum.ics?lang=en"

    svg = qr_svg(url, label='QR-kod "Resecentrum" & <mer>')
    root = parse_xml(svg)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == 'QR-kod "Resecentrum" & <mer>'
    assert root.find(f"{SVG}title").text == 'QR-kod "Resecentrum" & <mer>'
    assert decode_svg(svg) == [url]


def test_qr_svg_without_label_is_hidden_from_screen_readers():
    root = parse_xml(qr_svg("https://narvaro.example/"))

    assert root.get("aria-hidden") == "true"
    assert root.get("role") is None
    assert root.find(f"{SVG}title") is None


def test_qr_svg_keeps_a_white_quiet_zone_of_four_modules():
    svg = qr_svg("https://narvaro.example/sv/feedback")
    root = parse_xml(svg)
    size = int(root.get("viewBox").split()[2])

    runs = [tuple(map(int, run)) for run in RUN.findall(root.find(f"{SVG}path").get("d"))]

    assert min(x for x, _y, _n in runs) == 4 and min(y for _x, y, _n in runs) == 4
    assert max(x + n for x, _y, n in runs) == size - 4
    assert max(y for _x, y, _n in runs) == size - 5


def get_subscribe(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    return response.text


def feed_sections(client, url):
    """Each calendar's section, one page per calendar (?feed=<key>): one section, one QR code."""
    sections = {}
    for key in FEEDS:
        page = soup(get_subscribe(client, f"{url}?feed={key}"))
        [section] = page.select("section.feed")
        sections[section["id"].removeprefix("feed-")] = section
    return sections


def inline_svgs(html: str) -> list[str]:
    """The page's inline SVG exactly as sent (an HTML parser would lowercase viewBox)."""
    return re.findall(r"<svg .*?</svg>", html)


def feed_links(section):
    webcal, outlook = [a["href"] for a in section.select("ul.actions a")]
    return webcal, section.select_one("code.url").get_text(), outlook


def test_subscribe_page_gives_exact_webcal_https_and_outlook_links(client):
    sections = feed_sections(client, "/sv/subscribe")

    assert list(sections) == FEEDS
    assert feed_links(sections["all"]) == (
        "webcal://narvaro.example/feeds/all.ics",
        "https://narvaro.example/feeds/all.ics",
        "https://outlook.live.com/calendar/0/addfromweb?"
        "url=https%3A%2F%2Fnarvaro.example%2Ffeeds%2Fall.ics&name=Allt+%E2%80%93+S%C3%A4vsj%C3%B6+kommun",
    )
    for key, section in sections.items():
        webcal, https, outlook = feed_links(section)
        title = section.h2.get_text()
        assert https == "https://narvaro.example" + PATHS[key]
        assert webcal == "webcal://narvaro.example" + PATHS[key]
        assert parse_qs(urlsplit(outlook).query) == {
            "url": [https],
            "name": [f"{title} – Sävsjö kommun"],
        }
    assert sections["torget"].h2.get_text() == "Polisen på plats: Torget"


def test_subscribe_page_lists_every_calendar_and_shows_all_first(client):
    page = soup(get_subscribe(client, "/sv/subscribe"))
    choices = [a["href"] for a in page.select("nav.place-filter a")]

    assert choices == [f"/sv/subscribe?feed={key}#feed-{key}" for key in FEEDS]
    assert [s["id"] for s in page.select("section.feed")] == ["feed-all"]
    assert client.get("/sv/subscribe?feed=nothing").status_code == 404


def test_subscribe_page_buttons_come_before_the_qr_code(client):
    page = soup(get_subscribe(client, "/sv/subscribe?feed=torget"))
    section = page.select_one("section.feed")

    order = [tag.name for tag in section.find_all(["a", "figure"])]
    assert order[:3] == ["a", "a", "figure"]


def test_subscribe_page_qr_codes_decode_to_the_feed_urls(client):
    for key in FEEDS:
        [svg] = inline_svgs(get_subscribe(client, f"/sv/subscribe?feed={key}"))
        root = parse_xml(svg)
        assert root.get("role") == "img" and root.get("aria-label"), key
        assert decode_svg(svg) == ["https://narvaro.example" + PATHS[key]], key


def test_english_subscribe_page_hands_out_english_feeds(client):
    html = get_subscribe(client, "/en/subscribe?feed=torget")
    sections = {s["id"]: s for s in soup(html).select("section.feed")}

    webcal, https, outlook = feed_links(sections["feed-torget"])

    assert https == "https://narvaro.example/feeds/places/torget.ics?lang=en"
    assert webcal == "webcal://narvaro.example/feeds/places/torget.ics?lang=en"
    assert parse_qs(urlsplit(outlook).query)["name"] == [
        "Police on site: Torget (the square) – Sävsjö Municipality"
    ]
    assert decode_svg(inline_svgs(html)[0]) == [https]


def test_subscribe_links_use_the_request_host_without_public_base_url(app, client):
    app.config["PUBLIC_BASE_URL"] = ""

    sections = feed_sections(client, "/sv/subscribe")

    assert feed_links(sections["office"])[:2] == (
        "webcal://localhost/feeds/office.ics",
        "http://localhost/feeds/office.ics",
    )


def test_subscribe_page_explains_google_outlook_and_android(client):
    response = client.get("/sv/subscribe")
    page = soup(response)
    steps = " ".join(page.select_one("ul.steps").get_text().split())

    assert "Lägg till kalender > Från webbadress" in steps
    assert page.select_one("ul.steps").find("a", string="ICSx⁵")["href"].startswith("https://")


@pytest.mark.parametrize("lang", ["sv", "en", "ar", "fa", "so", "ti", "uk"])
def test_links_from_a_languages_pages_hand_out_that_languages_calendars(client, lang):
    from tests.factories import make_slot
    from tests.support.html import get_soup

    make_slot()
    subscribe = get_soup(client, f"/{lang}/subscribe")
    torget = get_soup(client, f"/{lang}/places/torget")
    feeds = [a["href"] for a in subscribe.select('a[href*="/feeds/"]')]
    files = [a["href"] for a in torget.select('a[href*="/feeds/slots/"]')]

    query = [] if lang == "sv" else [lang]
    assert feeds and files
    assert {tuple(parse_qs(urlsplit(url).query).get("lang", [])) for url in feeds + files} == {
        tuple(query)
    }
    for url in files:
        [event] = icalendar.Calendar.from_ical(client.get(url).data).walk("VEVENT")
        location = str(event["LOCATION"])
        assert location.endswith(", Sävsjö") and location.count("Torget") == 1, location
