"""Start the scheduler process: ``python -m scheduler``."""

import contextlib
import logging
import signal

from petitions import create_app

from .runner import build_scheduler, new_holder, release_all


def _stop(signum, frame):
    raise KeyboardInterrupt


def main() -> None:
    """Create the app once and run the schedule until interrupted."""
    # create_app installs the log handler (LOG_LEVEL, LOG_FORMAT: petitions/logs.py).
    app = create_app()
    # A line per run every five seconds would bury the confirmation links and the errors.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    holder = new_holder()
    scheduler = build_scheduler(app, holder)
    logging.getLogger("scheduler").info(
        "scheduler running: %s", ", ".join(job.id for job in scheduler.get_jobs())
    )
    # SIGTERM (a service manager stopping us) ends like Ctrl+C: leases are released.
    signal.signal(signal.SIGTERM, _stop)
    try:
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()
    finally:
        # Let a sweep under way finish before its lease is given up: another process
        # must not start the same sweep while this one still runs it.
        if scheduler.running:
            scheduler.shutdown(wait=True)
        release_all(app, holder)


if __name__ == "__main__":
    main()
