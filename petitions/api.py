"""Public, read-only JSON API under /api/v1/, described at /api/v1/openapi.json."""

from flask import Blueprint, abort, current_app, jsonify
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from . import clock, rules
from .extensions import db
from .models import Initiative, InitiativeState
from .openapi import openapi_document
from .public import confirmed_counts

bp = Blueprint("api", __name__)

PUBLIC_STATES = [
    s
    for s in InitiativeState
    if s not in (InitiativeState.draft, InitiativeState.submitted)
]


def initiative_json(initiative: Initiative, count: int, now) -> dict:
    """Return the public representation of an initiative."""
    timezone = current_app.config["TIMEZONE"]
    deadline = initiative.council_deadline

    def iso(day):
        return day.isoformat() if day else None

    return {
        "slug": initiative.slug,
        "register_number": initiative.register_number,
        "state": initiative.state.value,
        "titles": {t.language: t.title for t in initiative.texts},
        "threshold": initiative.threshold,
        "confirmed_count": count,
        "collection_starts_on": iso(initiative.collection_starts_on),
        "collection_ends_on": iso(initiative.collection_ends_on),
        "council_deadline": iso(deadline),
        "council_days_left": rules.days_left(deadline, now, timezone)
        if deadline
        else None,
    }


@bp.get("/api/v1/initiatives")
def initiatives():
    """List the public initiatives with their state and confirmed count."""
    rows = db.session.scalars(
        select(Initiative)
        .options(selectinload(Initiative.texts))
        .where(Initiative.state.in_(PUBLIC_STATES))
        .order_by(Initiative.id)
    ).all()
    counts = confirmed_counts([i.id for i in rows])
    now = clock.now()
    return jsonify(
        {"initiatives": [initiative_json(i, counts[i.id], now) for i in rows]}
    )


@bp.get("/api/v1/initiatives/<slug>")
def initiative(slug: str):
    """Return one public initiative."""
    row = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
    if row is None or row.state not in PUBLIC_STATES:
        abort(404)
    return jsonify(initiative_json(row, row.confirmed_count(), clock.now()))


@bp.get("/api/v1/openapi.json")
def openapi():
    """Return the OpenAPI description of this API."""
    return jsonify(openapi_document())


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database is reachable, 503 when it is not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})


@bp.errorhandler(404)
def _not_found(error):
    return jsonify({"error": "not_found"}), 404
