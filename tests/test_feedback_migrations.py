"""Migration 0003 (posters, scans, feedback) upgrades and downgrades on SQLite and PostgreSQL,
keeping what 0002 held; its check constraints refuse answers out of range."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tests.test_migrations import SEED_0001, empty_app  # noqa: F401 - the fixture
from webapp.extensions import db

TABLES = {"poster", "poster_scan", "feedback"}
SEED_0003 = [
    "INSERT INTO poster (id, code, place_id, created_at) VALUES (1, 'K7M3QX', 1,"
    " '2026-11-24 09:30:00')",
    "INSERT INTO poster_scan (id, poster_id, day, scans) VALUES (1, 1, '2026-11-24', 3)",
    "INSERT INTO feedback (id, created_at, place_id, poster_id, lang, met_police, safety,"
    " reach_ease, comment, wants_contact, contact_consent) VALUES (1, '2026-11-24 09:31:00',"
    " 1, 1, 'sv', 'met', 4, 2, 'Bra', false, false)",
]


def _tables():
    return set(inspect(db.engine).get_table_names())


def test_feedback_migration_upgrades_downgrades_and_keeps_older_data(empty_app):  # noqa: F811
    upgrade(revision="0001")
    with db.engine.begin() as conn:
        for statement in SEED_0001:
            conn.execute(text(statement))
    upgrade(revision="0002")

    upgrade(revision="0003")
    tables_after_upgrade = _tables()
    with db.engine.begin() as conn:
        for statement in SEED_0003:
            conn.execute(text(statement))
    downgrade(revision="0002")
    tables_after_downgrade = _tables()
    upgrade(revision="0003")
    with db.engine.connect() as conn:
        slot = tuple(conn.execute(text("SELECT id, status FROM presence_slot")).one())
        feedback = conn.execute(text("SELECT count(*) FROM feedback")).scalar()

    assert TABLES <= tables_after_upgrade
    assert not TABLES & tables_after_downgrade
    assert {"staff_user", "audit_event"} <= tables_after_downgrade
    assert slot == (1, "scheduled")
    assert feedback == 0


@pytest.mark.parametrize(
    ("met_police", "safety", "reach_ease"),
    [("maybe", 4, 2), ("met", 0, 2), ("met", 4, 6)],
)
def test_answers_out_of_range_are_refused_by_the_database(
    empty_app,  # noqa: F811
    met_police,
    safety,
    reach_ease,
):
    upgrade(revision="0003")
    with db.engine.begin() as conn:
        conn.execute(text(SEED_0001[0]))
    insert = text(
        "INSERT INTO feedback (created_at, place_id, lang, met_police, safety, reach_ease,"
        " comment, wants_contact, contact_consent) VALUES ('2026-11-24 09:31:00', 1, 'sv',"
        " :met_police, :safety, :reach_ease, '', false, false)"
    )
    answers = {"met_police": met_police, "safety": safety, "reach_ease": reach_ease}

    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(insert, answers)


def test_case_migration_makes_read_feedback_read_and_comes_back_down(empty_app):  # noqa: F811
    upgrade(revision="0010")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO municipality (id, slug, name, timezone, example_data, translations)"
                " VALUES (7, 'testby', 'Testby', 'Europe/Stockholm', true, '{}')"
            )
        )
        for statement in SEED_0001:
            conn.execute(text(statement))
        conn.execute(
            text(
                "INSERT INTO feedback (id, created_at, place_id, lang, comment, wants_contact,"
                " contact_consent, read_at) VALUES (1, '2026-11-24 09:31:00', 1, 'sv', 'Läst',"
                " false, false, '2026-11-24 10:00:00'), (2, '2026-11-24 09:32:00', 1, 'sv',"
                " 'Ny', false, false, NULL)"
            )
        )

    upgrade(revision="0013")
    with db.engine.begin() as conn:
        states = conn.execute(text("SELECT id, state FROM feedback ORDER BY id")).all()
        conn.execute(
            text(
                "INSERT INTO feedback_note (feedback_id, created_at, text) VALUES"
                " (1, '2026-11-24 10:05:00', 'Anteckning')"
            )
        )
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("UPDATE feedback SET state = 'lost' WHERE id = 2"))
    downgrade(revision="0011")
    with db.engine.connect() as conn:
        comments = conn.execute(text("SELECT comment FROM feedback ORDER BY id")).scalars().all()

    assert [tuple(row) for row in states] == [(1, "read"), (2, "new")]
    assert "feedback_note" not in _tables()
    assert "state" not in {c["name"] for c in inspect(db.engine).get_columns("feedback")}
    assert comments == ["Läst", "Ny"]
