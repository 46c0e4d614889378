"""An online copy of the SQLite database that is either complete and checked, or not there.

The destination is checked before anything is written; the copy goes to a temporary file
beside it and gets its final name only after `PRAGMA integrity_check` passed. Every failure
is a BackupError with one sentence for the person at the terminal.
"""

import contextlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

MARGIN = 2  # the copy, plus the copy's own journal while it is written


class BackupError(Exception):
    """The backup was not made; the message says why, and nothing was left behind."""


def check_destination(dest: Path, needed: int) -> None:
    """Refuse before starting: an existing file, a missing folder, no room."""
    folder = dest.parent
    if dest.is_dir():
        raise BackupError(f"{dest} is a folder; name a new file in it, like {dest / 'narvaro.db'}.")
    if dest.exists():
        raise BackupError(f"{dest} exists already; choose a new file.")
    if not folder.is_dir():
        raise BackupError(f"the folder {folder} does not exist; create it first.")
    free = shutil.disk_usage(folder).free
    if free < needed * MARGIN:
        raise BackupError(
            f"not enough space in {folder}: the backup needs about {_kb(needed * MARGIN)},"
            f" {_kb(free)} is free."
        )


def backup_sqlite(source: sqlite3.Connection, dest: Path) -> None:
    """Copy `source` to the new file `dest` and check it; on any failure, leave nothing."""
    size = _database_size(source)
    check_destination(dest, size)
    try:
        handle, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    except OSError as error:
        raise BackupError(f"can't write in {dest.parent}: {error.strerror}.") from None
    os.close(handle)
    temporary = Path(name)
    try:
        _copy_and_check(source, temporary)
        os.link(temporary, dest)  # fails rather than replace a file that appeared meanwhile
    except FileExistsError:
        raise BackupError(f"{dest} exists already; choose a new file.") from None
    except (OSError, sqlite3.Error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise BackupError(f"the backup to {dest} failed: {reason}. Nothing was written.") from None
    finally:
        for leftover in (temporary, Path(f"{temporary}-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _copy_and_check(source: sqlite3.Connection, path: Path) -> None:
    target = sqlite3.connect(path)
    try:
        # SQLite's online backup: a consistent copy while readers and writers carry on.
        source.backup(target)
        result = [row[0] for row in target.execute("PRAGMA integrity_check")]
    finally:
        target.close()
    if result != ["ok"]:
        raise sqlite3.DatabaseError(f"the copy failed its integrity check: {result}")
    with open(path, "rb") as file:
        os.fsync(file.fileno())


def _database_size(source: sqlite3.Connection) -> int:
    pages = source.execute("PRAGMA page_count").fetchone()[0]
    page_size = source.execute("PRAGMA page_size").fetchone()[0]
    return pages * page_size


def _kb(size: int) -> str:
    return f"{max(1, round(size / 1024))} kB"
