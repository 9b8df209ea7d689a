"""Run the schedule table's sweeps in an app context, each at its interval."""

import logging
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from petitions.jobs import run_job

from .schedule import SCHEDULE

logger = logging.getLogger(__name__)


def run_once(app, name: str) -> None:
    """Run one sweep at the app clock's now; log a failure and keep the scheduler alive."""
    with app.app_context():
        now = app.config["CLOCK"]()
        try:
            result = run_job(name, now)
        except Exception:
            logger.exception("job %s failed", name)
            return
        logger.debug("job %s: %s", name, result)


def build_scheduler(app, scheduler_class=BlockingScheduler):
    """Return a scheduler with every job of the table (not started)."""
    scheduler = scheduler_class(timezone=app.config["TIMEZONE"])
    for name, seconds in SCHEDULE.items():
        scheduler.add_job(
            run_once,
            IntervalTrigger(seconds=seconds),
            args=(app, name),
            id=name,
            max_instances=1,
            coalesce=True,
            # First run at start-up, then at the interval.
            next_run_time=datetime.now(scheduler.timezone),
        )
    return scheduler
