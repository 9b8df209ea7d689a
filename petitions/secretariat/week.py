"""The dashboard's "this week": what is late or comes due soon, the staff's own work
apart from what waits for the council."""

from dataclasses import dataclass, field
from datetime import date

from petitions import dates
from petitions.initiatives.rules import (
    AWAITING_COUNCIL,
    TEXT_LANGUAGES,
    council_days_left,
    is_overdue,
)
from petitions.models import Initiative, InitiativeState

S = InitiativeState

# How far ahead the week looks: council deadlines in two bands, collections ending.
SOON, LATER = 14, 30


@dataclass
class Week:
    """The lists of the "this week" view, each of initiatives with the figure it shows."""

    overdue: list[tuple[Initiative, int]] = field(default_factory=list)
    review: list[tuple[Initiative, int]] = field(default_factory=list)
    translations: list[tuple[Initiative, list[str]]] = field(default_factory=list)
    register_check: list[tuple[Initiative, int]] = field(default_factory=list)
    deadline_soon: list[tuple[Initiative, int]] = field(default_factory=list)
    deadline_later: list[tuple[Initiative, int]] = field(default_factory=list)
    collections_ending: list[tuple[Initiative, int]] = field(default_factory=list)
    # The bands, so that the page names the figures the lists were cut at.
    soon: int = SOON
    later: int = LATER

    @property
    def yours(self) -> int:
        """Return how many items wait for the staff's own action."""
        return len(self.review) + len(self.translations) + len(self.register_check)


def _days_since(moment, today: date) -> int:
    return (today - dates.day_of(moment)).days if moment is not None else 0


def _file(week: Week, initiative: Initiative, now, today: date) -> None:
    if is_overdue(initiative, now):
        late = (today - initiative.council_deadline).days
        week.overdue.append((initiative, late))
    elif initiative.state in AWAITING_COUNCIL and initiative.council_deadline:
        left = council_days_left(initiative, now)
        if left <= SOON:
            week.deadline_soon.append((initiative, left))
        elif left <= LATER:
            week.deadline_later.append((initiative, left))
    if initiative.state is S.submitted:
        week.review.append((initiative, _days_since(initiative.submitted_at, today)))
    if initiative.state in (S.draft, S.submitted):
        have = {text.language for text in initiative.texts}
        missing = [code for code in TEXT_LANGUAGES if code not in have]
        if missing:
            week.translations.append((initiative, missing))
    if initiative.state is S.filed:
        week.register_check.append(
            (initiative, _days_since(initiative.filed_at, today))
        )
    if initiative.state is S.collecting and initiative.collection_ends_on:
        left = dates.days_left(initiative.collection_ends_on, now, dates.zone())
        if left <= SOON:
            week.collections_ending.append((initiative, left))


def this_week(initiatives: list[Initiative], now) -> Week:
    """Sort the initiatives into the week's lists: latest first, longest waiting first."""
    week, today = Week(), dates.day_of(now)
    for initiative in initiatives:
        _file(week, initiative, now, today)
    week.overdue.sort(key=lambda item: -item[1])
    week.review.sort(key=lambda item: -item[1])
    week.register_check.sort(key=lambda item: -item[1])
    for rows in (week.deadline_soon, week.deadline_later, week.collections_ending):
        rows.sort(key=lambda item: item[1])
    return week
