"""Public pages: the list of initiatives and an initiative with its sign form."""

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from petitions import clock
from petitions.extensions import db
from petitions.initiatives.labels import outcome_label
from petitions.initiatives.queries import confirmed_counts, get_initiative_or_404
from petitions.initiatives.rules import AWAITING_COUNCIL
from petitions.initiatives.summaries import council_summary, initiative_summary
from petitions.models import Initiative, InitiativeState
from petitions.signing.page import render_initiative

bp = Blueprint("public", __name__)

S = InitiativeState

RECENTLY_DECIDED = 10


def _initiatives(*conditions, order_by, limit=None) -> list[Initiative]:
    query = (
        select(Initiative)
        .options(selectinload(Initiative.texts))
        .where(*conditions)
        .order_by(*order_by)
        .limit(limit)
    )
    return list(db.session.scalars(query))


@bp.get("/")
def index():
    """List the initiatives open for signing, awaiting the council, recently decided."""
    now = clock.now()
    collecting = _initiatives(
        Initiative.state == S.collecting,
        order_by=(Initiative.collection_ends_on, Initiative.id),
    )
    counts = confirmed_counts([i.id for i in collecting])
    awaiting = _initiatives(
        Initiative.state.in_(AWAITING_COUNCIL),
        order_by=(Initiative.council_deadline, Initiative.id),
    )
    decided = _initiatives(
        Initiative.state == S.decided,
        order_by=(Initiative.decided_at.desc(), Initiative.id.desc()),
        limit=RECENTLY_DECIDED,
    )
    return render_template(
        "public/index.html",
        items=[initiative_summary(i, counts[i.id], now) for i in collecting],
        awaiting=[council_summary(i, now) for i in awaiting],
        decided=[council_summary(i, now) for i in decided],
        outcome_label=outcome_label,
    )


@bp.get("/initiatives/<slug>")
def initiative(slug: str):
    """Show an initiative's registered text, its progress and the sign form."""
    return render_initiative(get_initiative_or_404(slug))


@bp.get("/privacy")
def privacy():
    """Show the privacy notice of the signing service."""
    return render_template("public/privacy.html")
