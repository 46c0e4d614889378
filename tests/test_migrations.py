"""Migrations upgrade and downgrade on SQLite and PostgreSQL, keeping the data they hold."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.conftest import PG_URL, make_app
from webapp.accounts.sealing import SecretSealer, keys_of
from webapp.extensions import db

SCHEMA = "narvaro_migration_test"

SEED_0001 = [
    "INSERT INTO place (id, slug, kind, name, description, address, services, position,"
    " translations) VALUES (1, 'torget', 'place', 'Torget', '', '', '[]', 0, '{}')",
    "INSERT INTO presence_series (id, place_id, weekdays, starts, ends, first_day, last_day,"
    " interval_weeks, source, created_at, updated_at) VALUES (1, 1, '[4]', '15:00:00',"
    " '17:00:00', '2026-09-01', '2027-08-31', 1, 'file', '2026-09-01 00:00:00',"
    " '2026-09-01 00:00:00')",
    "INSERT INTO presence_slot (id, place_id, series_id, origin_start, starts_at, ends_at,"
    " status, note, translations, sequence, created_at, updated_at) VALUES (1, 1, 1,"
    " '2026-09-04 13:00:00', '2026-09-04 13:00:00', '2026-09-04 15:00:00', 'scheduled', '',"
    " '{}', 0, '2026-09-01 00:00:00', '2026-09-01 00:00:00')",
]


def _database_urls():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set"),
        ],
    )


@pytest.fixture(params=_database_urls())
def empty_app(request, tmp_path):
    """An app on an empty database: a fresh SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        app = make_app(f"sqlite:///{tmp_path / 'migrations.db'}")
    else:
        # A schema of its own, so the suite's migrated `public` schema is left alone.
        url = request.getfixturevalue("postgres_database")
        app = make_app(f"{url}?options=-csearch_path%3D{SCHEMA}")
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    with app.app_context():
        yield app
        db.session.remove()
        if request.param == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        db.engine.dispose()


def _columns(table):
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def _tables():
    return set(inspect(db.engine).get_table_names())


def test_staff_migration_upgrades_downgrades_and_keeps_slots(empty_app):
    upgrade(revision="0001")
    with db.engine.begin() as conn:
        for statement in SEED_0001:
            conn.execute(text(statement))

    upgrade(revision="0002")
    assert {"staff_user", "user_session", "audit_event"} <= _tables()
    assert {"outcome_by_id", "created_by_id"} <= _columns("presence_slot")

    downgrade(revision="0001")
    assert not {"staff_user", "user_session", "audit_event"} & _tables()
    assert not {"outcome_by_id", "created_by_id"} & _columns("presence_slot")

    upgrade(revision="0002")
    with db.engine.connect() as conn:
        slot = conn.execute(text("SELECT id, series_id, status FROM presence_slot")).one()
    assert tuple(slot) == (1, 1, "scheduled")


def test_head_matches_the_models(empty_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_spent_token_migration_upgrades_and_downgrades(empty_app):
    upgrade(revision="0003")
    assert "spent_feedback_token" not in _tables()

    upgrade(revision="0005")
    assert _columns("spent_feedback_token") == {"token_hash", "expires_at"}

    downgrade(revision="0003")
    assert "spent_feedback_token" not in _tables()
    assert {"feedback", "poster", "poster_scan"} <= _tables()


def test_slot_moves_migration_upgrades_and_downgrades(empty_app):
    upgrade(revision="0003")
    assert "moved_from_start" not in _columns("presence_slot")

    upgrade(revision="0008")
    moved = {"moved_from_start", "moved_from_end", "moved_from_place_id"}
    assert moved <= _columns("presence_slot")

    downgrade(revision="0003")
    assert not moved & _columns("presence_slot")
    assert "outcome_by_id" in _columns("presence_slot")


def test_promise_migration_upgrades_and_downgrades_keeping_earlier_tables(empty_app):
    upgrade(revision="0003")
    with db.engine.begin() as conn:
        for statement in SEED_0001:
            conn.execute(text(statement))

    upgrade(revision="0006")
    assert {"promise", "promise_commitment", "promise_activity", "promise_entry"} <= _tables()
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO promise (id, key, first_day, last_day, title, example_data, translations)"
            " VALUES (1, 'p', '2026-01-01', '2026-12-31', 'Löfte', false, '{}')"
        ))  # fmt: skip

    downgrade(revision="0003")
    assert not {"promise", "promise_commitment", "promise_activity", "promise_entry"} & _tables()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM presence_slot")).scalar() == 1


def test_accounts_migration_keeps_users_and_their_sessions(empty_app):
    upgrade(revision="0003")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff_user (id, email, password_hash, role, active, created_at)"
                " VALUES (1, 'a@example.se', 'x', 'admin', true, '2026-11-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO user_session (id, user_id, token_hash, created_at, last_seen_at)"
                " VALUES (1, 1, 'h', '2026-11-01 00:00:00', '2026-11-01 00:00:00')"
            )
        )

    upgrade(revision="0004")
    with db.engine.connect() as conn:
        user = conn.execute(text("SELECT must_set_password, totp_secret FROM staff_user")).one()
        complete = conn.execute(text("SELECT complete FROM user_session")).scalar_one()
    assert (bool(user[0]), user[1], bool(complete)) == (False, None, True)
    assert {"password_token", "recovery_code", "login_record"} <= _tables()

    downgrade(revision="0003")
    assert not {"password_token", "recovery_code", "login_record"} & _tables()
    assert not {"must_set_password", "totp_secret"} & _columns("staff_user")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM user_session")).scalar_one() == 1


def test_municipality_promise_columns_are_dropped_and_come_back_empty(empty_app):
    columns = {"promise_title", "promise_summary", "promise_url", "promise_period"}
    upgrade(revision="0004")
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO municipality (id, slug, name, timezone, example_data, promise_title,"
            " translations) VALUES (1, 'testby', 'Testby', 'Europe/Stockholm', true, 'Löfte',"
            " '{}')"
        ))  # fmt: skip

    upgrade(revision="0009")
    assert not columns & _columns("municipality")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT slug FROM municipality")).scalar_one() == "testby"

    downgrade(revision="0004")
    assert columns <= _columns("municipality")
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT slug, promise_title FROM municipality")).one()
    assert tuple(row) == ("testby", None)


def test_two_step_secrets_are_sealed_on_upgrade_and_opened_on_downgrade(empty_app):
    plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    upgrade(revision="0009")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff_user (id, email, password_hash, role, active, created_at,"
                " totp_secret, totp_enabled_at) VALUES (1, 'a@example.se', 'x', 'admin', true,"
                " '2026-11-01 00:00:00', :plain, '2026-11-01 00:00:00'), (2, 'b@example.se', 'x',"
                " 'police', true, '2026-11-01 00:00:00', NULL, NULL)"
            ),
            {"plain": plain},
        )

    upgrade(revision="0010")
    with db.engine.connect() as conn:
        sealed = (
            conn.execute(text("SELECT totp_secret_sealed FROM staff_user ORDER BY id"))
            .scalars()
            .all()
        )
    assert "totp_secret" not in _columns("staff_user")
    assert sealed[1] is None and plain not in sealed[0]
    assert SecretSealer(keys_of(empty_app.config), "totp").open(sealed[0]) == (plain, False)

    downgrade(revision="0009")
    assert "totp_secret_sealed" not in _columns("staff_user")
    with db.engine.connect() as conn:
        secrets = conn.execute(text("SELECT totp_secret FROM staff_user ORDER BY id")).all()
    assert [row[0] for row in secrets] == [plain, None]


OWNED_TABLES = ("place", "presence_series", "presence_slot", "poster", "feedback")


def test_existing_rows_go_to_the_one_municipality_and_come_back_without_it(empty_app, capfd):
    upgrade(revision="0010")
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO municipality (id, slug, name, timezone, example_data, translations)"
            " VALUES (7, 'testby', 'Testby', 'Europe/Stockholm', true, '{}')"
        ))  # fmt: skip
        for statement in SEED_0001:
            conn.execute(text(statement))
        conn.execute(text(
            "INSERT INTO poster (id, code, place_id, created_at) VALUES"
            " (1, 'ABCD2345', 1, '2026-09-01 00:00:00');"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO feedback (id, created_at, place_id, poster_id, lang, comment,"
            " wants_contact, contact_consent) VALUES (1, '2026-09-02 00:00:00', 1, 1, 'sv', 'Bra',"
            " false, false)"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO promise (id, key, first_day, last_day, title, example_data, translations)"
            " VALUES (3, '2025-2026', '2025-01-01', '2026-12-31', 'Löfte', false, '{}')"
        ))  # fmt: skip

    upgrade(revision="0011")
    with db.engine.begin() as conn:
        owners = {
            table: conn.execute(text(f"SELECT municipality_id FROM {table}")).scalars().all()  # noqa: S608
            for table in (*OWNED_TABLES, "promise")
        }
        signed = conn.execute(text("SELECT promise_id, municipality_id FROM promise_municipality"))
        assert [tuple(row) for row in signed] == [(3, 7)]
        # Place slugs are unique per municipality now: a second municipality may reuse one.
        conn.execute(text(
            "INSERT INTO municipality (id, slug, name, timezone, example_data, translations, hosts)"
            " VALUES (8, 'annanby', 'Annanby', 'Europe/Stockholm', true, '{}', '[]')"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO place (id, municipality_id, slug, kind, name, description, address,"
            " services, position, translations) VALUES (2, 8, 'torget', 'place', 'Torget', '',"
            " '', '[]', 0, '{}')"
        ))  # fmt: skip
    assert owners == {table: [7] for table in (*OWNED_TABLES, "promise")}

    with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
        downgrade(revision="0010")
    assert "municipality_id" in _columns("place")
    assert "more than one municipality is stored" in capfd.readouterr().err
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM place WHERE id = 2"))
        conn.execute(text("DELETE FROM municipality WHERE id = 8"))
    downgrade(revision="0010")
    assert not any("municipality_id" in _columns(table) for table in (*OWNED_TABLES, "promise"))
    assert "police_area" not in _tables()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT slug FROM place")).scalars().all() == ["torget"]
