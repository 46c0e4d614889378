"""Subscription feeds published as files for nginx (webapp.feeds.publish, FEED_PUBLISH_DIR):
each file is the app's own answer byte for byte, for every kind, language and address; a
staff edit republishes its municipality's files and leaves every other one's alone; a
failed write leaves no stale file and no error; Last-Modified (the file's mtime) never
moves backwards. Through nginx itself: tests/test_nginx_feeds.py."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import icalendar
import pytest
from sqlalchemy import select

from tests.conftest import NOW
from tests.support.staff import post_form, staff_client
from tests.test_police_area_data import load_test_area
from webapp.extensions import db
from webapp.feeds.publish import STATE, publisher
from webapp.models import Municipality, Place, PresenceSlot

BASE = "narvaro.example"  # make_app's PUBLIC_BASE_URL host
OWN_HOST = "narvaro.vastby.example"  # Västby's own host (tests/data/area/vastby.toml)


@pytest.fixture
def folder(app, tmp_path):
    app.config["FEED_PUBLISH_DIR"] = str(tmp_path / "feeds")
    return tmp_path / "feeds"


def town(slug):
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug))


def published(folder):
    """{relative path: (bytes, mtime, inode)} of every published feed file."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime, path.stat().st_ino)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and STATE not in path.parts
    }


def address(name):
    """The request a published file stands for: (host, path, query)."""
    host, _, rest = name.partition("/")
    path, _, lang = rest.rpartition(".")
    return host, "/" + path, "" if lang == "sv" else f"lang={lang}"


def events(body):
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


def test_every_published_file_is_the_apps_answer_byte_for_byte(app, client, folder):
    load_test_area()

    publisher().publish()

    files = published(folder)
    vastby_langs = {"sv", "en", "so"}
    assert {n for n in files if n.startswith(f"{OWN_HOST}/")} == {
        f"{OWN_HOST}/feeds/{feed}.ics.{lang}"
        for feed in ("all", "office", "presence", "places/polishuset", "places/torget",
                     "places/hamnen")
        for lang in vastby_langs
    }  # fmt: skip
    assert {n.rpartition(".")[0] for n in files if n.startswith(f"{BASE}/vastby/")} == {
        f"{BASE}/vastby/feeds/{f}.ics"
        for f in ("all", "office", "presence", "places/polishuset", "places/torget",
                  "places/hamnen")
    }  # fmt: skip
    assert f"{BASE}/feeds/all.ics.ar" in files  # Sävsjö, the default, unprefixed
    assert not any(n.startswith(f"{BASE}/savsjo/") for n in files)  # that one redirects
    for name, (body, mtime, _inode) in files.items():
        host, path, query = address(name)
        answer = client.get(path, query_string=query, base_url=f"https://{host}")
        assert answer.status_code == 200, name
        assert body == answer.data, name
        assert mtime == parsedate_to_datetime(answer.headers["Last-Modified"]).timestamp()
    english = icalendar.Calendar.from_ical(files[f"{OWN_HOST}/feeds/presence.ics.en"][0])
    assert str(english["X-WR-CALNAME"]) == "Police on site in Västby Municipality"
    assert {
        str(e["LOCATION"]) for e in events(files[f"{BASE}/vastby/feeds/places/hamnen.ics.sv"][0])
    } == {"Hamnen, Kajen, Västby"}


def _next_slot(slug):
    place_ids = select(Place.id).where(Place.municipality_id == town(slug).id)
    return db.session.scalar(
        select(PresenceSlot)
        .where(PresenceSlot.place_id.in_(place_ids), PresenceSlot.starts_at > NOW)
        .order_by(PresenceSlot.starts_at)
        .limit(1)
    )


def test_a_staff_edit_republishes_its_municipality_only(app, client, folder, pin):
    load_test_area()
    publisher().publish()
    before = published(folder)
    slot_id = _next_slot("vastby").id
    staff = staff_client(app, "police")
    pin(NOW + timedelta(minutes=5))

    answer = post_form(
        staff, f"/vastby/sv/staff/presence/slots/{slot_id}/cancel", {"reason": "Utryckning"}
    )

    assert answer.status_code == 302
    after = published(folder)
    assert after.keys() == before.keys()
    changed = {n for n in after if after[n] != before[n]}
    vastby = {n for n in after if n.startswith((f"{BASE}/vastby/", f"{OWN_HOST}/"))}
    assert changed == vastby
    feed = events(after[f"{OWN_HOST}/feeds/all.ics.sv"][0])
    cancelled = [e for e in feed if str(e.get("STATUS")) == "CANCELLED"]
    was = events(before[f"{OWN_HOST}/feeds/all.ics.sv"][0])
    assert [str(e["UID"]) for e in cancelled if "Utryckning" in str(e["DESCRIPTION"])] == [
        f"slot-{slot_id}@vastby.narvaro.example"
    ]
    assert not [e for e in was if "Utryckning" in str(e.get("DESCRIPTION", ""))]
    stamp = datetime(2026, 11, 24, 9, 35, tzinfo=UTC).timestamp()
    assert {after[n][1] for n in vastby} == {stamp}
