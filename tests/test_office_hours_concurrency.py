"""Two staff edits of the weekly hours at the same time: the second waits for the first and
builds on its result, so no rows are retired twice and no duplicate hours stay live."""

import threading
from datetime import date, time

from tests.conftest import NOW
from tests.factories import place
from webapp.database import writing
from webapp.extensions import db
from webapp.schedule import office_edits as office
from webapp.schedule.store import live_hours


def _edit(app, intervals, *, hold=None, done=None):
    """set_weekly_hours in a session of its own; with `hold`, wait for it before committing."""
    with app.app_context(), writing():
        office.set_weekly_hours(
            db.session,
            place("poliskontoret"),
            intervals,
            valid_from=date(2026, 12, 1),
            valid_until=None,
            now=NOW,
            actor=None,
        )
        if done is not None:
            done.set()
        if hold is not None:
            hold.wait(10)
        db.session.commit()
        db.session.remove()


def test_concurrent_weekly_hours_edits_leave_one_set_of_hours(app):
    first_hours = [(0, time(9), time(12))]
    second_hours = [(1, time(13), time(16))]
    release, first_flushed = threading.Event(), threading.Event()
    first = threading.Thread(
        target=_edit, args=(app, first_hours), kwargs={"hold": release, "done": first_flushed}
    )
    first.start()
    assert first_flushed.wait(10)
    second = threading.Thread(target=_edit, args=(app, second_hours))
    second.start()
    second.join(0.5)
    waited = second.is_alive()  # blocked on the office row until the first commits
    release.set()
    first.join(10)
    second.join(10)

    db.session.rollback()
    from_december = [
        (r.weekday, r.opens, r.closes, r.valid_until)
        for r in live_hours(db.session, place("poliskontoret"))
        if r.valid_from == date(2026, 12, 1)
    ]
    assert waited is True
    assert from_december == [(1, time(13), time(16), None)]
