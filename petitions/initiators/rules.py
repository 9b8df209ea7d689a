"""Pure decisions about a draft (DESIGN.md §3): how many representatives speak for it."""

from datetime import datetime, timedelta

from flask import current_app


def is_representatives_count(count: int) -> bool:
    """Say whether an initiative may have this many representatives (1 to 3)."""
    return 1 <= count <= current_app.config["MAX_REPRESENTATIVES"]


def representative_links_expired_before(now: datetime) -> datetime:
    """Return the instant before which a draft's confirmation links have all expired.

    The links are sent when the draft is started, so a draft started before it can no
    longer gain a representative.
    """
    return now - timedelta(
        seconds=int(current_app.config["REPRESENTATIVE_LINK_MAX_AGE"])
    )
