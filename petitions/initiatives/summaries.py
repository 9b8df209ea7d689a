"""What the pages show of an initiative's progress and of the council's clock."""

from urllib.parse import urlsplit

from petitions import dates
from petitions.initiatives.rules import AWAITING_COUNCIL, council_days_left, is_overdue
from petitions.models import Initiative
from petitions.web.languages import current_language


def council_status(initiative: Initiative, now) -> dict:
    """Return the council's clock of an initiative: filing, deadline, days left, overdue."""
    filed_at = initiative.filed_at
    return {
        "filed_at": filed_at,
        "filed_on": dates.day_of(filed_at) if filed_at else None,
        "council_deadline": initiative.council_deadline,
        "council_days_left": council_days_left(initiative, now),
        "overdue": is_overdue(initiative, now),
        "awaiting_council": initiative.state in AWAITING_COUNCIL,
        "minutes_url": web_link(initiative.minutes_url),
    }


def web_link(url: str | None) -> str | None:
    """Return ``url`` when it is an http(s) address, else None (never a script link)."""
    if url and urlsplit(url.strip()).scheme in ("http", "https"):
        return url.strip()
    return None


def initiative_summary(initiative: Initiative, count: int, now) -> dict:
    """Return what list and detail pages show of an initiative's progress."""
    timezone = dates.zone()
    ends = initiative.collection_ends_on
    return {
        "initiative": initiative,
        "text": initiative.text(current_language()),
        "count": count,
        "percent": min(100, round(100 * count / initiative.threshold))
        if initiative.threshold
        else 100,
        "days_left": dates.days_left(ends, now, timezone) if ends else None,
    }


def council_summary(initiative: Initiative, now) -> dict:
    """Return what the home page shows of an initiative before or after the vote."""
    return {
        "initiative": initiative,
        "text": initiative.text(current_language()),
        **council_status(initiative, now),
    }
