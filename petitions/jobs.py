"""Jobs: idempotent sweeps that take ``now``; a missed run heals on the next one."""

from collections.abc import Callable
from datetime import datetime

from . import mail, operations

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


def run_job(name: str, now: datetime):
    """Run one sweep and commit its changes (the job edge commits once)."""
    from .extensions import db

    try:
        result = JOBS[name](now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result
