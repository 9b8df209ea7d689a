"""The app's clock: real time in production, a fixed or moving one in tests."""

from datetime import datetime

from flask import current_app


def now() -> datetime:
    """Return the current instant (aware, UTC) from the configured clock."""
    return current_app.config["CLOCK"]()
