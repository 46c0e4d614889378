"""Addresses in a police area: the default municipality keeps every unprefixed address as it
answered before the area was loaded; another municipality lives under /<slug>/ and on its
own hosts, with links, feeds and API answers of its own."""

from email.utils import parsedate_to_datetime

import icalendar
import pytest

from tests.factories import make_poster
from tests.support.html import soup
from tests.test_police_area_data import AREA, load_test_area

# Every kind of address that was printed, linked or subscribed to before the area existed.
RECORDED = [
    "/",
    "/sv/",
    "/en/",
    "/ar/office",
    "/sv/presence",
    "/uk/places/torget",
    "/sv/places/biblioteket",
    "/en/subscribe",
    "/sv/about",
    "/sv/accessibility",
    "/sv/lattlast/om",
    "/sv/promises",
    "/en/promises/2025-2026",
    "/sv/promises/feed.atom",
    "/sv/embed",
    "/feeds/all.ics",
    "/feeds/office.ics?lang=en",
    "/feeds/presence.ics",
    "/feeds/places/torget.ics",
    "/api/v1/status",
    "/api/v1/places",
    "/api/v1/office-hours",
    "/api/v1/presence",
    "/api/v1/promises",
    "/api/v1/promises/2025-2026",
    "/robots.txt",
    "/sv/nosuchpage",
]
# Headers that say when the data last changed anywhere: loading the area moves them forward.
MOVING = {"Date", "Last-Modified"}


def answer(client, path):
    response = client.get(path)
    headers = sorted((k, v) for k, v in response.headers.items() if k not in MOVING)
    return response.status_code, headers, response.data


def _second_municipality_only(folder):
    """The tests' area without the promise Sävsjö signs in it: Sävsjö's data stays as it was."""
    path = folder / "area.toml"
    text = AREA.read_text(encoding="utf-8")
    text = text[: text.index("[[promises]]")]
    for name in ("../savsjo-tests.toml", "vastby.toml"):
        text = text.replace(f'"{name}"', f'"{(AREA.parent / name).resolve()}"')
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_municipalitys_addresses_answer_as_before_the_area(app, client, tmp_path):
    code = make_poster().code
    paths = [*RECORDED, f"/q/{code}", f"/feeds/slots/{_first_slot_id(client)}.ics"]
    before = {path: answer(client, path) for path in paths}
    modified = client.get("/feeds/all.ics").headers["Last-Modified"]

    load_test_area(_second_municipality_only(tmp_path))
    app.extensions["narvaro_front_cache"].forget()
    after = {path: answer(client, path) for path in paths}

    assert [p for p in paths if after[p] != before[p]] == []
    assert {before[p][0] for p in paths} == {200, 302, 303, 404}
    later = client.get("/feeds/all.ics").headers["Last-Modified"]
    assert parsedate_to_datetime(later) >= parsedate_to_datetime(modified)


def _first_slot_id(client):
    calendar = icalendar.Calendar.from_ical(client.get("/feeds/presence.ics").data)
    uid = next(e["UID"] for e in calendar.walk("VEVENT"))
    return int(uid.split("@")[0].removeprefix("slot-"))


def test_another_municipality_lives_under_its_prefix_with_links_of_its_own(app, client):
    load_test_area()

    page = client.get("/vastby/sv/")

    assert page.status_code == 200
    html = soup(page)
    assert "Västby" in html.title.get_text()
    links = [a["href"] for a in html.select("a[href^='/']")]
    assert links and [h for h in links if not h.startswith(("/vastby/", "/static/"))] == []
    languages = {a["hreflang"] for a in html.select("a[hreflang]")}
    assert languages >= {"en", "so"} and "ar" not in languages


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/vastby/so/", 200),
        ("/vastby/ar/", 404),  # Västby offers Somali, not Arabic
        ("/vastby/sv/places/hamnen", 200),
        ("/vastby/sv/places/biblioteket", 404),  # Sävsjö's place
        ("/sv/places/hamnen", 404),  # Västby's place, not the default's
        ("/vastby/feeds/places/hamnen.ics", 200),
        ("/vastby/feeds/places/biblioteket.ics", 404),
        ("/vastby/api/v1/promises/2025-2026", 200),
        ("/sv/staff/login", 200),
        ("/vastby/sv/staff/login", 200),  # each municipality's staff pages, under its address
        ("/vastby/en/staff/", 302),  # to its login
    ],
)
def test_each_municipality_answers_for_its_own_places_and_languages(app, client, path, status):
    load_test_area()

    assert client.get(path).status_code == status


def test_the_default_municipalitys_prefix_redirects_to_its_unprefixed_address(app, client):
    load_test_area()

    response = client.get("/savsjo/sv/places/torget?x=1")

    assert (response.status_code, response.headers["Location"]) == (308, "/sv/places/torget?x=1")
    assert "Content-Security-Policy" in response.headers


def test_a_municipalitys_feed_holds_its_own_events_with_uids_of_its_own(app, client):
    load_test_area()

    theirs = icalendar.Calendar.from_ical(client.get("/vastby/feeds/all.ics").data)
    ours = icalendar.Calendar.from_ical(client.get("/feeds/all.ics").data)

    locations = {str(e.get("LOCATION")) for e in theirs.walk("VEVENT")}
    assert locations == {
        "Polishuset i Västby, Hamngatan 2, 999 99 Västby",
        "Hamnen, Kajen, Västby",
        "Västby torg, Torget, Västby",
    }
    their_uids = {str(e["UID"]) for e in theirs.walk("VEVENT")}
    our_uids = {str(e["UID"]) for e in ours.walk("VEVENT")}
    assert all(uid.endswith("@vastby.narvaro.example") for uid in their_uids)
    assert all(uid.endswith("@narvaro.example") and "vastby" not in uid for uid in our_uids)
    assert not their_uids & our_uids


def test_a_municipalitys_own_host_serves_its_site_without_the_prefix(app, client):
    load_test_area()
    host = {"Host": "narvaro.vastby.example"}

    page = client.get("/sv/places/hamnen", headers=host)
    feed = client.get("/feeds/all.ics", headers=host)
    api = client.get("/api/v1/places", headers=host)

    assert page.status_code == 200
    assert all(not a["href"].startswith("/vastby/") for a in soup(page).select("a[href]"))
    assert {p["slug"] for p in api.get_json()["places"]} == {"polishuset", "torget", "hamnen"}
    events = icalendar.Calendar.from_ical(feed.data).walk("VEVENT")
    assert {str(e.get("LOCATION")) for e in events} >= {"Hamnen, Kajen, Västby"}
    assert client.get("/sv/places/hamnen").status_code == 404  # the default's host: not there


def test_the_area_feed_holds_every_municipalitys_presence_as_their_own_feeds_have_it(app, client):
    load_test_area()

    area = icalendar.Calendar.from_ical(client.get("/testomradet/feeds/presence.ics").data)
    own = {
        str(e["UID"]): (str(e["LOCATION"]), str(e["URL"]), e.decoded("DTSTART"))
        # Each municipality's own feed at its own address: Västby's is its own host's, and
        # the area feed links each slot to its page there.
        for path in ("/feeds/presence.ics", "https://narvaro.vastby.example/feeds/presence.ics")
        for e in icalendar.Calendar.from_ical(client.get(path).data).walk("VEVENT")
    }

    events = {
        str(e["UID"]): (str(e["LOCATION"]), str(e["URL"]), e.decoded("DTSTART"))
        for e in area.walk("VEVENT")
    }
    assert events == own
    assert {uid.split("@")[1] for uid in events} == {"narvaro.example", "vastby.narvaro.example"}
    assert str(area["X-WR-CALNAME"]) == "Polisen på plats i Lokalpolisområde Testområdet"
    for path in (
        "/testomradet/sv/office",
        "/testomradet/feeds/all.ics",
        "/testomradet/api/v1/places",
    ):
        assert client.get(path).status_code == 404, path


def _events(client, path):
    calendar = icalendar.Calendar.from_ical(client.get(path).data)
    events = {
        str(e["UID"]): (str(e["SUMMARY"]), str(e["URL"]), e.decoded("DTSTART"))
        for e in calendar.walk("VEVENT")
    }
    return calendar, events


def test_the_area_feed_speaks_the_asked_language_and_links_where_each_site_offers_it(app, client):
    load_test_area()

    _sv, swedish = _events(client, "/testomradet/feeds/presence.ics")
    somali_feed, somali = _events(client, "/testomradet/feeds/presence.ics?lang=so")
    arabic_feed, arabic = _events(client, "/testomradet/feeds/presence.ics?lang=ar")

    assert str(somali_feed["X-WR-CALNAME"]) == (
        "Booliska goobta jooga Lokalpolisområde Testområdet"
    )
    assert str(somali_feed["DESCRIPTION"]) == (
        "Goorta iyo meesha ay booliska joogaan. Waqtiyadu waa tusaale, weli lama xaqiijin."
    )
    assert str(arabic_feed["X-WR-CALNAME"]) == "الشرطة حاضرة في Lokalpolisområde Testområdet"
    assert str(arabic_feed["DESCRIPTION"]) == ("متى وأين تحضر الشرطة. الأوقات أمثلة ولم تُؤكَّد بعد.")
    # The same occurrences in every language; only the words and the links' language differ.
    assert {u: e[2] for u, e in somali.items()} == {u: e[2] for u, e in swedish.items()}
    assert arabic.keys() == swedish.keys()
    harbour = [u for u, e in swedish.items()
               if e[1] == "https://narvaro.vastby.example/sv/places/hamnen"]  # fmt: skip
    torget = [u for u, e in swedish.items() if e[1] == "https://narvaro.example/sv/places/torget"]
    assert harbour and torget
    assert {somali[u][:2] for u in harbour} == {
        (
            "Booliska goobta jooga: Hamnen (dekedda)",
            "https://narvaro.vastby.example/so/places/hamnen",
        )
    }
    # Västby offers no Arabic: its page is linked in Swedish; Sävsjö's in Arabic.
    assert {arabic[u][:2] for u in harbour} == {
        ("الشرطة حاضرة: Hamnen", "https://narvaro.vastby.example/sv/places/hamnen")
    }
    assert {arabic[u][1] for u in torget} == {"https://narvaro.example/ar/places/torget"}
    assert all(client.get(arabic[u][1].removeprefix("https://narvaro.example")).status_code
               == 200 for u in harbour[:1] + torget[:1])  # fmt: skip


def test_one_rule_gives_every_municipalitys_address():
    from webapp.addresses import municipality_base
    from webapp.models import Municipality, PoliceArea

    area = PoliceArea(slug="testomradet", default_slug="savsjo")
    savsjo = Municipality(slug="savsjo", hosts=[], police_area=area)
    vastby = Municipality(slug="vastby", hosts=["narvaro.vastby.example"], police_area=area)
    norrby = Municipality(slug="norrby", hosts=None, police_area=area)
    alone = Municipality(slug="ensam", hosts=["ensam.example"], police_area=None)

    assert [municipality_base(t, "https://narvaro.example/tjanst")
            for t in (savsjo, vastby, norrby, alone)] == [
        "https://narvaro.example/tjanst",  # the default keeps the unprefixed addresses
        "https://narvaro.vastby.example/tjanst",  # its own host, the installation's root
        "https://narvaro.example/tjanst/norrby",
        "https://narvaro.example/tjanst",  # alone: no hosts route, nothing is prefixed
    ]  # fmt: skip
