"""The public timeline: each public audit entry told in the reader's words."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date, format_number, format_time, ngettext
from flask_babel import gettext as _

from petitions import dates
from petitions.initiatives.labels import action_label, outcome_label
from petitions.models import (
    AuditEntry,
)


@dataclass
class TimelineItem:
    """One public audit entry as the timeline shows it."""

    entry: AuditEntry
    day: date
    label: str
    facts: list[str]
    reason: str


def _as_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _as_datetime(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def entry_facts(action: str, details: dict) -> list[str]:
    """Return the sentences that say what an audited action decided or set."""
    facts = []
    if details.get("register_number"):
        facts.append(
            _("Register number %(number)s.", number=details["register_number"])
        )
    if deadline := _as_date(details.get("council_deadline")):
        facts.append(
            _("The council must vote by %(date)s.", date=format_date(deadline, "long"))
        )
    if "valid" in details and "invalid" in details:
        facts.append(
            _(
                "Valid signatures: %(valid)s. Invalid signatures: %(invalid)s.",
                valid=format_number(details["valid"]),
                invalid=format_number(details["invalid"]),
            )
        )
    if action == "closed" and "confirmed" in details:
        facts.append(
            _(
                "Confirmed signatures: %(num)s.",
                num=format_number(details["confirmed"]),
            )
        )
    if starts_at := _as_datetime(details.get("starts_at")):
        facts.append(
            _(
                "Meeting on %(date)s at %(time)s, %(place)s.",
                date=format_date(starts_at, "long"),
                time=format_time(starts_at, "short"),
                place=details.get("place", ""),
            )
        )
    if agenda := _as_date(details.get("agenda_date")):
        facts.append(
            _("On the council's agenda of %(date)s.", date=format_date(agenda, "long"))
        )
    if details.get("outcome"):
        facts.append(
            _("Outcome: %(outcome)s.", outcome=outcome_label(details["outcome"]))
        )
    if action == "signatures-invalidated" and "invalidated" in details:
        facts.append(
            ngettext(
                "%(num)s signature invalidated by the secretariat.",
                "%(num)s signatures invalidated by the secretariat.",
                details["invalidated"],
            )
        )
    if vote := _as_date(details.get("vote_date")):
        facts.append(_("Vote of %(date)s.", date=format_date(vote, "long")))
    return facts


def timeline_item(entry: AuditEntry) -> TimelineItem:
    """Return how the public timeline shows an audit entry."""
    return TimelineItem(
        entry=entry,
        day=dates.day_of(entry.at),
        label=action_label(entry.action),
        facts=entry_facts(entry.action, entry.details or {}),
        reason=entry.reason or "",
    )
