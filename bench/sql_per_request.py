"""How many SQL statements does a public page or feed cost, on the first and a repeat request?

Prints figures; asserts nothing (tests/test_page_cache.py holds the "at most 2" line). Builds a
throwaway SQLite database from the data file, pins the clock to Tuesday 2026-11-24 10:30 in
Sävsjö, and counts the statements the engine executes per request through Flask's test client
(SQLite's explicit BEGIN is not counted).  Usage: python bench/sql_per_request.py
"""

import tempfile

from sqlalchemy import event
from throwaway import throwaway_app

from webapp.extensions import db

PATHS = ["/sv/", "/sv/office", "/sv/presence", "/sv/places/torget", "/feeds/all.ics"]


def main():
    with tempfile.TemporaryDirectory() as folder:
        app = throwaway_app(folder)
        with app.app_context():
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
