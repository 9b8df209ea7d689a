"""Public, read-only JSON API under /api/v1/, described at /api/v1/openapi.json."""

from flask import Blueprint, abort, jsonify
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from petitions import clock
from petitions.api.openapi import openapi_document
from petitions.extensions import db
from petitions.initiatives import audit
from petitions.initiatives.count_log import entries, entry_json
from petitions.initiatives.queries import PUBLIC_STATES, confirmed_counts
from petitions.initiatives.rules import council_days_left, is_overdue
from petitions.models import AuditEntry, Initiative

bp = Blueprint("api", __name__)


def _iso(value):
    return value.isoformat() if value else None


def initiative_json(initiative: Initiative, count: int, now) -> dict:
    """Return the public representation of an initiative, with the council's clock."""
    return {
        "slug": initiative.slug,
        "register_number": initiative.register_number,
        "state": initiative.state.value,
        "titles": {t.language: t.title for t in initiative.texts},
        "threshold": initiative.threshold,
        "confirmed_count": count,
        "collection_starts_on": _iso(initiative.collection_starts_on),
        "collection_ends_on": _iso(initiative.collection_ends_on),
        "filed_at": _iso(initiative.filed_at),
        "council_deadline": _iso(initiative.council_deadline),
        "council_days_left": council_days_left(initiative, now),
        "overdue": is_overdue(initiative, now),
        "outcome": initiative.outcome.value if initiative.outcome else None,
        "vote_date": _iso(initiative.vote_date),
        "minutes_url": initiative.minutes_url,
    }


def timeline_json(entry: AuditEntry) -> dict:
    """Return one public audit entry of an initiative's timeline."""
    return {
        "at": entry.at.isoformat(),
        "action": entry.action,
        "reason": entry.reason or "",
        "details": entry.details or {},
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
    """Return one public initiative with its public timeline."""
    row = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
    if row is None or row.state not in PUBLIC_STATES:
        abort(404)
    body = initiative_json(row, row.confirmed_count(), clock.now())
    body["timeline"] = [timeline_json(e) for e in audit.timeline(row)]
    return jsonify(body)


@bp.get("/api/v1/initiatives/<slug>/log")
def count_log_entries(slug: str):
    """Return the public, hash-chained daily count log of an initiative."""
    row = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
    if row is None or row.state not in PUBLIC_STATES:
        abort(404)
    return jsonify(
        {
            "initiative": row.slug,
            "entries": [entry_json(row.slug, e) for e in entries(row)],
        }
    )


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
