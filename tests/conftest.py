"""Shared fixtures: the app on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.

Time is pinned: NOW is Tuesday 24 November 2026, 10:30 in Sävsjö (09:30 UTC).
Under pytest-xdist each worker has a PostgreSQL database and a Redis number of its own
(tests/support/workers.py); PG_URL and REDIS_URL are this worker's.
"""

import gc
import os
import shutil
from datetime import UTC, datetime

import pytest
from flask import g
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from tests.support.snapshot import DatabaseSnapshot
from tests.support.workers import (
    create_database,
    redis_skip_reason,
    worker_database_url,
    worker_redis_url,
)
from webapp import create_app
from webapp.config import ROOT
from webapp.database import writing
from webapp.extensions import db
from webapp.models import working_at
from webapp.schedule.calendar_file import load_calendar_file
from webapp.schedule.loading import load_calendar

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
# argon2's minimum cost: a login takes microseconds instead of ~0.1 s of CPU. The tests of the
# hash itself put the real parameters back (PASSWORD_HASH_PARAMS=None).
CHEAP_PASSWORD_HASH = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
CALENDAR = ROOT / "tests" / "data" / "savsjo-tests.toml"
PG_URL = worker_database_url(os.environ.get("TEST_DATABASE_URL"))
REDIS_URL = worker_redis_url(os.environ.get("TEST_REDIS_URL"))
needs_redis = pytest.mark.skipif(not REDIS_URL, reason=redis_skip_reason())
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set"),
        ],
    ),
]


# Every test builds an app, and after it the app's objects are cyclic garbage (blueprints,
# Jinja environment, URL map, engine). With CPython's default thresholds a full collection ran
# every dozen tests and walked the whole heap: a third of a simple test's time. Collect young
# objects less often, and keep what collection and imports made out of every collection.
GC_THRESHOLDS = (100_000, 10, 10)


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class FreshContextClient(FlaskClient):
    """Each request in an app context of its own, as under a real server.

    The `app` fixture keeps an app context open for the test body; without this, Flask would
    reuse it for every request, sharing flask.g (locale, logged-in user, CSRF token) and the
    SQLAlchemy session between the test and the requests it sends.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class FreshContextCliRunner(FlaskCliRunner):
    """Each command in an app context of its own, as `flask <command>` runs it."""

    def invoke(self, *args, **kwargs):
        with self.app.app_context():
            return super().invoke(*args, **kwargs)


def make_app(database_url, **overrides):
    """The app as tests use it: pinned clock, fixed secret, CSRF on, cheap password hashes."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "NOW": NOW,
        "PUBLIC_BASE_URL": "https://narvaro.example",
        "RATELIMIT_STORAGE_URI": "memory://",
        "CALENDAR_FILE": str(CALENDAR),
        "PASSWORD_HASH_PARAMS": CHEAP_PASSWORD_HASH,
        # Tests log in as admins without a second factor; tests of STAFF_MFA set it themselves.
        "STAFF_MFA": "optional",
        "MAIL_SERVER": "",
        # The forgot page's answer floor, short so the suite stays fast (production: 0.4 s).
        "FORGOT_ANSWER_FLOOR": 0.05,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = FreshContextClient
    app.test_cli_runner_class = FreshContextCliRunner
    return app


def load_default_calendar(now=NOW):
    with writing():
        load_calendar(db.session, load_calendar_file(CALENDAR), now=now)
        db.session.commit()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite database with the default calendar, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "narvaro.db"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        load_default_calendar()
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database():
    """This worker's PostgreSQL database, created when missing."""
    create_database(PG_URL)
    return PG_URL


@pytest.fixture(scope="session")
def postgres_schema(postgres_database):
    """Migrate the PostgreSQL test database once per run, from an empty schema."""
    app = make_app(postgres_database)
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    return PG_URL


@pytest.fixture(scope="session")
def postgres_snapshot(postgres_schema):
    """The default calendar loaded once, kept as rows; each test gets them back in one
    transaction (DELETE, INSERT, setval): a third of the time of TRUNCATE and a fresh load."""
    app = make_app(postgres_schema)
    with app.app_context():
        _empty_postgres(db.engine)
        load_default_calendar()
        with db.engine.connect() as conn:
            snapshot = DatabaseSnapshot.take(conn, db.metadata.sorted_tables)
        db.session.remove()
        db.engine.dispose()
    engine = create_engine(postgres_schema)
    yield engine, snapshot
    engine.dispose()


def _empty_postgres(engine):
    tables = ", ".join(t.name for t in db.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))  # noqa: S608


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "narvaro.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    engine, snapshot = request.getfixturevalue("postgres_snapshot")
    with engine.begin() as conn:
        snapshot.restore(conn)
    return PG_URL


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        working_at(db.session, NOW)  # the test body's own changes happen at the pinned time
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def pin(app):
    """Move the pinned clock: pin(datetime(..., tzinfo=UTC))."""

    def _pin(moment):
        app.config["NOW"] = moment
        g.pop("now", None)  # the edge reads the clock again, as a new request would
        working_at(db.session, moment)

    return _pin


@pytest.fixture(scope="session")
def oidc_site():
    """Where browser tests serve an app that signs in through `oidc_provider`: one port for
    the session, because the provider knows its redirect URI."""
    from tests.support.servers import free_port

    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory, oidc_site):
    """The real OpenID Provider for the whole session (tests/support/oidc.py), for apps at
    PUBLIC_BASE_URL (make_app's) and at `oidc_site`; its users and faults are reset for
    each test that asks for `provider`."""
    from tests.support.oidc import OidcProvider

    provider = OidcProvider(tmp_path_factory.mktemp("oidc"), ["https://narvaro.example", oidc_site])
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def provider(oidc_provider):
    oidc_provider.users({})
    oidc_provider.faults({})
    yield oidc_provider
    oidc_provider.faults({})
