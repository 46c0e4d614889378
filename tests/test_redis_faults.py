"""Issue 10, item 6: rate limits degrade, never fail, when Redis goes away, and /health says so.

A redis-server of the test's own is stopped and started again mid-test (tests/support/servers.py).
"""

import time

import pytest

from tests.conftest import make_app
from tests.factories import make_poster, make_user
from tests.support.feedback import feedback_count, submit
from tests.support.staff import login
from webapp.extensions import db

FORM = "/sv/feedback/torget"


def _client(n):
    return {"REMOTE_ADDR": f"198.51.100.{n}"}


def _round(app, client, poster, n):
    """A poster scan, a feedback submission and a staff login: their statuses."""
    return [
        client.get(f"/q/{poster.code}", environ_base=_client(n)).status_code,
        submit(app, client, FORM, {"comment": f"svar {n}"}, environ_base=_client(n)).status_code,
        login(app.test_client(), "polis@example.se").status_code,
    ]


@pytest.fixture
def redis_app(database_url, tmp_path):
    from tests.support.servers import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    app = make_app(database_url, RATELIMIT_STORAGE_URI=server.url)
    try:
        with app.app_context():
            yield app, server
            db.session.remove()
            db.engine.dispose()
    finally:
        server.stop()


def test_redis_down_degrades_to_per_process_limits_and_recovers(redis_app):
    redis = pytest.importorskip("redis")
    app, server = redis_app
    client = app.test_client()
    poster = make_poster()
    make_user(app, "police")
    store = redis.Redis.from_url(server.url)

    before = _round(app, client, poster, 1)
    healthy = client.get("/health")
    server.stop()
    during = [_round(app, client, poster, n) for n in (2, 3)]
    degraded = client.get("/health")
    server.start()
    store.flushdb()
    deadline, recovered = time.monotonic() + 60, None
    n = 10
    while time.monotonic() < deadline:  # Flask-Limiter retries Redis after 1, 2, 4 … seconds
        recovered = _round(app, client, poster, n)
        n += 1
        if store.dbsize() > 0:
            break
        time.sleep(0.5)
    after = client.get("/health")

    assert before == [303, 303, 302]
    assert (healthy.status_code, healthy.get_json()) == (
        200,
        {"status": "ok", "database": "ok", "rate_limits": "ok"},
    )
    assert during == [[303, 303, 302], [303, 303, 302]]
    assert (degraded.status_code, degraded.get_json()) == (
        503,
        {"status": "degraded", "database": "ok", "rate_limits": "unavailable"},
    )
    assert degraded.headers["Cache-Control"] == "no-store"
    assert recovered == [303, 303, 302]
    assert store.dbsize() > 0  # the counters are back in Redis
    assert (after.status_code, after.get_json()["status"]) == (200, "ok")
    assert feedback_count() == n - 10 + 3
