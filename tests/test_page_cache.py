"""Public pages and feeds are built once per change: a repeat request is served before Flask
runs and reads one SQL statement (the schedule's stamp), and an edit made through one worker
shows at once through another."""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import redis
from sqlalchemy import event, select

from tests.conftest import make_app
from tests.factories import make_slot
from tests.support.html import soup
from tests.support.servers import redis_server
from tests.support.staff import logged_in, post_form
from webapp.extensions import db

PAGES = ["/sv/", "/sv/office", "/sv/presence", "/en/places/torget", "/feeds/all.ics"]


@contextmanager
def counted(app):
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if statement != "BEGIN":  # SQLite's explicit transaction start (webapp.database)
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def without_date(headers) -> list:
    """A kept response carries no Date of its own: the server sends the time it is sent."""
    return sorted((k, v) for k, v in headers.items() if k != "Date")


@pytest.mark.parametrize("path", PAGES)
def test_a_repeat_request_reads_only_the_stamp(app, client, path):
    first = client.get(path)
    with counted(app) as statements:
        again = client.get(path)

    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert without_date(again.headers) == without_date(first.headers)
    assert len(statements) == 1, statements
    assert "schedule_stamp" in statements[0]


def test_a_kept_feed_answers_conditional_requests_as_the_view_does(app, client):
    first = client.get("/feeds/all.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    with counted(app) as statements:
        by_etag = client.get("/feeds/all.ics", headers={"If-None-Match": etag})
        by_date = client.get("/feeds/all.ics", headers={"If-Modified-Since": modified})
        other = client.get("/feeds/all.ics", headers={"If-None-Match": '"something-else"'})
        head = client.head("/feeds/all.ics")

    assert len(statements) == 4  # one stamp each, no rendering
    assert by_etag.status_code == by_date.status_code == 304
    assert by_etag.data == by_date.data == b""
    assert by_etag.headers["ETag"] == by_date.headers["ETag"] == etag
    assert other.status_code == 200 and other.data == first.data
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == first.headers["Content-Length"]
    assert head.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert client.get("/feeds/all.ics").headers.get("Date") is None  # never a stale one


def test_an_edit_changes_the_stamp_so_the_kept_page_is_not_served(app, client):
    before = client.get("/sv/places/torget").data
    make_slot(place="torget", starts_at=datetime(2026, 11, 27, 15, 0, tzinfo=UTC))

    after = client.get("/sv/places/torget").data

    assert after != before
    assert client.get("/sv/places/torget").data == after


def test_each_host_and_scheme_gets_its_own_copy(database_url):
    # Without PUBLIC_BASE_URL (development) links follow the host the client asked for.
    app = make_app(database_url, PUBLIC_BASE_URL=None)
    client = app.test_client()
    one = client.get("/sv/", base_url="http://one.example").get_data(as_text=True)
    two = client.get("/sv/", base_url="https://two.example").get_data(as_text=True)
    again = client.get("/sv/", base_url="http://one.example")

    assert "http://one.example/" in one and "two.example" not in one
    assert "https://two.example/" in two and "one.example" not in two
    assert again.get_data(as_text=True) == one
    assert "Strict-Transport-Security" not in again.headers
    assert "Strict-Transport-Security" in client.get("/sv/", base_url="https://two.example").headers
    with app.app_context():
        db.engine.dispose()


def test_only_a_plain_get_answer_is_kept(app, client):
    # A 404 is answered by Flask every time; a POST never meets a kept page.
    for _ in range(2):
        assert client.get("/sv/places/nowhere").status_code == 404
    client.get("/sv/")
    assert client.post("/sv/").status_code == 405
    with counted(app) as statements:
        client.get("/sv/places/nowhere")
    assert len(statements) > 1


def test_an_edit_through_one_worker_shows_at_once_through_another(app, database_url):
    slot = make_slot(place="torget", starts_at=datetime(2026, 11, 26, 14, 0, tzinfo=UTC))
    other = make_app(database_url)  # another worker, with a front cache of its own
    reader = app.test_client()

    def torget_slot():
        page = soup(reader.get("/sv/places/torget"))
        return [li for li in page.select("li.slot") if "15:00–16:00" in li.get_text()][0]

    assert "cancelled" not in torget_slot()["class"]
    with counted(app) as statements:
        torget_slot()
    police = logged_in(other, "police")
    cancelled = post_form(
        police, f"/sv/staff/presence/slots/{slot.id}/cancel", {"reason": "Utbildning"}
    )

    assert len(statements) == 1  # the reader keeps its copy: the edit must make it stale
    assert cancelled.status_code == 302
    assert "cancelled" in torget_slot()["class"]
    assert "Inställt: Utbildning" in torget_slot().get_text(" ", strip=True)
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_page_changes_its_wording_when_a_slot_starts(app, client, pin):
    make_slot(place="torget", starts_at=datetime(2026, 11, 24, 9, 45, tzinfo=UTC))

    before = soup(client.get("/sv/places/torget")).select_one("li.slot")
    pin(datetime(2026, 11, 24, 9, 45, tzinfo=UTC))
    during = soup(client.get("/sv/places/torget")).select_one("li.slot")

    assert "Pågår nu" not in before.get_text()
    assert "Pågår nu" in during.get_text()


def test_a_worker_keeps_no_more_bytes_than_its_budget(app, client):
    front = app.extensions["narvaro_front_cache"]
    first = client.get("/feeds/all.ics")
    front.budget = len(first.data) + 100  # room for the big feed, or for small pages
    for path in ("/sv/", "/sv/office", "/feeds/all.ics"):
        client.get(path)

    with counted(app) as kept:
        client.get("/feeds/all.ics")
    with counted(app) as pushed_out:
        client.get("/sv/")

    assert len(kept) == 1  # the newest fits
    assert len(pushed_out) > 1  # the older pages made room for it
    assert sum(len(k.body) for k in front._items.values()) <= front.budget


@pytest.fixture
def own_redis(tmp_path):
    with redis_server(tmp_path) as server:
        yield server


def _sharing(database_url, redis_url):
    return make_app(database_url, PAGE_CACHE_REDIS_URL=redis_url, PAGE_CACHE_PREFIX="test:pages")


def test_a_page_rendered_by_one_worker_serves_another_through_redis(app, database_url, own_redis):
    one, two = _sharing(database_url, own_redis.url), _sharing(database_url, own_redis.url)
    first = one.test_client().get("/sv/presence")

    with counted(two) as statements:
        shared = two.test_client().get("/sv/presence")

    assert len(statements) == 1 and "schedule_stamp" in statements[0]  # no rendering
    assert shared.data == first.data
    assert without_date(shared.headers) == without_date(first.headers)

    # An edit moves the stamp: the old copy is never served again, by either worker.
    make_slot(place="torget", starts_at=datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    edited = two.test_client().get("/sv/presence")
    with counted(one) as statements:
        again = one.test_client().get("/sv/presence")
    assert edited.data != first.data
    assert again.data == edited.data
    assert len(statements) == 1

    # A copy lives in Redis no longer than its wording holds.
    client = redis.Redis.from_url(own_redis.url)
    names = client.keys("test:pages:*")
    assert names and all(0 < client.pttl(n) <= 24 * 3600 * 1000 for n in names)
    for other in (one, two):
        with other.app_context():
            db.engine.dispose()


def test_without_redis_every_worker_still_serves_its_pages(app, database_url, own_redis, caplog):
    one = _sharing(database_url, own_redis.url)
    client = one.test_client()
    first = client.get("/sv/presence")
    own_redis.stop()

    with caplog.at_level("WARNING", logger="webapp.pagecache"):
        make_slot(place="torget", starts_at=datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
        pages = [client.get("/sv/presence") for _ in range(3)]

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert pages[0].data != first.data and pages[1].data == pages[2].data == pages[0].data
    # Said once, then Redis is left alone for a while instead of slowing every request.
    assert len([r for r in caplog.records if "Redis failed" in r.getMessage()]) == 1
    with one.app_context():
        db.engine.dispose()


def test_a_reloaded_promise_shows_at_once_on_the_kept_about_page(app, client):
    from webapp.models import Promise

    before = client.get("/sv/about").get_data(as_text=True)
    promise = db.session.scalars(select(Promise).order_by(Promise.first_day)).all()[-1]
    old_title = promise.title
    assert old_title in before

    promise.title = "Medborgarlöfte med ny titel"  # as load-calendars writes an edited file
    db.session.commit()

    after = client.get("/sv/about").get_data(as_text=True)
    assert "Medborgarlöfte med ny titel" in after and old_title not in after
