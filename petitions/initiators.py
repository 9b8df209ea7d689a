"""Initiators' pages: drafts, representatives' confirmation, the management link."""

from flask import Blueprint, abort

bp = Blueprint("initiators", __name__)


@bp.get("/representatives/confirm/<token>")
def confirm_representative(token: str):
    """Show the one-button page by which a representative confirms their role."""
    abort(404)


@bp.get("/manage/<token>")
def manage(token: str):
    """Show the initiators' dashboard for the initiative of a management link."""
    abort(404)
