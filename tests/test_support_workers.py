"""Each pytest-xdist worker gets a PostgreSQL database and a Redis number of its own."""

import pytest

from tests.support.workers import redis_skip_reason, worker_database_url, worker_redis_url

PG = "postgresql+psycopg://postgres:secret@127.0.0.1:5432/test"


def test_a_serial_run_uses_the_urls_as_given(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)

    assert worker_database_url(PG) == PG
    assert worker_redis_url("redis://127.0.0.1:6379/15") == "redis://127.0.0.1:6379/15"


@pytest.mark.parametrize(
    ("worker", "database", "redis"),
    [
        ("gw0", "test_gw0", "redis://:pw@127.0.0.1:6379/15"),
        ("gw1", "test_gw1", "redis://:pw@127.0.0.1:6379/14"),
        ("gw15", "test_gw15", "redis://:pw@127.0.0.1:6379/0"),
        ("gw16", "test_gw16", None),
    ],
)
def test_each_worker_has_its_own_database_and_redis_number(monkeypatch, worker, database, redis):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)

    assert (
        worker_database_url(PG) == f"postgresql+psycopg://postgres:secret@127.0.0.1:5432/{database}"
    )
    assert worker_redis_url("redis://:pw@127.0.0.1:6379/15") == redis


def test_without_the_urls_the_tests_skip_and_say_why(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    monkeypatch.delenv("TEST_REDIS_URL", raising=False)

    assert (worker_database_url(None), worker_redis_url(None)) == (None, None)
    assert redis_skip_reason() == "TEST_REDIS_URL is not set (no Redis to share limits)"
    monkeypatch.setenv("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
    assert redis_skip_reason() == "TEST_REDIS_URL's database number leaves none for worker gw3"
