"""The declarative base, shared column types and the text-translation mixin.

Plain SQLAlchemy: the models import no Flask and read no clock, so the domain can use them
with any session. Flask-SQLAlchemy binds this metadata in webapp.extensions.
"""

from datetime import UTC

from sqlalchemy import Column, ForeignKey, MetaData
from sqlalchemy.orm import DeclarativeBase, declared_attr
from sqlalchemy.types import DateTime, TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Translatable:
    """Rows with Swedish text columns and a JSON `translations` {locale: {field: text}}."""

    def text(self, field: str, locale: str) -> str:
        other = (self.translations or {}).get(locale, {}).get(field)
        return other or getattr(self, field) or ""


class Owned:
    """A row of one municipality: its places, presence, posters, feedback and promise entries.

    Rows made without `municipality_id` get their place's (or their promise's) when flushed
    (webapp.models.scope), and a scoped session sees only its municipalities' rows.
    """

    @declared_attr
    def municipality_id(cls):
        return Column(ForeignKey("municipality.id"), nullable=False, index=True)
