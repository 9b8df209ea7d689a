"""The lifecycle's sweeps: idempotent, taking ``now``, safe to run twice or late."""

from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from petitions import dates
from petitions.extensions import db
from petitions.initiatives import audit
from petitions.initiatives.rules import (
    AWAITING_COUNCIL,
    ENDED_WITHOUT_DECISION,
    due_reminder,
    has_reached_threshold,
    retention_ends,
)
from petitions.mail.recipients import mail_representatives, mail_staff
from petitions.models import (
    Initiative,
    InitiativeState,
    OutboxMessage,
    ReminderSent,
    Signature,
    SignatureState,
    StaffRole,
)
from petitions.models.signatures import erased_personal_columns

S = InitiativeState

SYSTEM = "system"


def close_ended_collections(now: datetime) -> dict:
    """Close every collecting initiative whose period ended below the threshold.

    A period ends at the end of its last legal day; an initiative that reached its
    threshold stays open for filing (no one can sign any more: the date decides).
    """
    today = dates.day_of(now)
    ended = db.session.scalars(
        select(Initiative).where(
            Initiative.state == S.collecting, Initiative.collection_ends_on < today
        )
    ).all()
    closed = 0
    for initiative in ended:
        if has_reached_threshold(initiative, initiative.confirmed_count()):
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
        if not has_reached_threshold(initiative, initiative.confirmed_count()):
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
        mail_representatives(initiative, "threshold-reached", now)
        mail_staff(
            (StaffRole.secretariat,),
            "threshold-reached",
            now,
            initiative_id=initiative.id,
            staff=True,
        )
        audit.record(SYSTEM, "threshold-reached", now, initiative, public=True)
        notified += 1
    return {"notified": notified}


def send_council_reminders(now: datetime) -> dict:
    """Remind the secretariat and the president of each council deadline, each once."""
    today = dates.day_of(now)
    offsets = current_app.config["COUNCIL_REMINDER_OFFSETS"]
    waiting = db.session.scalars(
        select(Initiative).where(
            Initiative.state.in_(AWAITING_COUNCIL),
            Initiative.council_deadline.is_not(None),
        )
    ).all()
    sent = 0
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
        mail_staff(
            (StaffRole.secretariat, StaffRole.president),
            "council-reminder",
            now,
            initiative_id=initiative.id,
            kind=kind,
            deadline=initiative.council_deadline.isoformat(),
            # Negative once the deadline has passed: the days late.
            days_left=(initiative.council_deadline - today).days,
            register_check=initiative.state is S.filed,
        )
        sent += 1
    return {"sent": sent}


def purge_personal_data(now: datetime) -> dict:
    """Empty the personal fields of every signature whose retention period has ended.

    Counts stay (the rows keep their state and dates), as do the audit entries; pending
    signatures, which never counted, go entirely.
    """
    today = dates.day_of(now)
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
            .values(**erased_personal_columns())
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
