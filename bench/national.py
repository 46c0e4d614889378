"""Every municipality in Sweden in one database: 290 generated municipality files in police
areas of one to seven, loaded into PostgreSQL, then every municipality's start page and feed
served in every language it offers, in this process (Flask's test client, no network).

Prints: the time to load all areas, to reload one changed municipality file, requests per
second and the front cache's size while serving, and the process's resident memory after
all of it. Asserts nothing. The database is a schema of its own, dropped and made again:

    python bench/national.py postgresql+psycopg://postgres@127.0.0.1:5432/DB [--count 290]

The polling mix through nginx and gunicorn over every municipality's feeds is
national_polling.py's (serve_bench.py measures nginx and the app for one municipality).
"""

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402 - after the path set-up above
from sqlalchemy import func, select, text  # noqa: E402

from tests.support.generated_area import write_area  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.database import writing  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.i18n import offered_by  # noqa: E402
from webapp.models import Municipality, PresenceSlot  # noqa: E402
from webapp.schedule.area_file import load_data_file  # noqa: E402
from webapp.schedule.loading import load_area  # noqa: E402

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
SCHEMA = "narvaro_national"
SIZES = (3, 5, 2, 4, 1, 6, 3, 7, 2, 4)  # municipalities per police area, repeating


def areas(count: int) -> list[range]:
    out, first, i = [], 1, 0
    while first <= count:
        size = min(SIZES[i % len(SIZES)], count - first + 1)
        out.append(range(first, first + size))
        first, i = first + size, i + 1
    return out


def load(app, path) -> float:
    started = time.perf_counter()
    with app.app_context(), writing():
        load_area(db.session, load_data_file(path), now=NOW)
        db.session.commit()
    return time.perf_counter() - started


def schema_url(database: str) -> str:
    """`database` with the bench's own schema as the search path."""
    return f"{database}?options=-csearch_path%3D{SCHEMA}"


def fresh_app(database: str):
    """An app on the bench's schema, dropped and migrated again (no data yet)."""
    settings = {"SQLALCHEMY_DATABASE_URI": schema_url(database), "SECRET_KEY": "bench-only"}
    app = create_app({**settings, "NOW": NOW, "PUBLIC_BASE_URL": "https://narvaro.example"})
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
        upgrade()
    return app


def load_all_areas(app, folder: Path, count: int) -> tuple[list[range], list[Path], float]:
    """Write `count` municipalities' files in police areas under `folder` and load them all:
    the areas, their files and the seconds the loading took."""
    groups = areas(count)
    paths = [write_area(folder / f"lpo-{i}", f"lpo-{i:02d}", g) for i, g in enumerate(groups)]
    started = time.perf_counter()
    for path in paths:
        load(app, path)
    return groups, paths, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database", help="a PostgreSQL URL (a schema of its own is used)")
    parser.add_argument("--count", type=int, default=290)
    args = parser.parse_args()
    app = fresh_app(args.database)
    with tempfile.TemporaryDirectory() as folder:
        groups, paths, load_all = load_all_areas(app, Path(folder), args.count)
        reload_same = load(app, paths[0])
        changed = Path(folder) / "lpo-0" / "kommun-001.toml"  # one pattern ends a month earlier
        edited = changed.read_text().replace("2027-06-30", "2027-05-31", 1)
        changed.write_text(edited)
        reload_changed = load(app, paths[0])
    with app.app_context():
        towns = db.session.scalars(select(Municipality).order_by(Municipality.id)).all()
        slots = db.session.scalar(select(func.count()).select_from(PresenceSlot))
        pages = [(t.slug, lang) for t in towns for lang in offered_by(t)]
        default = towns[0].slug
    print(f"{len(towns)} municipalities in {len(groups)} police areas, {slots} presence slots")
    print(f"load all areas: {load_all:7.2f} s  (target <= 60 s)")
    print(f"reload one area, unchanged: {reload_same:5.2f} s")
    print(f"reload one area, one file changed: {reload_changed:5.2f} s  (target <= 2 s)")
    client = app.test_client()
    front = app.extensions["narvaro_front_cache"]
    for label in ("first, rendered", "again, from the front cache"):
        started = time.perf_counter()
        failed = 0
        for slug, lang in pages:
            prefix = "" if slug == default else f"/{slug}"
            feed = f"{prefix}/feeds/all.ics" + ("?lang=en" if lang == "en" else "")
            for path in (f"{prefix}/{lang}/", feed):
                failed += client.get(path).status_code != 200
        spent = time.perf_counter() - started
        print(f"{label}: {2 * len(pages)} requests in {spent:6.2f} s, "
              f"{2 * len(pages) / spent:7.1f} req/s; front cache {len(front._items)} copies, "
              f"{front._bytes / 1e6:5.1f} MB (budget {front.budget / 1e6:.0f} MB); "
              f"{failed} not 200")  # fmt: skip
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"resident memory, peak of this process: {rss:6.1f} MB  (target <= 200 MB a worker)")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
