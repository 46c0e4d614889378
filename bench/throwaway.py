"""A throwaway app for the in-process benches: SQLite in a temporary folder, the data file
loaded, the clock pinned to Tuesday 2026-11-24 10:30 in Sävsjö."""

import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402 - after the path set-up above

from webapp import create_app  # noqa: E402
from webapp.database import writing  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.schedule.calendar_file import load_calendar_file  # noqa: E402
from webapp.schedule.loading import load_calendar  # noqa: E402

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def throwaway_app(folder: str):
    """The app on a new database in `folder`, migrated and loaded from CALENDAR_FILE."""
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
    return app
