"""Issue 10, item 9: a SQLite file that was read-only for a while works again once writable.

File permissions don't bind root, so when the suite runs as root the app runs with the
effective uid of `nobody` in a folder the test owns (seteuid; root takes it back after).
"""

import contextlib
import encodings.idna  # noqa: F401 - codecs werkzeug and jinja load lazily, loaded while
import encodings.unicode_escape  # noqa: F401 - the test can still read root's Python
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import make_app
from tests.support.feedback import feedback_count, submit
from webapp.extensions import db

FORM = "/sv/feedback/torget"
NOBODY = 65534
OTHER_WORKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("SELECT count(*) FROM feedback").fetchall()
print("open", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def _unprivileged():
    """Run the body as a user that file permissions bind."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def own_folder(sqlite_template):
    """A copy of the template database in a folder the unprivileged user owns."""
    folder = Path(tempfile.mkdtemp(prefix="narvaro-readonly-"))
    shutil.copy(sqlite_template, folder / "narvaro.db")
    if os.geteuid() == 0:
        for path in (folder, folder / "narvaro.db"):
            os.chown(path, NOBODY, NOBODY)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read_only(path: Path, read_only: bool) -> None:
    mode = stat.S_IRUSR if read_only else stat.S_IRUSR | stat.S_IWUSR
    path.chmod(mode)


def _other_worker(path: Path) -> subprocess.Popen:
    """Another worker process with the database open, so its WAL stays while the file is
    read-only, as on a server under load. (Within one process SQLite would hand new
    connections that worker's writable file descriptor.)"""
    worker = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-c", OTHER_WORKER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert worker.stdout.readline() == b"open\n"
    return worker


def test_writes_work_again_once_the_file_is_writable(own_folder):
    path = own_folder / "narvaro.db"
    with _unprivileged():
        app = make_app(f"sqlite:///{path}")
    with app.app_context():
        client = app.test_client()
        with _unprivileged():  # the WAL and its index are the app user's
            before = submit(app, client, FORM, {"comment": "före"}).status_code
        other_worker = _other_worker(path)  # started by root: root's Python is not nobody's
        try:
            with _unprivileged():
                _read_only(path, True)
                db.engine.dispose()  # connections now open as they would, read-only
                during = submit(app, client, FORM, {"comment": "under"})
                health_during = client.get("/health")
                _read_only(path, False)
                after = [
                    submit(app, client, FORM, {"comment": f"efter {n}"}).status_code
                    for n in range(5)
                ]
                health_after = client.get("/health")
                stored = feedback_count()
        finally:
            other_worker.communicate(b"", timeout=10)
            db.session.remove()
            db.engine.dispose()

    assert before == 303
    assert during.status_code == 503
    assert "Försök igen om en stund" in during.get_data(as_text=True)
    assert health_during.status_code == 503
    assert health_during.get_json()["database"] == "unavailable"
    assert after == [303] * 5
    assert health_after.status_code == 200
    assert stored == 6
