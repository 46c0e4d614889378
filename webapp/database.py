"""Engine set-up: SQLite in WAL mode with a busy timeout, writes that start IMMEDIATE, and
connections discarded when their file was lost or read-only."""

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event

_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


def configure_engine(engine) -> None:
    """A database that cannot be reached counts as lost (webapp.outage); SQLite also gets its
    pragmas and transaction handling."""

    @event.listens_for(engine, "handle_error")
    def _connect_failed(context):
        # Refused or timed out while connecting: the server is away, like a dropped connection
        # (the driver's own check only knows messages about connections already open).
        if context.connection is None and _driver_error(engine, context.original_exception):
            context.is_disconnect = True

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

    @event.listens_for(engine, "handle_error")
    def _discard_broken_connections(context):
        # A connection opened while the file was read-only stays read-only, and one whose file
        # was lost keeps failing: treat both like a lost server, so SQLAlchemy drops the pool
        # and the next request opens fresh connections.
        if _file_trouble(context.original_exception):
            context.is_disconnect = True

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A deferred read-then-write fails at once under load; IMMEDIATE waits for the lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def _driver_error(engine, error: BaseException) -> bool:
    dbapi = engine.dialect.loaded_dbapi
    return isinstance(error, (dbapi.OperationalError, dbapi.InterfaceError))


FILE_TROUBLE = ("SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_FULL")


def _file_trouble(error: BaseException) -> bool:
    """A read-only, lost, unreadable or full database file (not a constraint or a lock)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(FILE_TROUBLE)


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
