"""The schedule stamp (feeds' Last-Modified) under concurrent edits."""

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from tests.conftest import NOW
from webapp.database import writing
from webapp.extensions import db
from webapp.models import PresenceSlot, working_at
from webapp.schedule import store


def _lock_waiters() -> int:
    with db.engine.connect() as conn:
        return conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        )


def test_two_concurrent_edits_move_the_stamp_twice(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writes with BEGIN IMMEDIATE")
    first_flushed, errors = threading.Event(), []
    slot_ids = db.session.scalars(select(PresenceSlot.id).order_by(PresenceSlot.id).limit(2)).all()
    before = store.schedule_changed_at(db.session)

    def edit(slot_id, *, hold=None):
        try:
            with app.app_context(), writing():
                working_at(db.session, NOW)  # a unit of work outside a request says its time
                db.session.get(PresenceSlot, slot_id).note = f"Ändrad {slot_id}"
                db.session.flush()
                if hold is not None:
                    first_flushed.set()
                    hold()
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    def until_the_other_waits():
        deadline = time.monotonic() + 10
        while _lock_waiters() == 0 and time.monotonic() < deadline:
            time.sleep(0.02)

    first = threading.Thread(
        target=edit, args=(slot_ids[0],), kwargs={"hold": until_the_other_waits}
    )
    second = threading.Thread(target=edit, args=(slot_ids[1],))
    first.start()
    assert first_flushed.wait(10)
    second.start()
    first.join(15)
    second.join(15)

    db.session.expire_all()
    assert errors == []
    assert store.schedule_changed_at(db.session) == before + timedelta(seconds=2)
