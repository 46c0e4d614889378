"""Two municipalities of one area, each with its own places, times, languages and promises:
every page, feed, API answer, poster address, feedback form and follow-up of one holds its
own data only. Answers are parsed (HTML, iCal, JSON), on SQLite and PostgreSQL, through the
front cache, and with two workers sharing rendered pages through Redis."""

from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from tests.conftest import make_app
from tests.support.html import get_soup
from tests.support.servers import redis_server
from tests.test_police_area_data import load_test_area
from webapp.extensions import db
from webapp.feedback import service
from webapp.feeds.ical import location
from webapp.models import Municipality, Place

# What each municipality's own data is (tests/data/savsjo-tests.toml, tests/data/area/).
OWN = {
    "": {
        "places": {"poliskontoret", "torget", "resecentrum", "biblioteket"},
        "promises": {"2025-2026", "2023-2024", "2020-2021", "gemensamt-2027-2028"},
        "languages": {"sv", "en", "ar", "fa", "so", "ti", "uk"},
        "town": "Sävsjö",
    },
    "/vastby": {
        "places": {"polishuset", "torget", "hamnen"},
        "promises": {"2025-2026", "gemensamt-2027-2028"},
        "languages": {"sv", "en", "so"},
        "town": "Västby",
    },
}
SITES = list(OWN)


@pytest.fixture
def area(app):
    load_test_area()
    return app


def place_links(html) -> set[str]:
    return {a["href"].rsplit("/places/", 1)[1] for a in html.select("a[href*='/places/']")
            if not a["href"].endswith(".ics")}  # fmt: skip


def place_names(site) -> set[str]:
    """Each place's location as the feeds write it (ical.location), for this site's places."""
    slug = "vastby" if site else "savsjo"
    town = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    rows = db.session.scalars(select(Place).where(Place.municipality_id == town.id))
    return {location(p, "sv") for p in rows}


@pytest.mark.parametrize("site", SITES)
def test_pages_list_only_their_own_places_and_languages(area, client, site):
    for _ in range(2):  # rendered, then served again by the front cache
        presence = get_soup(client, f"{site}/sv/presence")
        home = get_soup(client, f"{site}/sv/")

        assert place_links(presence) <= OWN[site]["places"]
        assert place_links(presence) | place_links(home) >= OWN[site]["places"] - {
            "poliskontoret", "polishuset"
        }  # fmt: skip
        assert {a["hreflang"] for a in home.select("a[hreflang]")} == OWN[site]["languages"] - {
            "sv"
        }
        assert OWN[site]["town"] in home.title.get_text()


@pytest.mark.parametrize("site", SITES)
def test_feeds_hold_only_their_own_events(area, client, site):
    other = place_names("" if site else "/vastby")
    for _ in range(2):
        events = icalendar.Calendar.from_ical(client.get(f"{site}/feeds/all.ics").data)
        locations = {str(e["LOCATION"]) for e in events.walk("VEVENT")}

        assert locations and locations <= place_names(site)
        assert not locations & other


@pytest.mark.parametrize("site", SITES)
def test_the_api_answers_with_its_own_places_presence_and_promises(area, client, site):
    places = client.get(f"{site}/api/v1/places").get_json()["places"]
    presence = client.get(f"{site}/api/v1/presence").get_json()["slots"]
    promises = client.get(f"{site}/api/v1/promises").get_json()["promises"]

    assert {p["slug"] for p in places} == OWN[site]["places"]
    assert presence and {s["place"] for s in presence} <= OWN[site]["places"]
    assert {p["id"] for p in promises} == OWN[site]["promises"]
    assert all(u.startswith(f"https://narvaro.example{site}/") for p in places
               for u in p["urls"].values())  # fmt: skip


@pytest.mark.parametrize("site", SITES)
def test_the_follow_up_lists_its_own_promises(area, client, site):
    html = get_soup(client, f"{site}/sv/promises")

    keys = {a["href"].rsplit("/", 1)[1] for a in html.select("a[href*='/promises/']")
            if not a["href"].endswith(".atom")}  # fmt: skip
    assert keys == OWN[site]["promises"]
    own_title = "Västbys medborgarlöfte 2025–2026"
    assert (own_title in html.get_text()) == (site == "/vastby")


def test_a_posters_code_and_a_feedback_form_answer_only_under_their_municipality(area, client):
    hamnen = db.session.scalar(select(Place).where(Place.slug == "hamnen"))
    poster = service.create_poster(db.session, hamnen, now=area.config["NOW"])
    db.session.commit()
    code = poster.code

    scan = client.get(f"/vastby/q/{code}")

    assert scan.status_code == 303
    assert scan.headers["Location"].startswith("/vastby/sv/feedback/hamnen/")
    assert client.get(f"/q/{code}").status_code == 404  # not the default municipality's
    assert client.get("/vastby/sv/feedback/hamnen").status_code == 200
    assert client.get("/sv/feedback/hamnen").status_code == 404
    assert client.get("/vastby/sv/feedback/biblioteket").status_code == 404


@pytest.fixture
def own_redis(tmp_path):
    with redis_server(tmp_path) as server:
        yield server


def test_two_workers_sharing_redis_serve_each_municipality_its_own_pages(
    area, database_url, own_redis
):
    workers = [
        make_app(database_url, PAGE_CACHE_REDIS_URL=own_redis.url, PAGE_CACHE_PREFIX="t:area")
        for _ in range(2)
    ]
    rendered = {
        (site, path): workers[0].test_client().get(f"{site}{path}").data
        for site in SITES
        for path in ("/sv/presence", "/feeds/all.ics", "/api/v1/places")
    }

    for (site, path), body in rendered.items():
        served = workers[1].test_client().get(f"{site}{path}").data
        assert served == body
    assert rendered["", "/sv/presence"] != rendered["/vastby", "/sv/presence"]
    slugs = {
        p["slug"] for p in workers[1].test_client().get("/vastby/api/v1/places").json["places"]
    }
    assert slugs == OWN["/vastby"]["places"]
    host = (
        workers[1].test_client().get("/api/v1/places", headers={"Host": "narvaro.vastby.example"})
    )
    assert {p["slug"] for p in host.json["places"]} == OWN["/vastby"]["places"]
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()


def test_a_shared_promise_counts_the_presence_of_every_municipality_that_signed_it(area, client):
    from datetime import date

    from sqlalchemy import func

    from webapp.models import PresenceSlot
    from webapp.promise.figures import period_bounds

    def slots_between(first, last):
        start, end = period_bounds(first, last, ZoneInfo("Europe/Stockholm"))
        in_period = select(PresenceSlot.municipality_id, func.count()).where(
            PresenceSlot.starts_at >= start, PresenceSlot.starts_at < end
        )
        return dict(db.session.execute(in_period.group_by(PresenceSlot.municipality_id)).all())

    def planned(site, key):
        body = client.get(f"{site}/api/v1/promises/{key}").get_json()
        return next(a for a in body["activities"] if a["measure"] == "presence")["presence"]

    counts = slots_between(date(2027, 1, 1), date(2028, 12, 31))
    shared = {site: planned(site, "gemensamt-2027-2028")["planned"] for site in SITES}
    assert len(counts) == 2 and all(counts.values())
    assert shared == {site: sum(counts.values()) for site in SITES}
    # A promise of one municipality still counts its own presence only.
    vastby = db.session.scalar(select(Municipality.id).where(Municipality.slug == "vastby"))
    own = slots_between(date(2025, 1, 1), date(2026, 12, 31))
    assert len(own) == 2
    assert planned("/vastby", "2025-2026")["planned"] == own[vastby]
