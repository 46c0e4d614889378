"""Plain factory functions with boring defaults; pass overrides for what a test cares about."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.test_staff_support import PASSWORD
from webapp.extensions import db
from webapp.feedback.codes import new_code
from webapp.models import Closure, Feedback, Place, Poster, PresenceSlot, User
from webapp.staff.passwords import hash_password


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


def make_user(**overrides):
    """An active police account; its password is PASSWORD unless `password=` says otherwise.

    The hash uses the app's PASSWORD_HASH_PARAMS, which tests set cheap (tests/conftest.py).
    """
    password = overrides.pop("password", PASSWORD)
    values = {
        "email": "polis@example.se",
        "password_hash": hash_password(password),
        "role": "police",
        "active": True,
        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
    }
    values.update(overrides)
    user = User(**values)
    db.session.add(user)
    db.session.commit()
    return user


def make_poster(**overrides):
    """A print run for Torget with a fresh code, made by nobody in particular."""
    values = {
        "code": new_code(),
        "place_id": place(overrides.pop("place", "torget")).id,
        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
    }
    values.update(overrides)
    poster = Poster(**values)
    db.session.add(poster)
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
