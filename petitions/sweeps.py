"""The lifecycle's sweeps: idempotent, taking ``now``, safe to run twice or late."""

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from . import audit, mail, rules
from .extensions import db
from .lifecycle import AWAITING_COUNCIL, ENDED_WITHOUT_DECISION, staff_with
from .models import (
    Initiative,
    InitiativeState,
    OutboxMessage,
    ReminderSent,
    Signature,
    SignatureState,
    StaffRole,
)

S = InitiativeState
SYSTEM = "system"


def _today(now: datetime) -> date:
    return rules.legal_day(now, current_app.config["TIMEZONE"])


def close_ended_collections(now: datetime) -> dict:
    """Close every collecting initiative whose period ended below the threshold.

    A period ends at the end of its last legal day; an initiative that reached its
    threshold stays open for filing (no one can sign any more: the date decides).
    """
    today = _today(now)
    ended = db.session.scalars(
        select(Initiative).where(
            Initiative.state == S.collecting, Initiative.collection_ends_on < today
        )
    ).all()
    closed = 0
    for initiative in ended:
        if initiative.confirmed_count() >= initiative.threshold:
            continue
        initiative.state = S.closed
        initiative.state_changed_at = now
        audit.record(
            SYSTEM,
            "closed",
            now,
            initiative,
            public=True,
            confirmed=initiative.confirmed_count(),
        )
        closed += 1
    return {"closed": closed}


def notify_threshold_reached(now: datetime) -> dict:
    """Tell the representatives and the secretariat, once, that the threshold is reached."""
    candidates = db.session.scalars(
        select(Initiative).where(
            Initiative.state == S.collecting, Initiative.threshold_notified_at.is_(None)
        )
    ).all()
    notified = 0
    for initiative in candidates:
        if initiative.confirmed_count() < initiative.threshold:
            continue
        # Claim the notification with a conditional update: of two sweeps running at
        # once, only the one that changes the row sends the mails.
        claimed = db.session.execute(
            update(Initiative)
            .where(
                Initiative.id == initiative.id,
                Initiative.threshold_notified_at.is_(None),
            )
            .values(threshold_notified_at=now)
        ).rowcount
        if not claimed:
            continue
        for representative in initiative.representatives:
            mail.enqueue(
                "threshold-reached",
                representative.language,
                representative.email,
                now,
                initiative_id=initiative.id,
                representative_id=representative.id,
            )
        for staff in staff_with(StaffRole.secretariat):
            mail.enqueue(
                "threshold-reached",
                "fr",
                staff.email,
                now,
                initiative_id=initiative.id,
                staff=True,
            )
        audit.record(SYSTEM, "threshold-reached", now, initiative, public=True)
        notified += 1
    return {"notified": notified}


def reminder_day(deadline: date, offset: str) -> date:
    """Return the day a reminder ``offset`` ("6m", "2w", "1d") before ``deadline`` is due."""
    amount, unit = int(offset[:-1]), offset[-1]
    if unit == "m":
        return rules.add_months(deadline, -amount)
    if unit == "w":
        return deadline - timedelta(weeks=amount)
    if unit == "d":
        return deadline - timedelta(days=amount)
    raise ValueError(f"unknown reminder offset {offset!r}")


def due_reminder(deadline: date, today: date, offsets) -> tuple[str, date] | None:
    """Return the one reminder due today (kind, due day), or None.

    Before the deadline: the latest offset whose day has come (a sweep that missed an
    earlier reminder sends only the current one). After it: one per overdue week.
    """
    if today > deadline:
        week = (today - deadline).days // 7
        return f"overdue-week-{week}", deadline + timedelta(days=1 + 7 * week)
    due = [(reminder_day(deadline, o), o) for o in offsets]
    passed = [(day, o) for day, o in due if day <= today]
    if not passed:
        return None
    day, offset = max(passed)
    return f"before-{offset}", day


def send_council_reminders(now: datetime) -> dict:
    """Remind the secretariat and the president of each council deadline, each once."""
    today = _today(now)
    offsets = current_app.config["COUNCIL_REMINDER_OFFSETS"]
    waiting = db.session.scalars(
        select(Initiative).where(
            Initiative.state.in_(AWAITING_COUNCIL),
            Initiative.council_deadline.is_not(None),
        )
    ).all()
    sent = 0
    recipients = staff_with(StaffRole.secretariat, StaffRole.president)
    for initiative in waiting:
        due = due_reminder(initiative.council_deadline, today, offsets)
        if due is None:
            continue
        kind, due_on = due
        try:
            # The unique key (initiative, kind) is what makes a reminder go once, even
            # when two sweeps run at the same moment.
            with db.session.begin_nested():
                db.session.add(
                    ReminderSent(
                        initiative_id=initiative.id,
                        kind=kind,
                        due_on=due_on,
                        sent_at=now,
                    )
                )
        except IntegrityError:
            continue
        for staff in recipients:
            mail.enqueue(
                "council-reminder",
                "fr",
                staff.email,
                now,
                initiative_id=initiative.id,
                kind=kind,
                deadline=initiative.council_deadline.isoformat(),
            )
        sent += 1
    return {"sent": sent}


def retention_ends(initiative: Initiative) -> date | None:
    """Return the last day personal data of an initiative's signatures may be kept."""
    config = current_app.config
    timezone = config["TIMEZONE"]
    if initiative.state is S.decided and initiative.decided_at:
        start = rules.legal_day(initiative.decided_at, timezone)
        return rules.add_months(start, config["RETENTION_DECIDED_MONTHS"])
    if initiative.state in ENDED_WITHOUT_DECISION and initiative.state_changed_at:
        start = rules.legal_day(initiative.state_changed_at, timezone)
        return rules.add_months(start, config["RETENTION_ENDED_MONTHS"])
    return None


# What a signature holds about its signatory: emptied at the end of retention. The
# commitment (the receipt's leaf) stays: it reveals nothing without the receipt code.
PERSONAL_FIELDS = dict.fromkeys(
    (
        "identity_hash",
        "email_hash",
        "code_hash",
        "sealed",
        "sealing_key_id",
        "envelope_identity",
        "envelope_code",
        "envelope_receipt",
    )
)


def purge_personal_data(now: datetime) -> dict:
    """Empty the personal fields of every signature whose retention period has ended.

    Counts stay (the rows keep their state and dates), as do the audit entries; pending
    signatures, which never counted, go entirely.
    """
    today = _today(now)
    candidates = db.session.scalars(
        select(Initiative).where(
            Initiative.purged_at.is_(None),
            Initiative.state.in_((S.decided, *ENDED_WITHOUT_DECISION)),
        )
    ).all()
    purged = 0
    for initiative in candidates:
        last_day = retention_ends(initiative)
        if last_day is None or today <= last_day:
            continue
        signature_ids = select(Signature.id).where(
            Signature.initiative_id == initiative.id
        )
        db.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.signature_id.in_(signature_ids),
                OutboxMessage.sent_at.is_(None),
            )
        )
        db.session.execute(
            delete(Signature).where(
                Signature.initiative_id == initiative.id,
                Signature.state == SignatureState.pending,
            )
        )
        db.session.execute(
            update(Signature)
            .where(Signature.initiative_id == initiative.id)
            .values(**PERSONAL_FIELDS)
        )
        initiative.purged_at = now
        count = db.session.scalar(
            select(func.count(Signature.id)).where(
                Signature.initiative_id == initiative.id
            )
        )
        audit.record(SYSTEM, "personal-data-purged", now, initiative, signatures=count)
        purged += 1
    return {"purged": purged}
