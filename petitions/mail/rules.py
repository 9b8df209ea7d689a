"""Pure decisions about mail: the windows of a recipient's mail budget."""

from datetime import datetime, timedelta

from flask import current_app

# Each window's length, and the configuration key of the mails it allows.
PERIODS = {
    "hour": (timedelta(hours=1), "MAIL_PER_RECIPIENT_HOUR"),
    "day": (timedelta(days=1), "MAIL_PER_RECIPIENT_DAY"),
}


def budget_windows(now: datetime) -> list[tuple[str, datetime, int]]:
    """Return (period, start, mails allowed) of each budget window that ``now`` is in.

    Windows are fixed (the hour, the UTC day) so that every web node and the
    scheduler count in the same rows.
    """
    hour = now.replace(minute=0, second=0, microsecond=0)
    starts = {"hour": hour, "day": hour.replace(hour=0)}
    return [
        (period, starts[period], int(current_app.config[key]))
        for period, (_length, key) in PERIODS.items()
    ]


def budget_expired_before(now: datetime) -> datetime:
    """Return the start before which a budget window is over and can be forgotten."""
    longest = max(length for length, _key in PERIODS.values())
    return now - longest
