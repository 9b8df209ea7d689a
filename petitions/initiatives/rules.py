"""Pure decisions about an initiative's life (DESIGN.md §2-§3): its periods and deadline,
the states that await the council, the election blackout, overdue and the days left,
the council reminders and how long personal data is kept. Each takes ``now`` or a day;
the configured numbers come from the app's config."""

from datetime import date, timedelta

from flask import current_app

from petitions import dates
from petitions.models import Initiative, InitiativeState

S = InitiativeState

# The City publishes every initiative in French and Dutch; a draft may start in either.
TEXT_LANGUAGES = ("fr", "nl")

ADMISSIBILITY_CHECKLIST = (
    "language",
    "municipal_competence",
    "general_interest",
    "fundamental_rights",
    "not_information_request",
    "not_recently_decided",
)
BEFORE_FILING = (S.draft, S.submitted, S.collecting)
AWAITING_COUNCIL = (S.filed, S.verified, S.with_council)
ENDED_WITHOUT_DECISION = (S.closed, S.withdrawn, S.inadmissible, S.insufficient)


def are_text_languages(languages) -> bool:
    """Say whether an initiative's texts are in French and/or Dutch (at least one)."""
    languages = set(languages)
    return bool(languages) and languages <= set(TEXT_LANGUAGES)


def collection_ends_on(opened_on: date) -> date:
    """Return the last day of signing for a collection opened on ``opened_on``."""
    return dates.add_months(opened_on, current_app.config["COLLECTION_MONTHS"])


def council_deadline(filed_on: date) -> date:
    """Return the last day for the council's vote on an initiative filed on ``filed_on``."""
    return dates.add_months(filed_on, current_app.config["COUNCIL_DEADLINE_MONTHS"])


def has_reached_threshold(initiative: Initiative, count: int) -> bool:
    """Say whether ``count`` signatures reach the initiative's threshold."""
    return count >= initiative.threshold


def signatures_needed(initiative: Initiative, count: int) -> int:
    """Return how many more confirmed signatures the threshold needs (0 once reached)."""
    return max(0, initiative.threshold - count)


def is_margin_thin(initiative: Initiative, count: int) -> bool:
    """Say whether ``count`` is too close above the threshold to file without a warning.

    The register check removes the signatures of people who do not count; an initiative
    left below its threshold ends as insufficient, for good.
    """
    percent = current_app.config["FILING_MARGIN_PERCENT"]
    return 100 * count < initiative.threshold * (100 + percent)


def in_blackout(now) -> bool:
    """Say whether submissions are paused before a configured election."""
    election = current_app.config["ELECTION_DATE"]
    if not election:
        return False
    election_day = date.fromisoformat(str(election))
    today = dates.day_of(now)
    starts = dates.add_months(election_day, -current_app.config["BLACKOUT_MONTHS"])
    return starts <= today <= election_day


def is_overdue(initiative: Initiative, now) -> bool:
    """Say whether the council's deadline passed without a recorded vote."""
    return (
        initiative.state in AWAITING_COUNCIL
        and initiative.council_deadline is not None
        and dates.day_of(now) > initiative.council_deadline
    )


def council_days_left(initiative: Initiative, now) -> int | None:
    """Return the legal days left for the council's vote (None when no clock runs)."""
    if initiative.state not in AWAITING_COUNCIL or initiative.council_deadline is None:
        return None
    return dates.days_left(initiative.council_deadline, now, dates.zone())


def reminder_day(deadline: date, offset: str) -> date:
    """Return the day a reminder ``offset`` ("6m", "2w", "1d") before ``deadline`` is due."""
    amount, unit = int(offset[:-1]), offset[-1]
    if unit == "m":
        return dates.add_months(deadline, -amount)
    if unit == "w":
        return deadline - timedelta(weeks=amount)
    if unit == "d":
        return deadline - timedelta(days=amount)
    raise ValueError(f"unknown reminder offset {offset!r}")


def due_reminder(deadline: date, today: date, offsets) -> tuple[str, date] | None:
    """Return the one reminder due today (kind, due day), or None.

    Before the deadline: the latest offset whose day has come (a sweep that missed an
    earlier reminder sends only the current one). After it: one per overdue week, the
    first the day after the deadline, then every 7 days exactly (days 1, 8, 15…).
    """
    if today > deadline:
        week = ((today - deadline).days - 1) // 7
        return f"overdue-week-{week}", deadline + timedelta(days=1 + 7 * week)
    due = [(reminder_day(deadline, o), o) for o in offsets]
    passed = [(day, o) for day, o in due if day <= today]
    if not passed:
        return None
    day, offset = max(passed)
    return f"before-{offset}", day


def retention_ends(initiative: Initiative) -> date | None:
    """Return the last day personal data of an initiative's signatures may be kept."""
    config = current_app.config
    if initiative.state is S.decided and initiative.decided_at:
        start = dates.day_of(initiative.decided_at)
        return dates.add_months(start, config["RETENTION_DECIDED_MONTHS"])
    if initiative.state in ENDED_WITHOUT_DECISION and initiative.state_changed_at:
        start = dates.day_of(initiative.state_changed_at)
        return dates.add_months(start, config["RETENTION_ENDED_MONTHS"])
    return None
