"""Jobs: idempotent sweeps that take ``now``; a missed run heals on the next one.

Each job id (kebab-case, as in the schedule table ``petitions/jobs/schedule.py``) names the
domain function that does the sweep and returns what it did, for the log and the CLI.
"""

from collections.abc import Callable
from datetime import datetime

from petitions.database import checkpoint
from petitions.extensions import db
from petitions.initiatives.count_log import publish_count_log
from petitions.initiatives.sweeps import (
    close_ended_collections,
    notify_threshold_reached,
    purge_personal_data,
    send_council_reminders,
)
from petitions.initiators.operations import purge_unconfirmed_drafts
from petitions.mail.budget import forget_mail_budgets
from petitions.mail.outbox import deliver_outbox, prune_mail_files
from petitions.signing.operations import expire_pending_signatures

JOBS: dict[str, Callable[[datetime], dict]] = {
    "deliver-outbox": deliver_outbox,
    "expire-pending-signatures": expire_pending_signatures,
    "close-ended-collections": close_ended_collections,
    "notify-threshold-reached": notify_threshold_reached,
    "send-council-reminders": send_council_reminders,
    "purge-personal-data": purge_personal_data,
    "publish-count-log": publish_count_log,
    "prune-mail-files": prune_mail_files,
    "forget-mail-budgets": forget_mail_budgets,
    "purge-unconfirmed-drafts": purge_unconfirmed_drafts,
}

# The jobs that erase personal data, and the figures of their result that say they
# erased some: then SQLite's write-ahead log is emptied, or it would keep the erased
# pages (petitions/database.py).
ERASING_JOBS: dict[str, tuple[str, ...]] = {
    "deliver-outbox": ("sent",),
    "expire-pending-signatures": ("deleted",),
    "purge-personal-data": ("purged",),
    "purge-unconfirmed-drafts": ("drafts", "representatives"),
}


def run_job(name: str, now: datetime) -> dict:
    """Run one sweep and commit its changes (the job edge commits once)."""
    try:
        result = JOBS[name](now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if any(result.get(figure) for figure in ERASING_JOBS.get(name, ())):
        # The commit gave the session's connection back: no transaction holds the log.
        checkpoint(db.engine)
    return result
