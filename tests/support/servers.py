"""Real servers a test starts on a free loopback port and stops by its own pid (no tests here).

redis-server for tests that kill Redis mid-test; a PostgreSQL cluster of the test's own, to
stop and start again under a running app; gunicorn with deploy/gunicorn.conf.py for
tests of what only the production server does (malformed requests, its error log).
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from webapp.config import ROOT

GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {seconds} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=35)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


class RedisServer:
    """A redis-server of the test's own, without persistence; stop() and start() again on the
    same port, as when Redis is restarted in production."""

    def __init__(self, folder: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.binary, self.folder, self.port, self.proc = binary, folder, free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", str(self.folder)]
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self.port, self.proc)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None


@contextlib.contextmanager
def redis_server(folder: Path):
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class PostgresServer:
    """A PostgreSQL cluster of the test's own (initdb in a new temporary folder, trust on
    loopback, no fsync); stop() and start() again on the same port, as when the server is
    restarted. PostgreSQL refuses to run as root, so under root it runs as `postgres` (in a
    folder of /tmp it can reach: pytest's tmp_path is root's alone)."""

    def __init__(self):
        self.bin = _postgres_bin()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.home = Path(tempfile.mkdtemp(prefix="narvaro-pg-"))
        if self.user:
            shutil.chown(self.home, self.user)
        self.folder, self.port, self.proc = self.home / "data", free_port(), None
        subprocess.run(  # noqa: S603 - fixed argv
            [self.bin / "initdb", "-D", self.folder, "-U", "postgres", "--auth=trust"]
            + ["-E", "UTF8", "--no-sync", "--no-instructions"],
            check=True,
            capture_output=True,
            user=self.user,
        )

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        args = [self.bin / "postgres", "-D", self.folder, "-p", str(self.port)]
        args += ["-h", "127.0.0.1", "-k", self.folder, "-c", "fsync=off"]
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, user=self.user
        )
        wait_for_port(self.port, self.proc)
        deadline = time.monotonic() + 30
        while True:  # the port opens before the server takes connections
            try:
                psycopg.connect(self.url.replace("+psycopg", ""), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    def stop(self) -> None:
        """A fast shutdown (SIGINT): open connections are cut, as when the server goes away."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(timeout=30)
            self.proc = None


def _postgres_bin() -> Path:
    initdb = shutil.which("initdb") or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))), None
    )
    if initdb is None:
        pytest.skip("PostgreSQL's server programs (initdb, postgres) are not installed")
    return Path(initdb).resolve().parent


@contextlib.contextmanager
def postgres_server():
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.remove()


@contextlib.contextmanager
def gunicorn(database_path: Path, folder: Path, **environment):
    """gunicorn with deploy/gunicorn.conf.py; yields (port, path of its error log)."""
    if not GUNICORN.exists() and shutil.which("gunicorn") is None:
        pytest.skip("gunicorn is not installed")
    port = free_port()
    log = folder / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database_path}",
        "SECRET_KEY": "gunicorn-test-secret",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "-",
        **environment,
    }
    with open(log, "wb") as handle:
        proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                "webapp:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, proc)
            yield port, log
        finally:
            stop(proc)
