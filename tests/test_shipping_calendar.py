"""The shipping data file is valid; every other test uses the tests' own file (tests/data/).

calendars/savsjo.toml changes when Sävsjö confirms its real times, so nothing else in the suite
may read it: a test that tracked its times would break on a data edit.
"""

import dataclasses
import re
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, select

from tests.conftest import CALENDAR, make_app
from webapp.config import CALENDARS
from webapp.database import writing
from webapp.extensions import db
from webapp.models import Municipality, Place, PresenceSeries, PresenceSlot, Promise
from webapp.promise import records
from webapp.schedule.area_file import AreaData, load_data_file
from webapp.schedule.calendar_file import load_calendar_file
from webapp.schedule.file_reader import Text

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


# --- the shipped data file -------------------------------------------------------------------


def test_shipped_file_has_the_2023_2024_promise_in_full_and_an_example_in_force():
    data = {p.key: p for p in load_calendar_file(SHIPPING).promises}
    seed = [(a.key, a.owner, a.measure, a.target, a.target_per, a.publish)
            for c in data["2023-2024"].commitments for a in c.activities]  # fmt: skip

    assert len(data["2023-2024"].commitments) == 3
    assert seed == [
        ("narvaro", "police", "presence", None, None, "live"),
        ("est", "municipality", "status", None, None, "live"),
        ("samverkansmoten", "both", "count", 2.0, "year", "live"),
        ("identifierade-unga", "police", "count", None, None, "after_tertial"),
        ("narkotikainsatser", "police", "count", 15.0, "period", "after_tertial"),
        ("skolnarvaro", "municipality", "figure", None, None, "live"),
        ("trafikkontroller", "police", "count", None, None, "live"),
    ]
    assert data["2025-2026"].example_data is True
    assert data["2023-2024"].example_data is False
    assert (data["2025-2026"].first_day, data["2025-2026"].last_day) == (
        date(2025, 1, 1),
        date(2026, 12, 31),
    )
    assert data["2020-2021"].commitments[0].activities[0].target == 4.0


def test_shipped_example_promise_is_in_force_on_the_pinned_date():
    shipped = [
        Promise(key=p.key, first_day=p.first_day, last_day=p.last_day, example_data=p.example_data)
        for p in load_calendar_file(SHIPPING).promises
    ]  # as loaded: the rule "in force" is the Promise's own

    current = records.promise_in_force(shipped, date(2026, 11, 24))
    assert (current.key, current.example_data) == ("2025-2026", True)
    assert (
        records.promise_in_force(shipped, date(2027, 1, 1)) is None
    )  # nothing signed after 2026 yet


# --- the shipped police area -----------------------------------------------------------------

AREA = CALENDARS / "hoglandet.toml"


def test_shipped_area_file_holds_hoglandets_six_municipalities():
    data = load_data_file(AREA)

    assert isinstance(data, AreaData)
    assert (data.slug, data.default) == ("hoglandet", "savsjo")
    assert [m.slug for m in data.municipalities] == [
        "savsjo", "aneby", "eksjo", "nassjo", "tranas", "vetlanda"
    ]  # fmt: skip
    assert [(p.key, p.municipalities) for p in data.promises] == [
        ("norra-hoglandet-2025-2026", ("aneby", "eksjo", "tranas"))
    ]
    # The five beside Sävsjö are example data, and say so on every page.
    assert all(m.example_data for m in data.municipalities)
    assert data.municipalities[0] == load_calendar_file(SHIPPING)


def test_shipped_area_file_loads_in_one_run(app):
    result = app.test_cli_runner().invoke(args=["load-calendars", str(AREA)])

    assert result.exit_code == 0, result.output
    towns = db.session.scalars(select(Municipality).order_by(Municipality.slug)).all()
    assert [t.slug for t in towns] == ["aneby", "eksjo", "nassjo", "savsjo", "tranas", "vetlanda"]
    assert all(t.police_area.slug == "hoglandet" for t in towns)
    shared = db.session.scalar(select(Promise).where(Promise.key == "norra-hoglandet-2025-2026"))
    assert [m.slug for m in shared.municipalities] == ["aneby", "eksjo", "tranas"]
    for town in towns:
        places = select(func.count()).select_from(Place).where(Place.municipality_id == town.id)
        assert db.session.scalar(places) >= 2, town.slug


def _texts(value, where="file"):
    """Every translatable text in the parsed file, with where it stands."""
    if isinstance(value, Text):
        yield where, value
    elif dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            yield from _texts(getattr(value, item.name), f"{where}.{item.name}")
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value):
            yield from _texts(item, f"{where}[{n}]")


def test_shipping_file_has_every_public_text_in_every_offered_language():
    data = load_calendar_file(SHIPPING)
    others = set(data.languages) - {"sv"}
    texts = [(where, text) for where, text in _texts(data) if text.sv]

    missing = [(where, sorted(others - set(text.other))) for where, text in texts]

    assert len(texts) >= 30  # promises, commitments, activities, office, closures, places
    assert [m for m in missing if m[1]] == []
    assert all(all(text.other[lang] for lang in others) for _where, text in texts)
