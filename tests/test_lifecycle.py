"""Transitions checked by the operations themselves: guards, dates, register numbers."""

from datetime import UTC, date, datetime

import pytest

from petitions.extensions import db
from petitions.initiatives import operations as initiative_operations
from petitions.initiatives import rules as initiative_rules
from petitions.initiatives.operations import TransitionRefused
from petitions.initiators import operations as initiator_operations
from petitions.models import InitiativeState

S = InitiativeState
ALL_PASS = {item: (True, "") for item in initiative_rules.ADMISSIBILITY_CHECKLIST}


def brussels(text):
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("filed", "deadline"),
    [
        ("2027-01-31T10:00:00+01:00", date(2028, 1, 31)),
        ("2028-02-29T10:00:00+01:00", date(2029, 2, 28)),
        # 00:30 in Brussels on the night clocks go back is still the 31 October.
        ("2027-10-31T00:30:00+02:00", date(2028, 10, 31)),
        ("2027-03-28T03:30:00+02:00", date(2028, 3, 28)),
        # 23:30 UTC on 31 March is 1 April in Brussels.
        ("2027-03-31T23:30:00+00:00", date(2028, 4, 1)),
    ],
)
def test_filing_sets_the_council_deadline_by_the_month_end_rule(
    app, make_initiative, filed, deadline
):
    initiative = make_initiative(threshold=0)
    initiator_operations.file_initiative(
        initiative, brussels(filed), "representative:1"
    )
    assert initiative.council_deadline == deadline
    assert initiative.state is S.filed


def test_register_numbers_are_chronological_and_restart_each_year(
    app, make_initiative, make_staff
):
    staff = make_staff("secretariat")
    numbers = []
    for moment in (
        "2027-12-31T22:00:00+01:00",
        "2027-12-31T23:30:00+01:00",
        "2028-01-01T00:30:00+01:00",
    ):
        initiative = make_initiative(state=S.submitted, representatives=1)
        initiative_operations.review_admissibility(
            initiative, staff, ALL_PASS, brussels(moment)
        )
        numbers.append(initiative.register_number)
    assert numbers == ["2027-001", "2027-002", "2028-001"]


def test_collection_opens_on_publication_for_the_configured_months(
    app, make_initiative, make_staff
):
    initiative = make_initiative(state=S.submitted, representatives=1)
    initiative_operations.review_admissibility(
        initiative, make_staff(), ALL_PASS, brussels("2027-08-31T09:00:00+02:00")
    )
    assert (initiative.collection_starts_on, initiative.collection_ends_on) == (
        date(2027, 8, 31),
        date(2028, 8, 31),
    )


def test_a_failed_checklist_item_needs_its_reason_and_changes_nothing_without(
    app, make_initiative, make_staff, clock
):
    initiative = make_initiative(state=S.submitted, representatives=1)
    checklist = {**ALL_PASS, "general_interest": (False, "  ")}
    with pytest.raises(TransitionRefused) as refused:
        initiative_operations.review_admissibility(
            initiative, make_staff(), checklist, clock.now
        )
    assert refused.value.code == "reason_missing"
    assert initiative.state is S.submitted


def test_an_initiative_is_published_only_in_both_languages(
    app, make_initiative, make_staff, clock
):
    initiative = make_initiative(state=S.submitted, representatives=1)
    initiative.texts = [t for t in initiative.texts if t.language == "fr"]
    db.session.commit()
    with pytest.raises(TransitionRefused) as refused:
        initiative_operations.review_admissibility(
            initiative, make_staff(), ALL_PASS, clock.now
        )
    assert refused.value.code == "translation_missing"


@pytest.mark.parametrize(
    ("today", "blocked"),
    [
        ("2030-07-12T12:00:00+02:00", False),
        ("2030-07-13T00:00:00+02:00", True),
        ("2030-10-13T23:00:00+02:00", True),
        ("2030-10-14T00:00:00+02:00", False),
    ],
)
def test_the_blackout_covers_the_months_before_the_election_day_included(
    app, today, blocked
):
    app.config.update(ELECTION_DATE="2030-10-13", BLACKOUT_MONTHS=3)
    assert initiative_rules.in_blackout(brussels(today)) is blocked


@pytest.mark.parametrize(
    ("state", "operation"),
    [
        (
            S.collecting,
            lambda i, s, now: initiative_operations.record_verification(
                i, s, 10, 0, now
            ),
        ),
        (
            S.filed,
            lambda i, s, now: initiator_operations.withdraw_initiative(
                i, now, "representative:1"
            ),
        ),
        (
            S.decided,
            lambda i, s, now: initiative_operations.set_agenda_date(
                i, s, date(2027, 4, 1), now
            ),
        ),
        (
            S.collecting,
            lambda i, s, now: initiative_operations.review_admissibility(
                i, s, ALL_PASS, now
            ),
        ),
        (
            S.draft,
            lambda i, s, now: initiator_operations.file_initiative(
                i, now, "representative:1"
            ),
        ),
    ],
)
def test_transitions_from_the_wrong_state_are_refused(
    app, make_initiative, make_staff, clock, state, operation
):
    initiative = make_initiative(state=state, representatives=1)
    with pytest.raises(TransitionRefused) as refused:
        operation(initiative, make_staff(), clock.now)
    assert refused.value.code == "wrong_state"
    assert initiative.state is state


def test_overdue_starts_the_day_after_the_deadline_and_ends_with_the_vote(
    app, make_initiative, make_staff
):
    initiative = make_initiative(
        state=S.with_council, council_deadline=date(2027, 3, 31)
    )
    assert not initiative_rules.is_overdue(
        initiative, brussels("2027-03-31T23:59:00+02:00")
    )
    assert (
        initiative_rules.council_days_left(
            initiative, brussels("2027-03-31T23:59:00+02:00")
        )
        == 1
    )
    assert initiative_rules.is_overdue(
        initiative, brussels("2027-04-01T00:00:00+02:00")
    )
    from petitions.models import Outcome

    initiative_operations.record_vote(
        initiative,
        make_staff("president"),
        date(2027, 4, 1),
        Outcome.adopted,
        "https://example.brussels/minutes",
        brussels("2027-04-02T10:00:00+02:00"),
    )
    assert not initiative_rules.is_overdue(
        initiative, brussels("2027-04-03T10:00:00+02:00")
    )
    assert initiative.state is S.decided
