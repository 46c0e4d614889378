"""Each pytest-xdist worker's own services, derived from the URLs the suite is given.

Under `pytest -n N` the workers gw0, gw1, … run at once: worker gwN uses the PostgreSQL
database `<name>_gwN` (created when missing) and the Redis database number `<number> - N`
(so CI's 15 gives 15, 14, …). A serial run uses the URLs as given.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REDIS_DATABASES = 16  # Redis's default `databases`


def worker_name() -> str | None:
    """ "gw0", "gw1", … under pytest-xdist; None in a serial run."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def worker_number() -> int:
    """0, 1, … under pytest-xdist; 0 in a serial run."""
    name = worker_name()
    return int(name.removeprefix("gw")) if name else 0


def worker_database_url(url: str | None) -> str | None:
    """TEST_DATABASE_URL with the worker's own database name."""
    if not url or worker_name() is None:
        return url
    parsed = make_url(url)
    own = parsed.set(database=f"{parsed.database}_{worker_name()}")
    return own.render_as_string(hide_password=False)


def worker_redis_url(url: str | None) -> str | None:
    """TEST_REDIS_URL with the worker's own database number, or None when it has none left."""
    if not url:
        return url
    parts = urlsplit(url)
    own = int(parts.path.strip("/") or 0) - worker_number()
    if not 0 <= own < REDIS_DATABASES:
        return None
    return urlunsplit(parts._replace(path=f"/{own}"))


def redis_skip_reason() -> str:
    """Why the tests that share rate limits through Redis skip."""
    if not os.environ.get("TEST_REDIS_URL"):
        return "TEST_REDIS_URL is not set (no Redis to share limits)"
    return f"TEST_REDIS_URL's database number leaves none for worker {worker_name()}"


def create_database(url: str) -> None:
    """Create the URL's PostgreSQL database through the `postgres` maintenance database."""
    parsed = make_url(url)
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            found = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            )
            if not found:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        engine.dispose()
