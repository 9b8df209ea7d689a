"""Which initiatives are public, their confirmed counts, and the public lookup by slug."""

from flask import abort
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.models import Initiative, InitiativeState, Signature
from petitions.models.signatures import still_counts

S = InitiativeState

NOT_PUBLIC = (S.draft, S.submitted)

PUBLIC_STATES = tuple(s for s in S if s not in NOT_PUBLIC)


def confirmed_counts(initiative_ids: list[int]) -> dict[int, int]:
    """Return the confirmed signature count of each initiative in one query."""
    if not initiative_ids:
        return {}
    rows = db.session.execute(
        select(Signature.initiative_id, func.count(Signature.id))
        .where(Signature.initiative_id.in_(initiative_ids), still_counts())
        .group_by(Signature.initiative_id)
    ).all()
    counts = dict.fromkeys(initiative_ids, 0)
    counts.update(dict(rows))
    return counts


def get_initiative_or_404(slug: str) -> Initiative:
    """Return the public initiative with this slug, or answer 404 (drafts are not public)."""
    initiative = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
    if initiative is None or initiative.state in NOT_PUBLIC:
        abort(404)
    return initiative
