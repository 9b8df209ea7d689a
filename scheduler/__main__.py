"""Start the scheduler process: ``python -m scheduler``."""

import contextlib
import logging

from petitions import create_app

from .runner import build_scheduler


def main() -> None:
    """Create the app once and run the schedule until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app()
    scheduler = build_scheduler(app)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()


if __name__ == "__main__":
    main()
