"""Each recipient's mail budget: the City's mail server floods nobody's mailbox.

Every mail the service queues, whatever sends it (signing, representatives, management
links, feedback, the secretariat's notices), spends from its recipient's budget for the
hour and for the day. Once either is spent, mails to that address are dropped, never
sent, and counted. The rows live in the database, so every web node and the scheduler
share them; they are keyed by a keyed hash of the address, never the address itself.
"""

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from petitions.extensions import db
from petitions.hashing import identity_key
from petitions.mail.rules import budget_expired_before, budget_windows
from petitions.models import MailBudget
from verification.identity import recipient_hash


def spend(recipient: str, now: datetime) -> bool:
    """Count one mail to ``recipient``; return False, and count it dropped, once spent."""
    key = recipient_hash(identity_key(), recipient)
    windows = [
        (_window_id(key, period, start), allowed)
        for period, start, allowed in budget_windows(now)
    ]
    taken = []
    for row_id, allowed in windows:
        # One statement that counts only while there is room: two web nodes sending
        # at once cannot both take the last mail (the row is locked by the update).
        if not _change(row_id, MailBudget.queued + 1, MailBudget.queued < allowed):
            break
        taken.append(row_id)
    if len(taken) == len(windows):
        return True
    for row_id in taken:  # give back what the spent window's mail had taken
        _change(row_id, MailBudget.queued - 1)
    for row_id, _allowed in windows:
        db.session.execute(
            update(MailBudget)
            .where(MailBudget.id == row_id)
            .values(dropped=MailBudget.dropped + 1)
            .execution_options(synchronize_session=False)
        )
    return False


def _change(row_id: int, queued, *conditions) -> bool:
    result = db.session.execute(
        update(MailBudget)
        .where(MailBudget.id == row_id, *conditions)
        .values(queued=queued)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _window_id(key: str, period: str, start: datetime) -> int:
    """Return the id of a recipient's budget row for a window, made if missing."""
    query = select(MailBudget.id).where(
        MailBudget.recipient_hash == key,
        MailBudget.period == period,
        MailBudget.starts_at == start,
    )
    row_id = db.session.scalar(query)
    if row_id is not None:
        return row_id
    row = MailBudget(
        recipient_hash=key, period=period, starts_at=start, queued=0, dropped=0
    )
    try:
        # A savepoint: another node may have made the same window's row meanwhile.
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return db.session.scalar(query)
    return row.id


def forget_mail_budgets(now: datetime) -> dict:
    """Delete the budget windows that are over; report the mails they dropped."""
    over = MailBudget.starts_at < budget_expired_before(now)
    dropped = db.session.scalar(
        select(func.coalesce(func.sum(MailBudget.dropped), 0)).where(
            over, MailBudget.period == "day"
        )
    )
    result = db.session.execute(delete(MailBudget).where(over))
    return {"forgotten": result.rowcount, "dropped": int(dropped)}
