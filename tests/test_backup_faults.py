"""Issue 10, item 10: `flask backup` on a full disk or into a missing folder says why in one
line, exits non-zero and leaves nothing behind; a retry once there is room works.

The full disk is a small tmpfs the test mounts (root only; skipped otherwise).
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest

MOUNT = shutil.which("mount")


@pytest.fixture
def sqlite_app(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("backup copies SQLite only (PostgreSQL is refused: test_backup.py)")
    return app


@pytest.fixture
def small_disk():
    """A 64 kB tmpfs: too small for the database (about 200 kB)."""
    if MOUNT is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    folder = Path(tempfile.mkdtemp(prefix="narvaro-full-"))
    mounted = subprocess.run(  # noqa: S603 - fixed argv
        [MOUNT, "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip(f"can't mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run([shutil.which("umount"), str(folder)], check=True)  # noqa: S603
        folder.rmdir()


def _backups(folder):
    """Files in `folder` other than the app's own database and its WAL."""
    return sorted(p.name for p in folder.rglob("*") if not p.name.startswith("narvaro.db"))


def _backup(app, dest):
    return app.test_cli_runner().invoke(args=["backup", str(dest)])


def test_backup_to_a_full_disk_explains_and_a_retry_with_room_works(sqlite_app, small_disk):
    dest = small_disk / "narvaro-backup.db"

    full = _backup(sqlite_app, dest)
    left_behind = sorted(p.name for p in small_disk.iterdir())
    subprocess.run(  # noqa: S603 - fixed argv: give the disk room, as freeing space would
        [MOUNT, "-o", "remount,size=4m", str(small_disk)], check=True
    )
    retry = _backup(sqlite_app, dest)

    assert full.exit_code == 1
    assert full.stderr.count("\n") == 1
    assert full.stderr.startswith(f"Error: not enough space in {small_disk}: the backup needs")
    assert "Traceback" not in full.output
    assert left_behind == []
    assert retry.exit_code == 0, retry.output
    assert sorted(p.name for p in small_disk.iterdir()) == ["narvaro-backup.db"]
    copy = sqlite3.connect(dest)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        copy.close()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "missing/narvaro.db",
            "Error: the folder {folder}/missing does not exist; create it first.",
        ),
        ("", "Error: {folder} is a folder; name a new file in it, like {folder}/narvaro.db."),
    ],
)
def test_backup_to_a_missing_folder_or_a_folder_explains_in_one_line(
    sqlite_app, tmp_path, name, message
):
    before = _backups(tmp_path)

    result = _backup(sqlite_app, tmp_path / name if name else tmp_path)

    assert result.exit_code == 1
    assert result.stderr == message.format(folder=tmp_path) + "\n"
    assert _backups(tmp_path) == before == []
