"""Legal days and periods: the one place that turns an instant into a Brussels day.

Every function but ``zone`` and ``day_of`` is pure and takes the zone, ``now`` or a
day; those two read the configured time zone (``TIMEZONE``) for everyone else.
"""

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def legal_day(instant: datetime, timezone: str) -> date:
    """Return the calendar day of an instant in the legal time zone."""
    return instant.astimezone(ZoneInfo(timezone)).date()


def add_months(start: date, months: int) -> date:
    """Return the same calendar day ``months`` later, clamped to the month's last day.

    The charter counts periods in months: filed 31 January with 12 months is due
    31 January next year; opened 31 August with 6 months closes on the last day of
    February (28 or 29), never spilling into March.
    """
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def end_of_day(day: date, timezone: str) -> datetime:
    """Return the last instant (exclusive bound) of a legal day, as an aware UTC datetime."""
    next_midnight = datetime.combine(
        day + timedelta(days=1), time(), ZoneInfo(timezone)
    )
    return next_midnight.astimezone(ZoneInfo("UTC"))


def days_left(last_day: date, now: datetime, timezone: str) -> int:
    """Return the legal days left until ``last_day`` included (0 after it)."""
    return max((last_day - legal_day(now, timezone)).days + 1, 0)


def zone() -> str:
    """Return the configured legal time zone (``TIMEZONE``, Europe/Brussels)."""
    return current_app.config["TIMEZONE"]


def day_of(instant: datetime) -> date:
    """Return the legal day of an instant (``now`` included) in the configured zone."""
    return legal_day(instant, zone())
