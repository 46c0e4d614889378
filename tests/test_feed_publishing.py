"""Subscription feeds published as files for nginx (webapp.feeds.publish, FEED_PUBLISH_DIR):
each file is the app's own answer byte for byte, for every kind, language and address; a
staff edit removes its municipality's files before it answers (rendering none) and they are
published again in the background, every other one's left alone; nothing is published
without FEED_PUBLISH_DIR; `publish-feeds --due` follows the weekly window; a render that
waited for the lock writes the newest data, and one that rendered before a commit renders
again. Through nginx itself (failed writes, revalidation, Last-Modified after a deletion):
tests/test_nginx_feeds.py."""

import fcntl
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import icalendar
import pytest
from sqlalchemy import select

from tests.conftest import NOW
from tests.support.staff import csrf_token, post_form, staff_client
from tests.test_police_area_data import load_test_area
from webapp.extensions import db
from webapp.feeds import publish
from webapp.feeds.publish import STATE, Publisher, publisher
from webapp.models import Municipality, Place, PresenceSlot
from webapp.schedule import planning

BASE = "narvaro.example"  # make_app's PUBLIC_BASE_URL host
OWN_HOST = "narvaro.vastby.example"  # Västby's own host (tests/data/area/vastby.toml)


@pytest.fixture
def folder(app, tmp_path):
    app.config["FEED_PUBLISH_DIR"] = str(tmp_path / "feeds")
    yield tmp_path / "feeds"
    assert publish.settle(30)  # nothing of this test publishes into the next one


@contextmanager
def holding(folder, slug):
    """Hold `slug`'s publishing lock, as a publisher in another worker would."""
    with open(folder / STATE / f"{slug}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def answered_within(seconds, call, *args, **kwargs):
    """`call(*args, **kwargs)` in a thread: its result, asserting it came back (it must not
    wait for a lock the test holds)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(call(*args, **kwargs)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, "the request waited for the publishing lock"
    return result[0]


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


def test_a_staff_edit_removes_its_municipalitys_files_and_republishes_them_later(
    app, client, folder, pin
):
    """The edit's answer comes while the publishing lock is held elsewhere: it rendered
    nothing, its municipality's files are gone; once the lock is free they come back with the
    edit, and no other municipality's file was touched."""
    load_test_area()
    publisher().publish()
    before = published(folder)
    slot_id = _next_slot("vastby").id
    staff = staff_client(app, "police")
    url = f"/vastby/sv/staff/presence/slots/{slot_id}/cancel"
    token = csrf_token(staff, url)
    pin(NOW + timedelta(minutes=5))
    vastby = {n for n in before if n.startswith((f"{BASE}/vastby/", f"{OWN_HOST}/"))}

    with holding(folder, "vastby"):
        answer = answered_within(30, staff.post, url, data={"csrf_token": token,
                                                            "reason": "Utryckning"})  # fmt: skip
        meanwhile = published(folder)
        publish.settle(0.5)  # the publisher waits for the lock: nothing is written meanwhile
        still = published(folder)
    assert publish.settle(30)
    after = published(folder)

    assert answer.status_code == 302
    assert vastby and meanwhile == still == {n: f for n, f in before.items() if n not in vastby}
    assert after.keys() == before.keys()
    assert {n for n in after if after[n] != before[n]} == vastby
    feed = events(after[f"{OWN_HOST}/feeds/all.ics.sv"][0])
    cancelled = [e for e in feed if str(e.get("STATUS")) == "CANCELLED"]
    was = events(before[f"{OWN_HOST}/feeds/all.ics.sv"][0])
    assert [str(e["UID"]) for e in cancelled if "Utryckning" in str(e["DESCRIPTION"])] == [
        f"slot-{slot_id}@vastby.narvaro.example"
    ]
    assert not [e for e in was if "Utryckning" in str(e.get("DESCRIPTION", ""))]
    stamp = datetime(2026, 11, 24, 9, 35, tzinfo=UTC).timestamp()
    assert {after[n][1] for n in vastby} == {stamp}


class PausedPublisher(Publisher):
    """A publisher that, its first file rendered, waits for `go` before renaming it into
    place (the commit happens meanwhile)."""

    def __init__(self, app, folder):
        super().__init__(app, folder)
        self.rendered, self.go = threading.Event(), threading.Event()

    def _replace(self, target, body, modified):
        if not self.rendered.is_set():
            self.rendered.set()
            assert self.go.wait(30)
        super()._replace(target, body, modified)


def test_a_publisher_that_rendered_before_a_commit_leaves_no_stale_file(app, folder, pin):
    """A publisher holds Västby's lock and has rendered its first feed when a staff edit
    commits (and removes the files); it renames that render into place afterwards. Before the
    lock is free, it reads the stamp again and renders once more: no file it leaves is older
    than the edit. (The background publisher is kept busy meanwhile, waiting for Sävsjö's lock
    after an edit there, so it cannot cover for it.)"""
    load_test_area()
    publisher().publish()
    staff = staff_client(app, "police")
    savsjo_slot, vastby_slot = _next_slot("savsjo").id, _next_slot("vastby").id
    uid = f"slot-{vastby_slot}@vastby.narvaro.example"
    pin(NOW + timedelta(minutes=5))
    paused = PausedPublisher(app, folder)
    first = folder / BASE / "vastby" / "feeds" / "all.ics.sv"

    with holding(folder, "savsjo"):
        busy = post_form(staff, f"/sv/staff/presence/slots/{savsjo_slot}/cancel", {"reason": "X"})
        running = threading.Thread(target=paused.publish_one, args=("vastby",))
        running.start()
        assert paused.rendered.wait(30)
        edit = post_form(staff, f"/vastby/sv/staff/presence/slots/{vastby_slot}/cancel",
                         {"reason": "Utryckning"})  # fmt: skip
        removed = not first.exists()
        paused.go.set()
        running.join(60)
        left = {n: f[0] for n, f in published(folder).items() if n.startswith(f"{BASE}/vastby/")}
    assert publish.settle(30)

    assert (busy.status_code, edit.status_code, removed) == (302, 302, True)
    assert not running.is_alive()
    assert len(left) == 6 * 3  # three feeds and three places, in three languages
    for name, body in left.items():
        if "places/" not in name and "office" not in name:
            status = [str(e["STATUS"]) for e in events(body) if str(e["UID"]) == uid]
            assert status == ["CANCELLED"], name
    assert uid in {str(e["UID"]) for e in events(first.read_bytes())}


def test_nothing_is_published_unless_a_folder_is_set(app, client, tmp_path):
    load_test_area()
    slot_id = _next_slot("vastby").id
    staff = staff_client(app, "police")

    answer = post_form(staff, f"/vastby/sv/staff/presence/slots/{slot_id}/cancel", {"reason": "X"})
    result = app.test_cli_runner().invoke(args=["publish-feeds"])

    assert answer.status_code == 302
    assert publisher() is None
    assert result.exit_code == 1
    assert "FEED_PUBLISH_DIR and PUBLIC_BASE_URL must be set" in result.output
    assert client.get("/vastby/feeds/all.ics").status_code == 200


def test_publish_feeds_due_republishes_when_the_weekly_window_moves(app, folder, pin):
    load_test_area()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["publish-feeds"]).exit_code == 0
    first = published(folder)

    unchanged = runner.invoke(args=["publish-feeds", "--due"])
    pin(datetime(2026, 11, 29, 23, 1, tzinfo=UTC))  # Monday 30 November, 00:01 in Sweden
    moved = runner.invoke(args=["publish-feeds", "--due"])

    assert unchanged.output == "Published 0 feed files of 0 of 2 municipalities.\n"
    assert moved.output == f"Published {len(first)} feed files of 2 of 2 municipalities.\n"
    monday = datetime(2026, 11, 29, 23, 0, tzinfo=UTC).timestamp()
    assert {mtime for _body, mtime, _inode in published(folder).values()} == {monday}


def test_a_render_started_before_a_change_writes_the_change(app, folder):
    """Two workers: one waits for the municipality's lock while another commits; the one
    that publishes last reads the data inside the lock, so it never writes an older state."""
    load_test_area()
    publisher().publish()
    slot = _next_slot("vastby")
    uid = f"slot-{slot.id}@vastby.narvaro.example"
    lock = open(folder / STATE / "vastby.lock", "a+b")  # noqa: SIM115 - held across the thread
    fcntl.flock(lock, fcntl.LOCK_EX)
    waiting = threading.Thread(target=publisher().publish_one, args=("vastby",))
    waiting.start()
    waiting.join(2)
    assert waiting.is_alive()  # it waits for the lock: it has rendered nothing yet
    app.config["FEED_PUBLISH_DIR"] = ""  # this commit's own publishing is not the point here
    planning.cancel_slot(db.session, slot, reason="Sjukdom", now=NOW, actor=None)
    db.session.commit()
    fcntl.flock(lock, fcntl.LOCK_UN)
    lock.close()
    waiting.join(10)

    body = (folder / OWN_HOST / "feeds" / "all.ics.sv").read_bytes()
    assert [str(e["STATUS"]) for e in events(body) if str(e["UID"]) == uid] == ["CANCELLED"]
