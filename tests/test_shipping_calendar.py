"""The shipping data file is valid; every other test uses the tests' own file (tests/data/).

calendars/savsjo.toml changes when Sävsjö confirms its real times, so nothing else in the suite
may read it: a test that tracked its times would break on a data edit.
"""

import re
from pathlib import Path

from sqlalchemy import delete, func, select

from tests.conftest import CALENDAR, make_app
from webapp.config import CALENDARS
from webapp.database import writing
from webapp.extensions import db
from webapp.models import Municipality, Place, PresenceSeries, PresenceSlot
from webapp.schedule.calendar_file import load_calendar_file

SHIPPING = CALENDARS / "savsjo.toml"
TESTS = Path(__file__).resolve().parent
# Names a test would read the shipping file by.
SHIPPING_NAMES = re.compile(r"savsjo\.toml|\bCALENDARS\b|[\"']calendars[\"']")
ALLOWED = {
    "test_shipping_calendar.py",  # this file
    "test_packaging.py",  # checks the wheel carries the default file; no times
}


def test_shipping_file_parses_with_an_office_and_presence_places():
    data = load_calendar_file(SHIPPING)

    assert data.office.slug
    assert data.places
    assert {p.place for p in data.patterns} <= {p.slug for p in data.places}
    assert data.patterns


def test_shipping_file_loads_into_an_empty_database(app):
    with writing():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["load-calendars", str(SHIPPING)])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 1
    kinds = db.session.scalars(select(Place.kind)).all()
    assert kinds.count("office") == 1 and kinds.count("place") >= 1
    assert db.session.scalar(select(func.count()).select_from(PresenceSeries)) >= 1
    assert db.session.scalar(select(func.count()).select_from(PresenceSlot)) >= 1


def test_the_suite_runs_on_the_tests_own_data_file(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'unused.db'}")

    assert CALENDAR.is_relative_to(TESTS / "data")
    assert app.config["CALENDAR_FILE"] == str(CALENDAR)


def test_no_other_test_names_the_shipping_file():
    naming = {
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if SHIPPING_NAMES.search(path.read_text(encoding="utf-8"))
    }

    assert naming == ALLOWED
