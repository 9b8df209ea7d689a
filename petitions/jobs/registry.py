"""Jobs: idempotent sweeps that take ``now``; a missed run heals on the next one."""

from collections.abc import Callable
from datetime import datetime

from petitions.extensions import db
from petitions.initiatives import count_log, sweeps
from petitions.mail import outbox as mail
from petitions.signing import operations

JOBS: dict[str, Callable[[datetime], object]] = {}


def job(name: str):
    """Register a sweep under its kebab-case id."""

    def register(function):
        JOBS[name] = function
        return function

    return register


@job("deliver-outbox")
def deliver_outbox(now: datetime):
    """Send every due mail of the outbox."""
    return mail.deliver_outbox(now)


@job("expire-pending-signatures")
def expire_pending_signatures(now: datetime):
    """Delete signatures left unconfirmed past the pending period, with their data."""
    return {"deleted": operations.expire_pending_signatures(now)}


@job("close-ended-collections")
def close_ended_collections(now: datetime):
    """Close the initiatives whose collection period ended below the threshold."""
    return sweeps.close_ended_collections(now)


@job("notify-threshold-reached")
def notify_threshold_reached(now: datetime):
    """Tell representatives and the secretariat once that the threshold is reached."""
    return sweeps.notify_threshold_reached(now)


@job("send-council-reminders")
def send_council_reminders(now: datetime):
    """Remind the secretariat and the president of council deadlines, each once."""
    return sweeps.send_council_reminders(now)


@job("purge-personal-data")
def purge_personal_data(now: datetime):
    """Empty the personal data of signatures past their retention period."""
    return sweeps.purge_personal_data(now)


@job("publish-count-log")
def publish_count_log(now: datetime):
    """Publish each collecting initiative's count and Merkle root once per Brussels day."""
    return count_log.publish_count_log(now)


def run_job(name: str, now: datetime):
    """Run one sweep and commit its changes (the job edge commits once)."""
    try:
        result = JOBS[name](now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result
