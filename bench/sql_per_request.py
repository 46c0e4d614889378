"""How many SQL statements does a public page or feed cost, on the first and a repeat request?

Prints figures; asserts nothing (tests/test_page_cache.py holds the "at most 2" line). Builds a
throwaway SQLite database from the data file, pins the clock to Tuesday 2026-11-24 10:30 in
Sävsjö, and counts the statements the engine executes per request through Flask's test client
(SQLite's explicit BEGIN is not counted).  Usage: python bench/sql_per_request.py
"""

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402 - after the path set-up above
from sqlalchemy import event  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.database import writing  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.schedule.calendar_file import load_calendar_file  # noqa: E402
from webapp.schedule.loading import load_calendar  # noqa: E402

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
PATHS = ["/sv/", "/sv/office", "/sv/presence", "/sv/places/torget", "/feeds/all.ics"]


def main():
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                "SECRET_KEY": "bench-only",
                "NOW": NOW,
                "PUBLIC_BASE_URL": "https://narvaro.example",
            }
        )
        with app.app_context():
            upgrade()
            with writing():
                load_calendar(db.session, load_calendar_file(app.config["CALENDAR_FILE"]), now=NOW)
                db.session.commit()
            engine = db.engine
        statements = []

        def count(_conn, _cursor, statement, *_args):
            if statement != "BEGIN":
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        client = app.test_client()
        print(f"{'path':<22}{'first':>8}{'repeat':>8}")
        for path in PATHS:
            counts = []
            for _ in range(2):
                statements.clear()
                status = client.get(path).status_code
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
                counts.append(len(statements))
            print(f"{path:<22}{counts[0]:>8}{counts[1]:>8}")
        engine.dispose()


if __name__ == "__main__":
    main()
