"""Receipts: a signatory checks, with their receipt code, that their signature counts."""

from flask import Blueprint, abort

bp = Blueprint("receipts", __name__)


@bp.route("/initiatives/<slug>/receipt", methods=["GET", "POST"])
def receipt(slug: str):
    """Check a receipt code: counted, found valid, its inclusion proof; withdraw."""
    abort(404)
