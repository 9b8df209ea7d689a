"""What the initiators' dashboard shows: the figures, the chart, and what comes next.

Each stage says what happens next and when; every day and figure comes from the rules
(initiatives/rules.py, initiators/rules.py), never from a template.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import format_date, format_number
from flask_babel import gettext as _

from petitions import dates
from petitions.initiatives import statistics
from petitions.initiatives.rules import (
    council_days_left,
    has_reached_threshold,
    is_margin_thin,
    is_overdue,
    retention_ends,
    signatures_needed,
)
from petitions.initiators.chart import bar_chart
from petitions.models import Initiative, InitiativeState


def progress(initiative: Initiative, now) -> dict:
    """Return the counts, the days left and what the initiators may do now."""
    confirmed = initiative.confirmed_count()
    threshold = initiative.threshold
    collecting = initiative.state is InitiativeState.collecting
    return {
        "confirmed": confirmed,
        "pending": statistics.pending_count(initiative),
        "percent": min(100, round(100 * confirmed / threshold)) if threshold else 100,
        "needed": signatures_needed(initiative, confirmed),
        "collection_days_left": dates.days_left(
            initiative.collection_ends_on, now, dates.zone()
        )
        if collecting and initiative.collection_ends_on
        else None,
        "council_days_left": council_days_left(initiative, now),
        "overdue": is_overdue(initiative, now),
        "can_file": collecting and has_reached_threshold(initiative, confirmed),
        "margin_thin": is_margin_thin(initiative, confirmed),
        **_next_dates(initiative),
    }


def _next_dates(initiative: Initiative) -> dict:
    """Return the days the next step depends on: representatives' links, retention."""
    pending = [r for r in initiative.representatives if r.confirmed_at is None]
    links_expire = None
    if initiative.state is InitiativeState.draft and pending:
        age = timedelta(seconds=int(current_app.config["REPRESENTATIVE_LINK_MAX_AGE"]))
        links_expire = initiative.created_at + age
    return {
        "pending_representatives": [r.name for r in pending],
        "links_expire": links_expire,
        "retention_ends": retention_ends(initiative),
        "council_months": current_app.config["COUNCIL_DEADLINE_MONTHS"],
    }


def chart(initiative: Initiative, now) -> dict:
    """Return the confirmed signatures per day and their bar chart (None without any)."""
    per_day = statistics.signatures_per_day(initiative, now)
    if not per_day:
        return {"per_day": [], "chart": None}
    drawing = bar_chart(
        [(format_date(day, "medium"), count) for day, count in per_day],
        title=_("Confirmed signatures per day"),
        description=_(
            "Bar chart from %(first)s to %(last)s, the highest day with %(most)s confirmed signatures. The same figures are in the table below.",
            first=format_date(per_day[0][0], "long"),
            last=format_date(per_day[-1][0], "long"),
            most=format_number(max(count for _day, count in per_day)),
        ),
        number=format_number,
        chart_id="per-day-chart",
    )
    return {"per_day": per_day, "chart": drawing}
