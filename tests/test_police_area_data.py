"""A police area's file: its municipalities loaded in one run, each owning its own rows, and
promises signed by several of them. The tests' area is tests/data/area/area.toml: the tests'
Sävsjö (the default) and a fictional Västby."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import NOW
from tests.factories import make_feedback
from webapp.config import ROOT
from webapp.database import writing
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    Feedback,
    Municipality,
    Place,
    PoliceArea,
    PresenceSeries,
    PresenceSlot,
    Promise,
    scope_to,
)
from webapp.schedule.area_file import load_data_file
from webapp.schedule.calendar_file import load_calendar_file
from webapp.schedule.file_reader import CalendarFileError
from webapp.schedule.loading import load_area

AREA = ROOT / "tests" / "data" / "area" / "area.toml"


def load_test_area(path=AREA):
    """Load the tests' area as `flask load-calendars` would: in a transaction of its own."""
    db.session.rollback()  # a read the test body left open would be a stale snapshot
    with writing():
        counts = load_area(db.session, load_data_file(path), now=NOW)
        db.session.commit()
    return counts


def town(slug):
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug))


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_load_calendars_loads_an_area_in_one_run_and_reports_per_municipality(app):
    result = app.test_cli_runner().invoke(args=["load-calendars", str(AREA)])

    assert result.exit_code == 0, result.output
    loaded = [line for line in result.stdout.splitlines() if "loaded" in line.lower()]
    assert loaded == [
        # Sävsjö was there already (the suite's single municipality): nothing changed.
        "Sävsjö kommun: loaded: the office and 3 places, 0 hour rules and 0 closures changed, "
        "0 presence slots added, 0 cancelled.",
        "Västby kommun: loaded: the office and 2 places, 1 hour rules and 0 closures changed, "
        "82 presence slots added, 0 cancelled.",
        f"Loaded {AREA}: Lokalpolisområde Testområdet, 2 municipalities.",
    ]
    assert (
        "Västby kommun: No presence on holidays: 2026-12-26 torget (Annandag jul), "
        "2027-01-06 hamnen (Trettondedag jul), 2027-05-01 torget (Första maj), "
        "2027-06-26 torget (Midsommardagen)"
    ) in result.stdout.splitlines()
    area = db.session.scalar(select(PoliceArea))
    assert (area.slug, area.name, area.default_slug) == (
        "testomradet", "Lokalpolisområde Testområdet", "savsjo"
    )  # fmt: skip
    assert [m.police_area_id for m in (town("savsjo"), town("vastby"))] == [area.id, area.id]
    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "calendar.load").order_by(AuditEvent.id)
    ).all()
    assert [(e.object_type, e.object_id) for e in audited] == [
        ("Municipality", str(town("savsjo").id)),
        ("Municipality", str(town("vastby").id)),
    ]


def test_each_municipality_owns_its_places_and_presence(app):
    load_test_area()
    savsjo, vastby = town("savsjo"), town("vastby")

    torget = db.session.scalars(select(Place).where(Place.slug == "torget")).all()
    assert sorted((p.municipality_id, p.name) for p in torget) == [
        (savsjo.id, "Torget"), (vastby.id, "Västby torg")
    ]  # fmt: skip
    places = {p.id: p for p in db.session.scalars(select(Place))}
    for row in [
        *db.session.scalars(select(PresenceSlot)),
        *db.session.scalars(select(PresenceSeries)),
    ]:
        assert row.municipality_id == places[row.place_id].municipality_id
    assert count(PresenceSeries, PresenceSeries.municipality_id == vastby.id) == 2
    assert count(PresenceSlot, PresenceSlot.municipality_id == vastby.id) == 82
    assert vastby.hosts == ["narvaro.vastby.example"]
    assert vastby.translations["languages"] == ["sv", "en", "so"]


def test_a_promise_key_is_each_municipalitys_own_and_a_shared_one_has_every_signatory(app):
    load_test_area()
    savsjo, vastby = town("savsjo"), town("vastby")

    promises = db.session.scalars(select(Promise).order_by(Promise.id)).all()
    by_owner = {(p.municipality_id, p.police_area_id, p.key): p for p in promises}
    area = db.session.scalar(select(PoliceArea))
    assert set(by_owner) == {
        (savsjo.id, None, "2025-2026"),
        (savsjo.id, None, "2023-2024"),
        (savsjo.id, None, "2020-2021"),
        (vastby.id, None, "2025-2026"),
        (None, area.id, "gemensamt-2027-2028"),
    }
    assert [m.slug for m in by_owner[None, area.id, "gemensamt-2027-2028"].municipalities] == [
        "savsjo", "vastby"
    ]  # fmt: skip
    assert by_owner[vastby.id, None, "2025-2026"].title == "Västbys medborgarlöfte 2025–2026"
    assert [m.slug for m in by_owner[vastby.id, None, "2025-2026"].municipalities] == ["vastby"]


def test_reloading_the_area_changes_nothing(app):
    load_test_area()
    before = _rows()

    counts = load_test_area()

    assert _rows() == before
    changed = {
        slug: (c["hours"], c["closures"], c["slots_added"], c["slots_cancelled"])
        for slug, c in counts.items()
    }
    assert changed == {"savsjo": (0, 0, 0, 0), "vastby": (0, 0, 0, 0)}


def _rows():
    db.session.expire_all()
    return {
        model.__name__: sorted(
            tuple(str(getattr(row, c.key)) for c in model.__table__.columns)
            for row in db.session.scalars(select(model))
        )
        for model in (Municipality, PoliceArea, Place, PresenceSeries, PresenceSlot, Promise)
    }


def test_a_scoped_session_reads_only_its_municipalitys_rows(app):
    load_test_area()
    savsjo, vastby = town("savsjo").id, town("vastby").id
    theirs = make_feedback().id  # at Sävsjö's Torget
    db.session.expunge_all()

    scope_to(db.session, [vastby])
    try:
        assert {p.slug for p in db.session.scalars(select(Place))} == {
            "polishuset", "torget", "hamnen"
        }  # fmt: skip
        assert db.session.get(Feedback, theirs) is None
        assert {s.municipality_id for s in db.session.scalars(select(PresenceSlot))} == {vastby}
        assert sorted(p.key for p in db.session.scalars(select(Promise))) == [
            "2025-2026", "gemensamt-2027-2028"
        ]  # fmt: skip
    finally:
        scope_to(db.session, None)
    assert db.session.get(Feedback, theirs).municipality_id == savsjo


def test_new_rows_belong_to_their_places_municipality(app):
    load_test_area()
    hamnen = db.session.scalar(select(Place).where(Place.slug == "hamnen"))

    feedback = make_feedback(place="hamnen")

    assert feedback.municipality_id == hamnen.municipality_id == town("vastby").id


AREA_ERRORS = [
    ('default = "savsjo"', 'default = "norrby"', "police_area.default", 8),
    ('slug = "testomradet"', 'slug = "api"', "police_area.slug", 5),
    ('slug = "testomradet"', 'slug = "en"', "police_area.slug", 5),
    ('municipalities = ["savsjo", "vastby"]', 'municipalities = ["savsjo", "norrby"]',
     "promises[0].municipalities", 15),
    ("first_day = 2027-01-01", "first_day = 2026-06-01", "promises[0].first_day", 16),
    ('"vastby.toml"]', '"vastby.toml", "../savsjo-tests.toml"]', "police_area.municipalities", 7),
    ("default = ", "colour = 1\ndefault = ", "police_area.colour", 8),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "where", "line"), AREA_ERRORS)
def test_a_malformed_area_file_names_the_file_the_line_and_the_field(
    tmp_path, old, new, where, line
):
    text = AREA.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "area.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    for name in ("vastby.toml",):
        (tmp_path / name).write_text((AREA.parent / name).read_text(encoding="utf-8"))
    (tmp_path.parent / "savsjo-tests.toml").write_text(
        (AREA.parent.parent / "savsjo-tests.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )

    with pytest.raises(CalendarFileError) as error:
        load_data_file(path)

    assert (error.value.path, error.value.where, error.value.line) == (str(path), where, line)


def test_a_municipalitys_loader_refuses_an_area_file():
    with pytest.raises(CalendarFileError) as error:
        load_calendar_file(AREA)

    assert error.value.where == "police_area"


def test_the_default_municipality_is_the_requests_when_no_prefix_names_another(app, client):
    load_test_area()

    page = client.get("/sv/office")

    assert page.status_code == 200
    assert "Poliskontoret i Sävsjö" in page.get_data(as_text=True)
    assert date(2026, 11, 24) == NOW.date()
