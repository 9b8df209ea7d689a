"""The lifecycle's sweeps: closing, the threshold, council reminders and retention."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from petitions import dates
from petitions.extensions import db
from petitions.initiatives.rules import due_reminder, reminder_day
from petitions.initiators import operations as lifecycle
from petitions.jobs.registry import run_job
from petitions.mail.outbox import render_message
from petitions.models import (
    AuditEntry,
    InitiativeState,
    OutboxMessage,
    ReminderSent,
    Signature,
    SignatureState,
)
from petitions.models.signatures import PERSONAL_COLUMNS

from .support import body_text

S = InitiativeState


@pytest.fixture
def add_signatures(make_signature):
    """Return a function adding ``count`` signatures made now (the signing path has
    its own tests)."""

    def add(initiative, clock, count, state=SignatureState.confirmed):
        for _ in range(count):
            make_signature(initiative, state=state, at=clock.now)

    return add


def outbox(template):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == template)
    ).all()


def brussels(text):
    return datetime.fromisoformat(text).astimezone(UTC)


def test_collection_closes_after_its_last_brussels_day_below_the_threshold(
    app, make_initiative
):
    initiative = make_initiative(collection_ends_on=date(2027, 3, 31), threshold=5)
    run_job("close-ended-collections", brussels("2027-03-31T23:59:00+02:00"))
    assert initiative.state is S.collecting
    run_job("close-ended-collections", brussels("2027-04-01T00:00:00+02:00"))
    assert initiative.state is S.closed
    run_job("close-ended-collections", brussels("2027-04-02T00:00:00+02:00"))
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "closed")
        )
        == 1
    )


def test_an_initiative_at_its_threshold_is_not_closed_and_can_still_be_filed(
    app, make_initiative, clock, add_signatures
):
    initiative = make_initiative(
        collection_ends_on=date(2027, 3, 1), threshold=2, representatives=1
    )
    add_signatures(initiative, clock, 2)
    run_job("close-ended-collections", clock.now)
    assert initiative.state is S.collecting
    lifecycle.file_initiative(initiative, clock.now, "representative:1")
    assert initiative.state is S.filed


def test_the_threshold_notification_goes_once_to_representatives_and_secretariat(
    app, make_initiative, make_staff, clock, add_signatures
):
    make_staff("secretariat")
    make_staff("viewer")
    initiative = make_initiative(threshold=3, representatives=2)
    add_signatures(initiative, clock, 2)
    assert run_job("notify-threshold-reached", clock.now) == {"notified": 0}
    add_signatures(initiative, clock, 1, state=SignatureState.pending)
    assert run_job("notify-threshold-reached", clock.now) == {"notified": 0}
    add_signatures(initiative, clock, 3)
    assert run_job("notify-threshold-reached", clock.now) == {"notified": 1}
    assert run_job("notify-threshold-reached", clock.now) == {"notified": 0}
    recipients = sorted(m.recipient for m in outbox("threshold-reached"))
    assert len(recipients) == 3
    assert recipients[:2] == ["rep1@example.be", "rep2@example.be"]


@pytest.mark.parametrize(
    ("deadline", "offset", "day"),
    [
        (date(2028, 8, 31), "6m", date(2028, 2, 29)),
        (date(2028, 1, 31), "3m", date(2027, 10, 31)),
        (date(2028, 3, 31), "1m", date(2028, 2, 29)),
        (date(2028, 1, 10), "2w", date(2027, 12, 27)),
        (date(2028, 1, 1), "1d", date(2027, 12, 31)),
    ],
)
def test_reminder_days_count_back_from_the_deadline(deadline, offset, day):
    assert reminder_day(deadline, offset) == day


def test_only_the_latest_due_reminder_is_sent_and_weekly_once_overdue():
    offsets = ("6m", "3m", "1m", "2w", "1d")
    deadline = date(2028, 1, 31)
    assert due_reminder(deadline, date(2027, 7, 30), offsets) is None
    assert due_reminder(deadline, date(2027, 7, 31), offsets) == (
        "before-6m",
        date(2027, 7, 31),
    )
    assert due_reminder(deadline, date(2027, 12, 1), offsets) == (
        "before-3m",
        date(2027, 10, 31),
    )
    assert due_reminder(deadline, date(2028, 1, 31), offsets) == (
        "before-1d",
        date(2028, 1, 30),
    )
    assert due_reminder(deadline, date(2028, 2, 1), offsets) == (
        "overdue-week-0",
        date(2028, 2, 1),
    )
    assert due_reminder(deadline, date(2028, 2, 8), offsets) == (
        "overdue-week-1",
        date(2028, 2, 8),
    )


def test_council_reminders_go_once_to_secretariat_and_president(
    app, make_initiative, make_staff, clock
):
    make_staff("secretariat")
    make_staff("president")
    make_staff("viewer")
    initiative = make_initiative(state=S.filed, council_deadline=date(2027, 9, 10))
    moments = [
        "2027-03-09T12:00:00+01:00",
        "2027-03-10T12:00:00+01:00",
        "2027-03-10T18:00:00+01:00",
    ]
    results = [run_job("send-council-reminders", brussels(m)) for m in moments]
    assert results == [{"sent": 0}, {"sent": 1}, {"sent": 0}]
    assert len(outbox("council-reminder")) == 2
    kinds = db.session.scalars(select(ReminderSent.kind)).all()
    assert kinds == ["before-6m"]
    assert initiative.state is S.filed


def test_an_overdue_initiative_gets_a_reminder_every_week_until_decided(
    app, make_initiative, make_staff
):
    make_staff("secretariat")
    make_initiative(state=S.with_council, council_deadline=date(2027, 3, 10))
    for day in range(11, 26):
        run_job("send-council-reminders", brussels(f"2027-03-{day:02d}T09:00:00+01:00"))
    kinds = db.session.scalars(
        select(ReminderSent.kind).order_by(ReminderSent.id)
    ).all()
    assert kinds == ["overdue-week-0", "overdue-week-1", "overdue-week-2"]


def test_overdue_reminders_go_every_7_days_and_say_how_late_and_what_to_do(
    app, make_initiative, make_staff
):
    make_staff("secretariat")
    make_initiative(state=S.with_council, council_deadline=date(2027, 3, 10))
    for day in range(11, 26):
        run_job("send-council-reminders", brussels(f"2027-03-{day:02d}T09:00:00+01:00"))
    sent = db.session.scalars(
        select(ReminderSent.sent_at).order_by(ReminderSent.id)
    ).all()
    assert [dates.day_of(moment).day for moment in sent] == [11, 18, 25]
    second = outbox("council-reminder")[1]
    body = body_text(render_message(second, second.created_at))
    # In the staff member's language (French here).
    assert "L’échéance est dépassée depuis 8 jours." in body
    assert "À faire : le président inscrit l’initiative à l’ordre du jour" in body


def test_a_reminder_before_the_deadline_says_the_days_left_and_what_to_do(
    app, make_initiative, make_staff
):
    make_staff("secretariat")
    make_initiative(state=S.filed, council_deadline=date(2027, 9, 10))
    run_job("send-council-reminders", brussels("2027-03-10T12:00:00+01:00"))
    (message,) = outbox("council-reminder")
    body = body_text(render_message(message, message.created_at))
    assert "Il reste 184 jours." in body
    assert "À faire : vérifier les signatures auprès du registre de la population" in (
        body
    )


def test_no_reminder_for_a_decided_initiative(app, make_initiative, make_staff):
    make_staff("secretariat")
    make_initiative(state=S.decided, council_deadline=date(2027, 3, 10))
    assert run_job("send-council-reminders", brussels("2027-03-20T09:00:00+01:00")) == {
        "sent": 0
    }


@pytest.mark.parametrize(
    ("state", "changed", "kept_until"),
    [
        (S.decided, "2027-03-10T10:00:00+01:00", "2027-06-10T23:59:00+02:00"),
        (S.closed, "2027-03-10T10:00:00+01:00", "2027-04-10T23:59:00+02:00"),
        (S.withdrawn, "2027-01-31T10:00:00+01:00", "2027-02-28T23:59:00+01:00"),
        (S.inadmissible, "2027-03-10T10:00:00+01:00", "2027-04-10T23:59:00+02:00"),
        (S.insufficient, "2027-03-10T10:00:00+01:00", "2027-04-10T23:59:00+02:00"),
    ],
)
def test_personal_data_is_purged_after_its_retention_and_counts_stay(
    app,
    make_initiative,
    make_signature,
    clock,
    state,
    changed,
    kept_until,
    add_signatures,
):
    changed_at = brussels(changed)
    initiative = make_initiative(
        state=state,
        state_changed_at=changed_at,
        decided_at=changed_at if state is S.decided else None,
    )
    # Confirmed rows hold a code and its envelope only while a repeat waits, and a
    # notice time once one was confirmed; these do, so that the check below sees every
    # personal column emptied.
    for n in range(3):
        make_signature(
            initiative,
            code_hash=f"{n:064x}",
            envelope_code=b"envelope",
            repeat_notice_at=clock.now,
            client_network=f"{n:064x}",
            mail_domain="example.be",
        )
    add_signatures(initiative, clock, 2, state=SignatureState.pending)
    last_day = brussels(kept_until)
    assert run_job("purge-personal-data", last_day) == {"purged": 0}
    assert run_job("purge-personal-data", last_day + timedelta(minutes=1)) == {
        "purged": 1
    }
    rows = db.session.scalars(
        select(Signature).where(Signature.initiative_id == initiative.id)
    ).all()
    assert len(rows) == 3 and all(r.state is SignatureState.confirmed for r in rows)
    assert all(getattr(r, field) is None for r in rows for field in PERSONAL_COLUMNS)
    assert initiative.confirmed_count() == 3
    assert run_job("purge-personal-data", last_day + timedelta(days=1)) == {"purged": 0}
    assert (
        db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.seq.desc()))
        == "personal-data-purged"
    )


def test_initiatives_still_running_keep_their_data(
    app, make_initiative, clock, add_signatures
):
    for state in (S.collecting, S.filed, S.verified, S.with_council):
        initiative = make_initiative(state=state, state_changed_at=clock.now)
        add_signatures(initiative, clock, 1)
    assert run_job("purge-personal-data", clock.now + timedelta(days=800)) == {
        "purged": 0
    }
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Signature)
            .where(Signature.sealed.is_not(None))
        )
        == 4
    )
