"""How long do the promise follow-up outputs take: the public page, the API, the Atom feed, the
PDF and the workbook (for the whole promise, a year and a tertial)? Prints figures; asserts
nothing.

Builds a throwaway SQLite database with the default calendar, pins the clock to Tuesday
2026-11-24 10:30 in Sävsjö and times requests through Flask's test client (no network).
Usage: python bench/promise_render.py [-n 20]
"""

import argparse
import hashlib
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402 - after the path set-up above

from webapp import create_app  # noqa: E402
from webapp.database import writing  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import User, UserSession  # noqa: E402
from webapp.schedule.calendar_file import load_calendar_file  # noqa: E402
from webapp.schedule.loading import load_calendar  # noqa: E402
from webapp.staff.auth import TOKEN_KEY  # noqa: E402

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
PUBLIC = [
    "/sv/promises/2025-2026",
    "/api/v1/promises",
    "/sv/promises/feed.atom",
    "/sv/promises/2025-2026/reports/2026-T2.pdf",
]  # a closed tertial's published report
# The report for the whole promise, for one year and for one (closed) tertial.
STAFF = [
    f"/sv/staff/promises/2025-2026/report.{kind}?period={period}"
    for period in ("all", "2026", "2026-T2")
    for kind in ("pdf", "xlsx")
]


def staff_client(app):
    token = secrets.token_urlsafe(32)
    with app.app_context():
        # No password: the bench uses a session row, as the tests' staff_client does.
        user = User(email="bench@example.se", password_hash="", role="police", created_at=NOW)
        db.session.add(user)
        db.session.flush()
        digest = hashlib.sha256(token.encode()).hexdigest()
        db.session.add(
            UserSession(user_id=user.id, created_at=NOW, last_seen_at=NOW, token_hash=digest)
        )
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session[TOKEN_KEY] = token
    return client


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=20)
    runs = parser.parse_args().n
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.db", "NOW": NOW,
                          "SECRET_KEY": "bench", "RATELIMIT_STORAGE_URI": "memory://"})  # fmt: skip
        with app.app_context():
            upgrade()
            with writing():
                load_calendar(db.session, load_calendar_file(ROOT / "calendars/savsjo.toml"),
                              now=NOW)  # fmt: skip
                db.session.commit()
        clients = {url: app.test_client() for url in PUBLIC}
        staff = staff_client(app)
        clients |= {url: staff for url in STAFF}
        for url, client in clients.items():
            spent = []
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(url)
                spent.append((time.perf_counter() - started) * 1000)
            median = statistics.median(spent)
            print(
                f"{url:62} {response.status_code} {len(response.data):>8} bytes  "
                f"median {median:6.1f} ms  max {max(spent):6.1f} ms"
            )


if __name__ == "__main__":
    main()
