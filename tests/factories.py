"""Plain factory functions with boring defaults; pass overrides for what a test cares about."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Closure, Place, PresenceSlot


def place(slug="torget"):
    return db.session.scalar(select(Place).where(Place.slug == slug))


def make_slot(**overrides):
    """A scheduled presence slot at Torget, one hour long, not from a series."""
    starts = overrides.pop("starts_at", datetime(2026, 12, 2, 14, 0, tzinfo=UTC))
    values = {
        "place_id": place(overrides.pop("place", "torget")).id,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 1, tzinfo=UTC),
    }
    values.update(overrides)
    slot = PresenceSlot(**values)
    db.session.add(slot)
    db.session.commit()
    return slot


def make_closure(**overrides):
    """The office closed for one day, with a note."""
    values = {
        "place_id": place("poliskontoret").id,
        "first_day": datetime(2026, 12, 1).date(),
        "last_day": datetime(2026, 12, 1).date(),
        "hours": None,
        "note": "Utbildningsdag",
        "translations": {"en": {"note": "Training day"}},
        "source": "staff",
        "created_at": datetime(2026, 11, 20, tzinfo=UTC),
    }
    values.update(overrides)
    closure = Closure(**values)
    db.session.add(closure)
    db.session.commit()
    return closure


def load_test_promises(path=None):
    """Replace the promises with the tests' own (tests/data/promise_test.toml)."""
    from pathlib import Path

    from webapp.models import Promise
    from webapp.promise.loading import load_promises
    from webapp.schedule.calendar_file import load_calendar_file

    path = path or Path(__file__).parent / "data" / "promise_test.toml"
    for row in db.session.scalars(select(Promise)):
        db.session.delete(row)
    db.session.flush()
    load_promises(db.session, load_calendar_file(path).promises)
    db.session.commit()


def make_entry(activity_key, promise_key="p2026", **overrides):
    """A staff entry for an activity: 1 done on 2 June 2026, no note."""
    from webapp.models import Promise, PromiseActivity, PromiseEntry

    activity = db.session.scalar(
        select(PromiseActivity)
        .join(Promise)
        .where(Promise.key == promise_key, PromiseActivity.key == activity_key)
    )
    values = {
        "activity_id": activity.id,
        "day": datetime(2026, 6, 2).date(),
        "value": 1,
        "note": "",
        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 1, tzinfo=UTC),
    }
    values.update(overrides)
    entry = PromiseEntry(**values)
    db.session.add(entry)
    db.session.commit()
    return entry


def make_feedback(slug="torget", **overrides):
    """One anonymous answer at a place on 2 November 2026: safety 4, reach 3."""
    from webapp.models import Feedback

    values = {
        "place_id": place(slug).id,
        "created_at": datetime(2026, 11, 2, 12, 0, tzinfo=UTC),
        "safety": 4,
        "reach_ease": 3,
        "met_police": "saw",
    }
    values.update(overrides)
    row = Feedback(**values)
    db.session.add(row)
    db.session.commit()
    return row
