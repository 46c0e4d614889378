"""Published feeds through nginx running deploy/nginx/narvaro.conf, in front of the app itself
(tests' area: Sävsjö the default, Västby under /vastby/): nginx serves the files with the
app's bytes and headers and answers revalidations; an edit in one municipality is served on
the very next request (by the app, its files removed with the commit, then by nginx once
they are published again in the background) while the other's files stay as they were;
anything else, and a feed whose files could not be written, is the app's to answer."""

import http.client
import logging
import shutil
import threading
from datetime import timedelta
from email.utils import parsedate_to_datetime

import icalendar
import pytest
from werkzeug.serving import make_server

from tests.conftest import NOW
from tests.support.nginx_site import running_nginx, site_config
from tests.support.servers import free_port
from tests.support.staff import post_form, staff_client
from tests.test_feed_publishing import _next_slot, holding
from tests.test_police_area_data import load_test_area
from webapp.extensions import db
from webapp.feeds import publish
from webapp.feeds.publish import publisher

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
# What nginx does with the files is the same whatever database the app has: these run on
# SQLite. The edit served on the next request runs on both (the commit and the background
# republish are the database's), as do tests/test_feed_publishing.py and tests/test_feeds.py.
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

HOST = "narvaro.example"  # make_app's PUBLIC_BASE_URL
FEED_HEADERS = (
    "Content-Type",
    "Cache-Control",
    "Access-Control-Allow-Origin",
    "Last-Modified",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
    "Content-Security-Policy",
    "X-Frame-Options",
)


class Stack:
    def __init__(self, port, folder, hits):
        self.port, self.folder, self.hits = port, folder, hits

    def get(self, path, headers=None, method="GET", body=None):
        """(status, headers, body) of nginx's answer; the app's hits since the last call."""
        self.hits.clear()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()


@pytest.fixture
def stack(app, tmp_path):
    folder = tmp_path / "feeds"
    folder.mkdir()
    app.config["FEED_PUBLISH_DIR"] = str(folder)
    hits = []

    def counted(environ, start_response):
        hits.append(environ["PATH_INFO"])
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, counted, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = free_port()
    site = site_config(tmp_path, port, server.server_port, feeds=folder)
    try:
        with running_nginx(tmp_path, site, port):
            load_test_area()
            publisher().publish()
            yield Stack(port, folder, hits)
    finally:
        publish.settle(30)
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def events(body):
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


# One stack for several addresses: its start (nginx, the area, every file published) costs
# more than the requests.
PUBLISHED = [
    "/feeds/all.ics",
    "/feeds/office.ics?lang=ar",
    "/vastby/feeds/places/hamnen.ics?lang=so",
]


@ON_SQLITE
def test_nginx_serves_a_published_feed_with_the_apps_bytes_and_headers(stack, client):
    for path in PUBLISHED:
        status, headers, body = stack.get(path)

        app_answer = client.get(path, base_url=f"https://{HOST}")
        assert (status, stack.hits) == (200, []), path
        assert body == app_answer.data, path
        assert events(body), path
        assert {h: headers[h] for h in FEED_HEADERS} == {
            h: app_answer.headers[h] for h in FEED_HEADERS
        }, path
        assert headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert headers["Cache-Control"] == "public, no-cache"
        assert "X-Cache-Status" not in headers


@ON_SQLITE
def test_nginx_answers_revalidations_with_304(stack):
    _status, first, _body = stack.get("/vastby/feeds/all.ics?lang=en")

    by_date = stack.get(
        "/vastby/feeds/all.ics?lang=en", {"If-Modified-Since": first["Last-Modified"]}
    )
    assert (by_date[0], by_date[2], stack.hits) == (304, b"", [])
    by_tag = stack.get("/vastby/feeds/all.ics?lang=en", {"If-None-Match": first["ETag"]})
    assert (by_tag[0], by_tag[2], stack.hits) == (304, b"", [])


THE_APPS = [
    "/feeds/all.ics?lang=en&utm_source=x",
    "/feeds/all.ics?lang=xx",
    "/feeds/all.ics?x",
    "/vastby/feeds/all.ics?lang=ar",  # not a language Västby offers
    "/testomradet/feeds/presence.ics",  # the area's feed
]


@ON_SQLITE
def test_any_other_query_or_feed_is_the_apps_to_answer(stack, client):
    for path in THE_APPS:
        status, _headers, body = stack.get(path)

        assert status == 200, path
        assert stack.hits == [path.partition("?")[0]], path
        assert body == client.get(path, base_url=f"http://{HOST}").data, path
    # A feed without a file is no error (log_not_found off in snippets/narvaro-feeds.conf).
    assert "failed" not in (stack.folder.parent / "error.log").read_text()


@ON_SQLITE
def test_a_published_feed_answers_get_and_head_and_any_other_method_is_the_apps(stack, client):
    path = "/vastby/feeds/all.ics"
    _status, got, body = stack.get(path)
    head = stack.get(path, method="HEAD")
    head_hits = stack.hits[:]
    posted = stack.get(path, method="POST", body=b"x=1")

    app_answer = client.post(path, data=b"x=1", base_url=f"https://{HOST}")
    assert (head[0], head[1]["Content-Length"], head[2], head_hits) == (
        200,
        str(len(body)),
        b"",
        [],
    )
    assert head[1]["ETag"] == got["ETag"]
    assert (posted[0], stack.hits) == (app_answer.status_code, [path])
    assert posted[0] == 405


def files_of(folder, prefix):
    return {
        p: (p.stat().st_mtime, p.stat().st_ino)
        for p in sorted(folder.glob(f"{prefix}/**/*"))
        if p.is_file()
    }


def cancel(app, pin, slug, reason):
    slot_id = _next_slot(slug).id
    pin(NOW + timedelta(minutes=5))
    staff = staff_client(app, "police")
    answer = post_form(
        staff, f"/{slug}/sv/staff/presence/slots/{slot_id}/cancel", {"reason": reason}
    )
    return answer, slot_id


def test_an_edit_is_served_on_the_next_request_and_no_other_municipalitys_file_moves(
    stack, app, pin
):
    savsjo = files_of(stack.folder, f"{HOST}/feeds")
    assert len(savsjo) == 7 * 7  # three feeds and four places, in seven languages
    vastby = stack.folder / HOST / "vastby" / "feeds"

    with holding(stack.folder, "vastby"):  # the background publisher waits for it
        answer, slot_id = cancel(app, pin, "vastby", "Utryckning")
        left = [p for p in vastby.rglob("*") if p.is_file()]
        status, _headers, body = stack.get("/vastby/feeds/all.ics")
        by_app = stack.hits[:]
    assert publish.settle(30)
    again, _headers, published_body = stack.get("/vastby/feeds/all.ics")

    assert answer.status_code == 302
    assert (left, status, by_app) == ([], 200, ["/vastby/feeds/all.ics"])
    assert (again, stack.hits, published_body) == (200, [], body)
    cancelled = [
        e for e in events(body) if str(e["UID"]) == f"slot-{slot_id}@vastby.narvaro.example"
    ]
    assert [str(e["STATUS"]) for e in cancelled] == ["CANCELLED"]
    assert "Utryckning" in str(cancelled[0]["DESCRIPTION"])
    assert files_of(stack.folder, f"{HOST}/feeds") == savsjo


@ON_SQLITE
def test_a_failed_write_leaves_no_stale_file_and_the_app_answers(stack, app, pin, caplog):
    blocked = stack.folder / HOST / "vastby" / "feeds" / "office.ics.en"
    blocked.unlink()
    blocked.mkdir()  # the write of this file fails, as on a full or read-only disk
    savsjo = files_of(stack.folder, f"{HOST}/feeds")

    with caplog.at_level(logging.ERROR, logger="webapp.feeds.publish"):
        answer, slot_id = cancel(app, pin, "vastby", "Utryckning")
        assert publish.settle(30)
    status, _headers, body = stack.get("/vastby/feeds/all.ics")

    assert answer.status_code == 302
    assert [p for p in (stack.folder / HOST / "vastby").rglob("*") if p.is_file()] == []
    assert not (stack.folder / "narvaro.vastby.example" / "feeds" / "all.ics.sv").exists()
    assert "feeds of vastby could not be published" in caplog.text
    assert (status, stack.hits) == (200, ["/vastby/feeds/all.ics"])
    cancelled = [
        e for e in events(body) if str(e["UID"]) == f"slot-{slot_id}@vastby.narvaro.example"
    ]
    assert [str(e["STATUS"]) for e in cancelled] == ["CANCELLED"]
    assert files_of(stack.folder, f"{HOST}/feeds") == savsjo
    assert stack.get("/feeds/all.ics")[0] == 200 and stack.hits == []


@ON_SQLITE
def test_last_modified_never_goes_backwards_after_a_deletion(stack, pin):
    _status, before, _body = stack.get("/vastby/feeds/presence.ics")
    slot = _next_slot("vastby")
    uid = f"slot-{slot.id}@vastby.narvaro.example"
    pin(NOW + timedelta(seconds=1))
    db.session.delete(slot)
    db.session.commit()

    status, after, body = stack.get("/vastby/feeds/presence.ics")

    assert (status, stack.hits) == (200, [])
    assert uid not in {str(e["UID"]) for e in events(body)}
    assert parsedate_to_datetime(after["Last-Modified"]) > parsedate_to_datetime(
        before["Last-Modified"]
    )
