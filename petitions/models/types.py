"""Database models: initiatives, their texts, signatures, the street register, the outbox."""

from datetime import UTC, datetime

from sqlalchemy.types import DateTime, TypeDecorator

from petitions.extensions import db


def utcnow() -> datetime:
    """Return the current instant, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An instant stored in UTC and always read back as an aware datetime.

    SQLite keeps no time zone; PostgreSQL's ``timestamptz`` does. Normalising here keeps
    comparisons with an aware ``now`` exact on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(cls):
    return db.Enum(
        cls,
        native_enum=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )
