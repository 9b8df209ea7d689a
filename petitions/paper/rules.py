"""Pure decisions about paper signatures: the day a sheet was signed on."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from petitions import dates
from petitions.models import (
    Initiative,
)


class SignedOnRefused(Exception):
    """The date a sheet's row was signed on is impossible; ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def signed_at(day: date) -> datetime:
    """Return noon in the legal time zone on ``day``: when a paper row counts as signed."""
    zone = ZoneInfo(dates.zone())
    return datetime.combine(day, time(12), tzinfo=zone)


def check_signed_on(initiative: Initiative, day: date, now: datetime) -> None:
    """Raise SignedOnRefused unless ``day`` lies within the collection, and not ahead."""
    if day > dates.day_of(now):
        raise SignedOnRefused("future")
    if initiative.collection_starts_on and day < initiative.collection_starts_on:
        raise SignedOnRefused("before_collection")
    if initiative.collection_ends_on and day > initiative.collection_ends_on:
        raise SignedOnRefused("after_collection")
