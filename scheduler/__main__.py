"""Start the scheduler process: ``python -m scheduler``."""

import contextlib
import logging

from petitions import create_app

from .runner import build_scheduler


def main() -> None:
    """Create the app once and run the schedule until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # A line per run every five seconds would bury the confirmation links and the errors.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app = create_app()
    scheduler = build_scheduler(app)
    logging.getLogger("scheduler").info(
        "scheduler running: %s", ", ".join(job.id for job in scheduler.get_jobs())
    )
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()


if __name__ == "__main__":
    main()
