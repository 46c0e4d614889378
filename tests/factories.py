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
