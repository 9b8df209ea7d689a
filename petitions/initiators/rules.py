"""Pure decisions about a draft (DESIGN.md §3): how many representatives speak for it."""

from flask import current_app


def is_representatives_count(count: int) -> bool:
    """Say whether an initiative may have this many representatives (1 to 3)."""
    return 1 <= count <= current_app.config["MAX_REPRESENTATIVES"]
