"""Engine set-up: SQLite in WAL mode with a busy timeout, writes that start IMMEDIATE."""

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event

_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


def configure_engine(engine) -> None:
    """Apply SQLite pragmas and transaction handling; other databases are left as they are."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below emit BEGIN, not pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A deferred read-then-write fails at once under load; IMMEDIATE waits for the lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def begin_writes() -> None:
    """Make the transactions that follow, in this request or command, write transactions."""
    _write_intent.set(True)


def end_writes() -> None:
    _write_intent.set(False)


@contextmanager
def writing():
    """`with writing():` around a unit of work that will write."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)
