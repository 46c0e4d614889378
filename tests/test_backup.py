"""`flask backup DEST`: an online SQLite copy that passes integrity_check; PostgreSQL is refused."""

import sqlite3

import pytest

from tests.conftest import NOW


def _sqlite_path(app):
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


def test_backup_copies_sqlite_while_a_reader_holds_a_transaction(app, database_url, tmp_path):
    dest = tmp_path / "copy.db"
    if not database_url.startswith("sqlite"):
        result = app.test_cli_runner().invoke(args=["backup", str(dest)])
        assert result.exit_code == 1
        assert "For PostgreSQL use pg_dump" in result.stderr
        assert not dest.exists()
        return
    reader = sqlite3.connect(_sqlite_path(app), isolation_level=None)
    reader.execute("BEGIN")
    slots = reader.execute("SELECT count(*) FROM presence_slot").fetchone()
    assert slots[0] > 0
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(dest)])
    finally:
        reader.execute("ROLLBACK")
        reader.close()

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Backed up the database to {dest}; integrity check: ok.\n"
    copy = sqlite3.connect(dest)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("SELECT count(*) FROM presence_slot").fetchone() == slots
        assert copy.execute("SELECT changed_at FROM schedule_stamp").fetchone() == (
            NOW.replace(tzinfo=None).isoformat(" ") + ".000000",
        )
    finally:
        copy.close()


def test_backup_never_overwrites_a_file(app, database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL is refused before DEST is looked at")
    dest = tmp_path / "exists.db"
    dest.write_bytes(b"keep me")

    result = app.test_cli_runner().invoke(args=["backup", str(dest)])

    assert result.exit_code == 1
    assert result.stderr == f"Error: {dest} exists already; choose a new file.\n"
    assert dest.read_bytes() == b"keep me"
