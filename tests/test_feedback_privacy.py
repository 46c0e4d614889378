"""Nothing about the person: no IP address, user agent or session id in the database, the
logs or the rate limiter's store."""

import logging
import shutil
import threading
import urllib.error
import urllib.request
import uuid

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import REDIS_URL, make_app, needs_redis
from tests.factories import make_poster
from tests.support.feedback import feedback_count, submit
from tests.support.servers import gunicorn
from webapp.extensions import db
from webapp.models import Feedback
from webapp.ratelimits import client_key

ADDRESS = "203.0.113.77"
AGENT = "UA-MARKER-123"
AS_CLIENT = {"environ_base": {"REMOTE_ADDR": ADDRESS}, "headers": {"User-Agent": AGENT}}


def _database_text() -> str:
    """Every row of every table, as text."""
    db.session.rollback()
    with db.engine.connect() as conn:
        return "\n".join(
            repr(conn.execute(table.select()).all()) for table in db.metadata.sorted_tables
        )


def test_feedback_has_no_column_for_address_agent_or_session():
    assert set(Feedback.__table__.columns.keys()) == {
        "id",
        "created_at",
        "municipality_id",
        "place_id",
        "poster_id",
        "lang",
        "met_police",
        "safety",
        "reach_ease",
        "comment",
        "comment_masked",
        "masked_at",
        "masked_by_id",
        "wants_contact",
        "contact_name",
        "contact_details",
        "contact_consent",
        "read_at",
        "read_by_id",
        # The case: staff's state, assignee, theme and reply; the receipt as a hash only.
        "state",
        "state_at",
        "state_by_id",
        "handled_at",
        "assigned_to_id",
        "theme",
        "receipt_hash",
        "reply",
        "reply_translated",
        "reply_at",
        "reply_by_id",
        "published_at",
    }


def test_no_address_or_user_agent_reaches_the_database_or_the_logs(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    app.config["FEEDBACK_CLIENT_LIMIT"] = "4 per hour"
    poster = make_poster("torget")
    url = f"/sv/feedback/torget/{poster.code}"
    contact = {
        "comment": "Hej",
        "wants_contact": "y",
        "contact_details": "anna@example.se",
        "contact_consent": "y",
    }

    statuses = [
        client.get(f"/q/{poster.code}", **AS_CLIENT).status_code,
        client.get("/q/ZZZZZZ", **AS_CLIENT).status_code,
        client.get(url, **AS_CLIENT).status_code,
        submit(app, client, url, contact, **AS_CLIENT).status_code,
        submit(app, client, url, {"safety": "9"}, **AS_CLIENT).status_code,
        submit(app, client, url, {"comment": "x", "leave_empty": "y"}, **AS_CLIENT).status_code,
        client.post(url, data={"comment": "x" * 70_000}, **AS_CLIENT).status_code,
        submit(app, client, url, {"comment": "x"}, **AS_CLIENT).status_code,
    ]

    assert statuses == [303, 404, 200, 303, 400, 303, 413, 429]
    assert feedback_count() == 1
    stored = _database_text()
    assert "anna@example.se" in stored  # the search does look at feedback rows
    assert ADDRESS not in stored
    assert AGENT not in stored
    assert ADDRESS not in caplog.text
    assert AGENT not in caplog.text


def test_rate_limit_key_is_not_the_address_and_changes_every_day(app, pin):
    from datetime import UTC, datetime

    keys = []
    for day in (24, 24, 25):
        pin(datetime(2026, 11, day, 12, 0, tzinfo=UTC))
        with app.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
            keys.append(client_key())
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.78"}):
        neighbour = client_key()

    assert keys[0] == keys[1] != keys[2]
    assert neighbour != keys[0]
    assert all(ADDRESS not in key and key.startswith("feedback:") for key in keys)


def _get(url, **headers):
    request = urllib.request.Request(url, headers={"User-Agent": AGENT, **headers})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_development_server_request_log_leaves_out_the_address(sqlite_template, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    path = tmp_path / "narvaro.db"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        status = _get(f"http://127.0.0.1:{server.server_port}/sv/feedback/torget")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()

    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert status == 200
    assert [line for line in lines if '"GET /sv/feedback/torget HTTP/1.1" 200' in line] != []
    assert [line for line in lines if "127.0.0.1" in line or AGENT in line] == []


def test_gunicorn_access_log_leaves_out_address_agent_and_forwarded_for(sqlite_template, tmp_path):
    path = tmp_path / "narvaro.db"
    shutil.copy(sqlite_template, path)
    log = tmp_path / "access.log"
    # PROXY_HOPS=1, as behind nginx: X-Forwarded-For is the client, HMAC'd for limits.
    with gunicorn(path, tmp_path, GUNICORN_ACCESS_LOG=str(log), PROXY_HOPS="1") as (port, _):
        base = f"http://127.0.0.1:{port}"
        statuses = [
            _get(f"{base}/sv/feedback/torget", **{"X-Forwarded-For": ADDRESS}),
            _get(f"{base}/q/ZZZZZZ", **{"X-Forwarded-For": ADDRESS}),
        ]

    written = log.read_text()
    assert statuses == [200, 404]
    assert '"GET /sv/feedback/torget HTTP/1.1" 200' in written
    assert '"GET /q/ZZZZZZ HTTP/1.1" 404' in written
    assert "127.0.0.1" not in written
    assert ADDRESS not in written
    assert AGENT not in written


@needs_redis
def test_rate_limits_in_redis_are_shared_and_hold_no_address(database_url):
    redis = pytest.importorskip("redis")
    secret = f"redis-test-{uuid.uuid4()}"  # keys of their own: the HMAC depends on the secret
    settings = {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "SECRET_KEY": secret,
        "FEEDBACK_CLIENT_LIMIT": "2 per hour",
        "FEEDBACK_ALL_CLIENTS_LIMIT": "100000 per hour",
    }
    statuses = []
    store = redis.Redis.from_url(REDIS_URL)
    try:
        # Two app instances, as two gunicorn workers: the count lives in Redis, not in either.
        for _worker in range(2):
            app = make_app(database_url, **settings)
            with app.app_context():
                client = app.test_client()
                for _ in range(2 if not statuses else 1):
                    statuses.append(
                        submit(
                            app, client, "/sv/feedback/torget", {"comment": "x"}, **AS_CLIENT
                        ).status_code
                    )
                with app.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
                    key = client_key().removeprefix("feedback:")
                db.session.remove()
                db.engine.dispose()
        keys = [k.decode() for k in store.scan_iter(count=1000)]
        ours = [k for k in keys if key in k]
    finally:
        for k in store.scan_iter(match=f"*{key}*"):
            store.delete(k)

    assert statuses == [303, 303, 429]
    assert ours != []
    assert [k for k in keys if ADDRESS in k or AGENT in k] == []


def test_feedback_rows_are_found_by_the_search(app, client):
    """The database search above is not vacuous: a marker typed into the form is found."""
    submit(app, client, "/sv/feedback/torget", {"comment": "MARKER-IN-COMMENT"}, **AS_CLIENT)

    assert "MARKER-IN-COMMENT" in _database_text()
    assert db.session.scalars(select(Feedback)).one().comment == "MARKER-IN-COMMENT"
