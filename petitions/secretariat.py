"""The council secretariat's pages (staff accounts, every page checks the role)."""

from flask import Blueprint, abort

bp = Blueprint("secretariat", __name__, url_prefix="/secretariat")


@bp.get("/initiatives/<slug>")
def initiative(slug: str):
    """Show an initiative with the actions the staff member's role allows."""
    abort(404)
