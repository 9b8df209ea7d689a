"""Run the schedule table's sweeps in an app context, each at its interval, under a lease."""

import logging
import os
import secrets
import socket
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from petitions.extensions import db
from petitions.jobs.leases import acquire_lease, release_lease
from petitions.jobs.registry import run_job
from petitions.jobs.schedule import SCHEDULE, intervals
from petitions.models import JobRun

logger = logging.getLogger(__name__)


def new_holder() -> str:
    """Return a name for this scheduler process, unique across hosts and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def run_once(app, name: str, holder: str) -> bool:
    """Run one sweep if this process holds its lease; say whether it ran.

    A failure is logged and the scheduler goes on: the next run heals a missed one.
    """
    with app.app_context():
        now = app.config["CLOCK"]()
        if not acquire_lease(name, holder, now, app.config["JOB_LEASE_SECONDS"]):
            db.session.commit()
            return False
        run = JobRun(name=name, holder=holder, started_at=now)
        db.session.add(run)
        db.session.commit()
        try:
            result = run_job(name, now)
        except Exception:
            logger.exception("job %s failed", name)
            result = "failed"
        run = db.session.get(JobRun, run.id)
        run.finished_at = app.config["CLOCK"]()
        run.result = str(result)[:200]
        db.session.commit()
        return True


def release_all(app, holder: str) -> None:
    """Release every lease of this process (called when it stops)."""
    with app.app_context():
        for name in SCHEDULE:
            release_lease(name, holder)
        db.session.commit()


def build_scheduler(app, holder: str, scheduler_class=BlockingScheduler):
    """Return a scheduler with every job of the table (not started)."""
    scheduler = scheduler_class(timezone=app.config["TIMEZONE"])
    for name, seconds in intervals(app.config).items():
        scheduler.add_job(
            run_once,
            IntervalTrigger(seconds=seconds),
            args=(app, name, holder),
            id=name,
            max_instances=1,
            coalesce=True,
            # First run at start-up, then at the interval.
            next_run_time=datetime.now(scheduler.timezone),
        )
    return scheduler
