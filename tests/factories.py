"""Plain factory functions with boring defaults; pass overrides for what a test cares about."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.conftest import NOW
from webapp.extensions import db
from webapp.feedback import service
from webapp.models import Closure, Feedback, Place, PresenceSlot

PASSWORD = "lagom lång lösenfras för test"
EMAILS = {
    "police": "polis@example.se",
    "municipality": "kommun@example.se",
    "admin": "admin@example.se",
}


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


def cli_create_user(app, email, role, password=PASSWORD):
    """`flask create-user EMAIL --role ROLE` with the password on standard input."""
    return app.test_cli_runner().invoke(
        args=["create-user", email, "--role", role], input=password + "\n"
    )


def make_user(app, role="police", email=None, password=PASSWORD):
    """An active account made with the real CLI; returns its email (EMAILS[role] by default).

    The hash uses the app's PASSWORD_HASH_PARAMS, which tests set cheap (tests/conftest.py).
    """
    email = email or EMAILS[role]
    result = cli_create_user(app, email, role, password)
    assert result.exit_code == 0, result.output
    return email


def make_poster(slug="torget", now=NOW):
    """A print run for a place with a fresh code, made as staff make one (audited)."""
    poster = service.create_poster(db.session, place(slug), now=now)
    db.session.commit()
    return poster


def make_feedback(**overrides):
    """A Swedish comment about Torget, no other answers, not from a poster."""
    values = {
        "place_id": place(overrides.pop("place", "torget")).id,
        "created_at": datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
        "lang": "sv",
        "comment": "Bra att ni syns.",
    }
    values.update(overrides)
    feedback = Feedback(**values)
    db.session.add(feedback)
    db.session.commit()
    return feedback


def load_test_promises(path=None):
    """Replace the promises with the tests' own (tests/data/promise_test.toml)."""
    from pathlib import Path

    from webapp.models import Municipality, Promise
    from webapp.schedule.calendar_file import load_calendar_file
    from webapp.schedule.promise_loading import load_promises

    path = path or Path(__file__).parent / "data" / "promise_test.toml"
    for row in db.session.scalars(select(Promise)):
        db.session.delete(row)
    db.session.flush()
    town = db.session.scalar(select(Municipality))
    load_promises(db.session, load_calendar_file(path).promises, municipality=town)
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


def make_answer(slug="torget", **overrides):
    """One anonymous answer (no comment) at a place on 2 November 2026: safety 4, reach 3."""
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


def offer_languages(*codes):
    """Make the data say which languages the site offers (as `languages = [...]` would)."""
    from webapp.models import Municipality

    town = db.session.scalar(select(Municipality))
    town.translations = {**(town.translations or {}), "languages": list(codes)}
    db.session.commit()


def translate(row, locale, **fields):
    """Give a data row (place, slot, closure, municipality) texts in another language."""
    texts = dict(row.translations or {})
    texts[locale] = {**texts.get(locale, {}), **fields}
    row.translations = texts
    db.session.commit()
    return row
