"""Public pages: the list of initiatives and an initiative with its sign form."""

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from . import clock, rules
from .extensions import db
from .forms import CodeForm, SignatureForm
from .i18n import current_language
from .models import Initiative, InitiativeState, Signature, SignatureState

bp = Blueprint("public", __name__)


def confirmed_counts(initiative_ids: list[int]) -> dict[int, int]:
    """Return the confirmed signature count of each initiative in one query."""
    if not initiative_ids:
        return {}
    rows = db.session.execute(
        select(Signature.initiative_id, func.count(Signature.id))
        .where(
            Signature.initiative_id.in_(initiative_ids),
            Signature.state == SignatureState.confirmed,
        )
        .group_by(Signature.initiative_id)
    ).all()
    counts = dict.fromkeys(initiative_ids, 0)
    counts.update(dict(rows))
    return counts


def initiative_summary(initiative: Initiative, count: int, now) -> dict:
    """Return what list and detail pages show of an initiative's progress."""
    timezone = current_app.config["TIMEZONE"]
    ends = initiative.collection_ends_on
    return {
        "initiative": initiative,
        "text": initiative.text(current_language()),
        "count": count,
        "percent": min(100, round(100 * count / initiative.threshold))
        if initiative.threshold
        else 100,
        "days_left": rules.days_left(ends, now, timezone) if ends else None,
    }


def get_initiative_or_404(slug: str) -> Initiative:
    """Return the public initiative with this slug, or answer 404 (drafts are not public)."""
    initiative = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
    if initiative is None or initiative.state in (
        InitiativeState.draft,
        InitiativeState.submitted,
    ):
        abort(404)
    return initiative


@bp.get("/")
def index():
    """List the initiatives that are collecting signatures."""
    initiatives = db.session.scalars(
        select(Initiative)
        .options(selectinload(Initiative.texts))
        .where(Initiative.state == InitiativeState.collecting)
        .order_by(Initiative.collection_ends_on, Initiative.id)
    ).all()
    counts = confirmed_counts([i.id for i in initiatives])
    now = clock.now()
    items = [initiative_summary(i, counts[i.id], now) for i in initiatives]
    return render_template("public/index.html", items=items)


def render_initiative(initiative: Initiative, form=None, code_form=None, status=200):
    """Render an initiative page with its sign form (with errors when given)."""
    from .operations import is_open_for_signing

    now = clock.now()
    if form is None:
        form = SignatureForm(language=current_language())
    summary = initiative_summary(initiative, initiative.confirmed_count(), now)
    return (
        render_template(
            "public/initiative.html",
            form=form,
            code_form=code_form or CodeForm(),
            open_for_signing=is_open_for_signing(initiative, now),
            **summary,
        ),
        status,
    )


@bp.get("/initiatives/<slug>")
def initiative(slug: str):
    """Show an initiative's registered text, its progress and the sign form."""
    return render_initiative(get_initiative_or_404(slug))


@bp.get("/privacy")
def privacy():
    """Show the privacy notice of the signing service."""
    return render_template("public/privacy.html")
