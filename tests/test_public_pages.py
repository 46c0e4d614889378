"""Every public page: structure, language, links, privacy; then each page's own content."""

import json
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from tests.conftest import NOW
from tests.factories import make_slot, offer_languages, place
from tests.support.html import soup
from webapp.extensions import db
from webapp.models import OfficeHours, PresenceSlot
from webapp.public.structured import json_ld_script

PAGES = [
    "/{lang}/",
    "/{lang}/office",
    "/{lang}/presence",
    "/{lang}/places/torget",
    "/{lang}/subscribe",
    "/{lang}/about",
    "/{lang}/accessibility",
    "/{lang}/feedback",
    "/{lang}/editors",
]
LANGUAGES = ("sv", "en", "ar", "fa", "so", "ti", "uk")
RTL = {"ar", "fa"}
# Tags whose URL the browser loads by itself; only <a> may point at other sites.
LOADING_ATTRIBUTES = {"src", "srcset", "data", "poster", "action", "formaction"}


def text_of(element) -> str:
    return " ".join(element.get_text().split())


def slots_in_the_next_eight_weeks(slug=None):
    """How many slots the data file has that the public pages show at NOW."""
    query = select(func.count(PresenceSlot.id)).where(
        PresenceSlot.starts_at < NOW + timedelta(weeks=8), PresenceSlot.ends_at > NOW
    )
    if slug:
        query = query.where(PresenceSlot.place_id == place(slug).id)
    return db.session.scalar(query)


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert "Set-Cookie" not in response.headers, url
    return response, soup(response)


def local_urls_only(page, url):
    for tag in page.find_all(True):
        for attribute in LOADING_ATTRIBUTES & set(tag.attrs):
            assert not urlsplit(tag[attribute]).netloc, (url, tag.name, tag[attribute])
        if tag.name == "link":
            assert not urlsplit(tag["href"]).netloc, (url, tag["href"])
    scripts = page.find_all("script")
    assert all(s.get("type") == "application/ld+json" for s in scripts), url
    assert not page.find_all("iframe"), url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_one_h1_title_lang_skip_link_switch_and_footer(client, lang):
    offer_languages(*LANGUAGES)
    for pattern in PAGES:
        url = pattern.format(lang=lang)
        _response, page = get_page(client, url)

        h1s = page.find_all("h1")
        assert len(h1s) == 1, url
        assert page.title.string.startswith(text_of(h1s[0]) + " – Närvaro – "), url
        assert page.html["lang"] == lang, url
        assert page.html["dir"] == ("rtl" if lang in RTL else "ltr"), url
        first_link = page.body.find("a")
        assert first_link["href"] == "#main" and page.find(id="main").name == "main", url
        switch = page.select("nav.lang-switch a")
        assert [(a["href"], a["hreflang"]) for a in switch] == [
            (pattern.format(lang=other), other) for other in LANGUAGES if other != lang
        ], url
        footer = {a["href"] for a in page.find("footer").find_all("a")}
        assert {
            f"/{lang}/accessibility",
            f"/{lang}/about",
            f"/{lang}/subscribe",
            f"/{lang}/feedback",
            "/api/v1/openapi.json",
            "tel:112",
            "tel:11414",
        } <= footer, url
        local_urls_only(page, url)


def test_current_page_marked_in_navigation(client):
    _response, page = get_page(client, "/sv/presence")

    current = page.select('nav.site-nav a[aria-current="page"]')

    assert [a["href"] for a in current] == ["/sv/presence"]


def test_unknown_language_and_place_are_localized_404_pages(client):
    for url, lang in [
        ("/de/", "sv"),
        ("/de/office", "sv"),
        ("/sv/places/finns-inte", "sv"),
        ("/en/places/x", "en"),
    ]:
        response = client.get(url)
        page = soup(response)

        assert response.status_code == 404, url
        assert len(page.find_all("h1")) == 1, url
        assert page.html["lang"] == lang, url
        assert page.html["dir"] == ("rtl" if lang in RTL else "ltr"), url
        assert "Set-Cookie" not in response.headers, url


def test_office_slug_as_place_redirects_to_office_page(client):
    response = client.get("/en/places/poliskontoret")

    assert response.status_code == 302
    assert response.headers["Location"] == "/en/office"


def test_office_page_weekly_hours_and_changed_days(client):
    _response, page = get_page(client, "/sv/office")
    weekly, changes = page.select("table")

    rows = [[text_of(c) for c in tr.find_all(["th", "td"])] for tr in weekly.select("tbody tr")]
    changed = [[text_of(c) for c in tr.find_all(["th", "td"])] for tr in changes.select("tbody tr")]

    assert rows == [
        ["Måndag", "Stängt"],
        ["Tisdag", "09:30–11:45, 12:45–15:30"],
        ["Onsdag", "Stängt"],
        ["Torsdag", "12:00–17:30"],
        ["Fredag", "08:30–11:30"],
        ["Lördag", "Stängt"],
        ["Söndag", "Stängt"],
    ]
    short = "Kortare öppettider i mellandagarna"
    assert changed == [
        ["Torsdag 24 december", "Stängt", "Julafton"],
        ["Fredag 25 december", "Stängt", "Juldagen"],
        ["Tisdag 29 december", "09:00–11:00", short],
        ["Onsdag 30 december", "09:00–11:00", short],
        ["Torsdag 31 december", "Stängt", "Nyårsafton"],
        ["Fredag 1 januari 2027", "Stängt", "Nyårsdagen"],
    ]
    text = text_of(page.find("main"))
    assert "Storgatan 1, 576 31 Sävsjö (exempeladress)" in text
    assert "Lämna upphittat gods" in text
    maps = [a["href"] for a in page.find("main").find_all("a") if "openstreetmap" in a["href"]]
    assert maps == [
        "https://www.openstreetmap.org/?mlat=57.40289&mlon=14.66397#map=18/57.40289/14.66397"
    ]
    assert "Från och med" not in text


def test_office_page_mentions_new_weekly_hours_within_eight_weeks(client):
    office = place("poliskontoret")
    db.session.add(
        OfficeHours(
            place_id=office.id,
            weekday=0,
            opens=time(9),
            closes=time(11),
            valid_from=date(2027, 1, 4),
            created_at=datetime(2026, 11, 20, tzinfo=UTC),
        )
    )
    db.session.commit()

    _response, page = get_page(client, "/sv/office")
    tables = page.select("table.hours")

    assert "Från och med måndag 4 januari 2027 gäller nya öppettider:" in text_of(page)
    assert [text_of(td) for td in tables[0].select("td")][0] == "Stängt"
    assert [text_of(td) for td in tables[1].select("td")][0] == "09:00–11:00"


def json_ld(page):
    return [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]


def test_office_json_ld_has_exact_opening_hours(client):
    _response, page = get_page(client, "/sv/office")
    (data,) = json_ld(page)

    def weekly(day, opens, closes):
        return {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"https://schema.org/{day}",
            "opens": opens,
            "closes": closes,
            "validFrom": "2026-01-01",
        }

    def special(day, opens, closes, why):
        return {
            "@type": "OpeningHoursSpecification",
            "validFrom": day,
            "validThrough": day,
            "description": why,
            "opens": opens,
            "closes": closes,
        }

    assert data["@type"] == "PoliceStation"
    assert data["name"] == "Poliskontoret i Sävsjö"
    assert data["url"] == "https://narvaro.example/sv/office"
    assert data["telephone"] == "114 14"
    assert data["openingHoursSpecification"] == [
        weekly("Tuesday", "09:30", "11:45"),
        weekly("Tuesday", "12:45", "15:30"),
        weekly("Thursday", "12:00", "17:30"),
        weekly("Friday", "08:30", "11:30"),
    ]
    short = "Kortare öppettider i mellandagarna"
    assert data["specialOpeningHoursSpecification"] == [
        special("2026-12-24", "00:00", "00:00", "Julafton"),
        special("2026-12-25", "00:00", "00:00", "Juldagen"),
        special("2026-12-29", "09:00", "11:00", short),
        special("2026-12-30", "09:00", "11:00", short),
        special("2026-12-31", "00:00", "00:00", "Nyårsafton"),
        special("2027-01-01", "00:00", "00:00", "Nyårsdagen"),
    ]
    _response, home = get_page(client, "/sv/")
    assert json_ld(home) == [data]


def test_json_ld_script_cannot_be_closed_by_data():
    data = {"name": "</script><script>alert(1)</script> & <!--"}

    html = str(json_ld_script(data))
    script = soup(html).find("script")

    assert html.count("</script>") == 1 and html.endswith("</script>")
    assert "<" not in script.string
    assert json.loads(script.string) == data


def test_presence_page_groups_slots_by_local_day(client):
    _response, page = get_page(client, "/sv/presence")

    headings = [text_of(h) for h in page.select("h3.day-heading")]
    groups = [len(ul.select("li.slot")) for ul in page.select("ul.slots")]
    first = page.select_one("li.slot")

    assert headings[:4] == [
        "I morgon – onsdag 25 november",
        "Torsdag 26 november",
        "Fredag 27 november",
        "Torsdag 3 december",
    ]
    # The data file has at most one slot a day.
    assert len(headings) == len(groups) == slots_in_the_next_eight_weeks()
    assert sum(groups) == slots_in_the_next_eight_weeks()
    assert text_of(first.select_one(".slot-when")) == "10:00–11:30 Biblioteket"
    assert first.find("a", class_="slot-place")["href"] == "/sv/places/biblioteket"


def test_presence_slot_has_one_add_to_calendar_entry_and_no_map_links(client):
    _response, page = get_page(client, "/en/presence")
    first = page.select_one("li.slot")
    entry = first.select_one("details.add-to-calendar")
    hrefs = [a["href"] for a in entry.select("ul.actions a")]
    slot_id = int(hrefs[0].split("/")[-1].split(".")[0])

    google = parse_qs(urlsplit(hrefs[1]).query)
    outlook = parse_qs(urlsplit(hrefs[2]).query)

    assert hrefs[0] == f"/feeds/slots/{slot_id}.ics?lang=en"
    assert first.select_one("ul.actions a").has_attr("download")
    assert hrefs[1].startswith("https://calendar.google.com/calendar/render?")
    assert google["dates"] == ["20261125T090000Z/20261125T103000Z"]
    assert google["text"] == ["Police on site: Biblioteket (the library)"]
    assert outlook["startdt"] == ["2026-11-25T09:00:00Z"]
    assert len(hrefs) == 3 and text_of(entry.summary) == "Add to your calendar"
    assert [a["href"] for a in first.find_all("a")][1:] == hrefs  # the place link, then these
    assert text_of(first.select_one(".slot-when")) == "10:00–11:30 Biblioteket (the library)"


def test_cancelled_slot_shows_reason_and_struck_time_without_calendar_links(client):
    make_slot(
        starts_at=datetime(2026, 12, 3, 14, 0, tzinfo=UTC),
        status="cancelled",
        note="Polisen behövs på annat håll",
        sequence=1,
    )

    _response, page = get_page(client, "/sv/presence")
    cancelled = page.select("li.slot.cancelled")

    assert len(cancelled) == 1
    (slot,) = cancelled
    assert text_of(slot.select_one("s.time")) == "15:00–16:00"
    assert text_of(slot.select_one(".cancel-reason")) == "Inställt: Polisen behövs på annat håll"
    assert not slot.select("ul.actions")
    day = slot.find_parent("ul").find_previous_sibling("h3")
    assert text_of(day) == "Torsdag 3 december"
    same_day = slot.find_parent("ul").select(":scope > li")
    assert [text_of(s.select_one(".slot-when")) for s in same_day] == [
        "15:00–16:00 Torget",
        "17:00–18:30 Resecentrum",
    ]


def test_presence_json_ld_events(client):
    make_slot(starts_at=datetime(2026, 12, 3, 14, 0, tzinfo=UTC), status="cancelled", note="Sjuk")

    _response, page = get_page(client, "/sv/presence")
    (data,) = json_ld(page)
    events = data["@graph"]

    assert len(events) == slots_in_the_next_eight_weeks()  # the file's and the one made here
    assert events[0] == {
        "@type": "Event",
        "name": "Polisen på plats: Biblioteket",
        "startDate": "2026-11-25T10:00:00+01:00",
        "endDate": "2026-11-25T11:30:00+01:00",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "isAccessibleForFree": True,
        "location": {
            "@type": "Place",
            "name": "Biblioteket",
            "address": "Sävsjö bibliotek",
            "geo": {"@type": "GeoCoordinates", "latitude": 57.40205, "longitude": 14.66712},
        },
        "url": "https://narvaro.example/sv/places/biblioteket",
    }
    statuses = [e["eventStatus"].rsplit("/", 1)[1] for e in events]
    assert statuses.count("EventCancelled") == 1


def test_place_page_lists_only_its_slots_and_its_feed(client):
    _response, page = get_page(client, "/sv/places/torget")
    main = page.find("main")

    places = {text_of(s.select_one(".slot-when")).split(" ")[0] for s in main.select("li.slot")}
    hrefs = [a["href"] for a in main.find_all("a")]

    assert text_of(page.h1) == "Torget"
    assert len(main.select("li.slot")) == slots_in_the_next_eight_weeks("torget")
    assert places == {"13:00–14:30"}

    assert "webcal://narvaro.example/feeds/places/torget.ics" in hrefs
    assert text_of(main.select_one("code.url")) == "https://narvaro.example/feeds/places/torget.ics"


def test_about_page_has_promise_from_data_and_follow_up(client):
    _response, page = get_page(client, "/en/about")
    text = text_of(page.find("main"))

    # The promise in force on the pinned date (an example); the others link to their follow-up.
    assert text_of(page.find("main").h2) == "Citizen promise 2025–2026 (test data)"
    assert "The police keep fixed opening hours" in text
    assert page.find("a", href="/en/promises/2023-2024")
    assert page.find("a", href="/en/promises/2020-2021") or page.find("a", href="/en/promises")
    assert "embed" not in text  # material for web editors has its own page


def test_editors_page_has_the_embed_snippet_and_is_in_the_footer(client):
    _response, page = get_page(client, "/en/editors")

    assert "https://narvaro.example/en/embed" in text_of(page.find("main"))
    assert text_of(page.find("main").select_one("code.url")) == (
        "https://narvaro.example/en/embed/fragment"
    )
    assert page.find("footer").find("a", href="/en/editors")


def test_presence_page_filters_by_place_with_links(client):
    _response, page = get_page(client, "/en/presence?place=torget")
    filter_links = page.select("nav.place-filter a")
    places = {a.get_text() for a in page.select("li.slot .slot-place")}

    assert [a["href"] for a in filter_links][:2] == [
        "/en/presence#times-heading",
        "/en/presence?place=torget#times-heading",
    ]
    assert [a.get_text() for a in page.select('nav.place-filter a[aria-current="page"]')] == [
        text_of(filter_links[1])
    ]
    assert places == {text_of(filter_links[1])}
    assert client.get("/en/presence?place=poliskontoret").status_code == 404
    assert client.get("/en/presence?place=nowhere").status_code == 404


def test_accessibility_statement_links_digg_and_reporting(client):
    _response, page = get_page(client, "/sv/accessibility")
    hrefs = {a["href"] for a in page.find("main").find_all("a")}

    assert "https://www.digg.se/tdosanmalan" in hrefs
    assert "/sv/feedback" in hrefs
    assert "delvis förenlig" in text_of(page)
    assert "24 november 2026" in text_of(page)


def test_feedback_page_warns_against_reporting_crimes(client):
    _response, page = get_page(client, "/sv/feedback")
    hrefs = {a["href"] for a in page.find("main").find_all("a")}

    assert "Anmäl inte brott här." in text_of(page)
    assert {"tel:112", "tel:11414", "https://polisen.se", "https://www.savsjo.se"} <= hrefs


def test_embed_may_be_framed_and_opens_links_in_top_window(client):
    response, page = get_page(client, "/sv/embed")
    main = page.find("main")

    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert page.html["lang"] == "sv" and len(page.find_all("h1")) == 1
    assert page.title.string.startswith(text_of(page.h1) + " – ")
    assert page.find("section", id="office-status")["data-state"] == "open"
    assert all(a.get("target") == "_top" for a in main.find_all("a") if a.has_attr("href"))
    assert len(main.select("ul.upcoming li")) == 3
    local_urls_only(page, "/sv/embed")


def test_other_pages_may_not_be_framed(client):
    response = client.get("/sv/")

    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_embed_fragment_is_bare_html_with_absolute_links(client):
    response = client.get("/en/embed/fragment")
    page = soup(response)

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert page.find("html") is None and page.find("h1") is None
    assert page.div["lang"] == "en"
    assert {a["href"] for a in page.find_all("a")} >= {
        "https://narvaro.example/en/office",
        "https://narvaro.example/en/presence",
    }


def test_robots_allows_feeds_and_disallows_staff(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.text == "User-agent: *\nAllow: /\nAllow: /feeds/\nDisallow: /staff/\n"


def test_favicon_is_the_svg_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<svg")


def test_feedback_page_links_each_place_form_once_the_form_exists(app, client):
    if "feedback.form" not in app.view_functions:
        pytest.skip("the feedback form is not registered in this checkout yet")

    _response, page = get_page(client, "/sv/feedback")

    links = [(text_of(a), a["href"]) for a in page.select("ul.form-links a")]

    assert links == [
        ("Poliskontoret i Sävsjö", "/sv/feedback/poliskontoret"),
        ("Torget", "/sv/feedback/torget"),
        ("Resecentrum", "/sv/feedback/resecentrum"),
        ("Biblioteket", "/sv/feedback/biblioteket"),
    ]
