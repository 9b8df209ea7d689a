"""Public pages: the list of initiatives and an initiative with its sign form."""

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template
from flask_babel import format_date, format_number, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from . import audit, clock, lifecycle, rules
from .extensions import db
from .forms import CodeForm, SignatureForm
from .i18n import current_language
from .models import AuditEntry, Initiative, InitiativeState, Signature, SignatureState

bp = Blueprint("public", __name__)

S = InitiativeState
NOT_PUBLIC = (S.draft, S.submitted)
PUBLIC_STATES = tuple(s for s in S if s not in NOT_PUBLIC)
RECENTLY_DECIDED = 10

STATE_LABELS = {
    S.inadmissible: _l("Inadmissible"),
    S.collecting: _l("Collecting signatures"),
    S.closed: _l("Closed: not enough signatures"),
    S.filed: _l("Filed with the council; signatures being verified"),
    S.verified: _l("Signatures verified; awaiting the council"),
    S.insufficient: _l("Not enough valid signatures"),
    S.with_council: _l("With the municipal council"),
    S.decided: _l("Decided by the municipal council"),
    S.withdrawn: _l("Withdrawn by the initiators"),
}

# The public timeline names each audited action in the reader's language.
ACTION_LABELS = {
    "submitted": _l("Submitted to the council secretariat"),
    "admissible": _l("Declared admissible: signature collection opened"),
    "inadmissible": _l("Declared inadmissible"),
    "withdrawn": _l("Withdrawn by the initiators"),
    "closed": _l("Collection period ended below the threshold"),
    "threshold-reached": _l("Signature threshold reached"),
    "filed": _l("Filed with the municipal council"),
    "verified": _l("Signatures verified: threshold reached"),
    "insufficient": _l("Signatures verified: not enough valid signatures"),
    "with-council": _l("Taken up by the municipal council"),
    "consultation-scheduled": _l("Consultation meeting scheduled"),
    "agenda-set": _l("Put on the council's agenda"),
    "decided": _l("Decided by the municipal council"),
    "dossier-exported": _l("Certified dossier exported for the council"),
}

OUTCOME_LABELS = {
    "adopted": _l("Adopted"),
    "amended": _l("Adopted with amendments"),
    "rejected": _l("Rejected"),
}


def action_label(action: str) -> str:
    """Return the reader's words for an audited action (the code when it has none)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def outcome_label(outcome) -> str:
    """Return the reader's words for a council outcome (enum or value)."""
    value = getattr(outcome, "value", outcome)
    return str(OUTCOME_LABELS.get(value, value or ""))


@dataclass
class TimelineItem:
    """One public audit entry as the timeline shows it."""

    entry: AuditEntry
    day: date
    label: str
    facts: list[str]
    reason: str


def _as_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _as_datetime(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def entry_facts(action: str, details: dict) -> list[str]:
    """Return the sentences that say what an audited action decided or set."""
    facts = []
    if details.get("register_number"):
        facts.append(
            _("Register number %(number)s.", number=details["register_number"])
        )
    if deadline := _as_date(details.get("council_deadline")):
        facts.append(
            _("The council must vote by %(date)s.", date=format_date(deadline, "long"))
        )
    if "valid" in details and "invalid" in details:
        facts.append(
            _(
                "Valid signatures: %(valid)s. Invalid signatures: %(invalid)s.",
                valid=format_number(details["valid"]),
                invalid=format_number(details["invalid"]),
            )
        )
    if action == "closed" and "confirmed" in details:
        facts.append(
            _(
                "Confirmed signatures: %(num)s.",
                num=format_number(details["confirmed"]),
            )
        )
    if starts_at := _as_datetime(details.get("starts_at")):
        facts.append(
            _(
                "Meeting on %(date)s at %(time)s, %(place)s.",
                date=format_date(starts_at, "long"),
                time=format_time(starts_at, "short"),
                place=details.get("place", ""),
            )
        )
    if agenda := _as_date(details.get("agenda_date")):
        facts.append(
            _("On the council's agenda of %(date)s.", date=format_date(agenda, "long"))
        )
    if details.get("outcome"):
        facts.append(
            _("Outcome: %(outcome)s.", outcome=outcome_label(details["outcome"]))
        )
    if vote := _as_date(details.get("vote_date")):
        facts.append(_("Vote of %(date)s.", date=format_date(vote, "long")))
    return facts


def timeline_item(entry: AuditEntry) -> TimelineItem:
    """Return how the public timeline shows an audit entry."""
    return TimelineItem(
        entry=entry,
        day=rules.legal_day(entry.at, current_app.config["TIMEZONE"]),
        label=action_label(entry.action),
        facts=entry_facts(entry.action, entry.details or {}),
        reason=entry.reason or "",
    )


def council_status(initiative: Initiative, now) -> dict:
    """Return the council's clock of an initiative: filing, deadline, days left, overdue."""
    timezone = current_app.config["TIMEZONE"]
    filed_at = initiative.filed_at
    return {
        "filed_at": filed_at,
        "filed_on": rules.legal_day(filed_at, timezone) if filed_at else None,
        "council_deadline": initiative.council_deadline,
        "council_days_left": lifecycle.council_days_left(initiative, now),
        "overdue": lifecycle.is_overdue(initiative, now),
        "awaiting_council": initiative.state in lifecycle.AWAITING_COUNCIL,
        "minutes_url": web_link(initiative.minutes_url),
    }


def web_link(url: str | None) -> str | None:
    """Return ``url`` when it is an http(s) address, else None (never a script link)."""
    if url and urlsplit(url.strip()).scheme in ("http", "https"):
        return url.strip()
    return None


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
    if initiative is None or initiative.state in NOT_PUBLIC:
        abort(404)
    return initiative


def _initiatives(*conditions, order_by, limit=None) -> list[Initiative]:
    query = (
        select(Initiative)
        .options(selectinload(Initiative.texts))
        .where(*conditions)
        .order_by(*order_by)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def council_summary(initiative: Initiative, now) -> dict:
    """Return what the home page shows of an initiative before or after the vote."""
    return {
        "initiative": initiative,
        "text": initiative.text(current_language()),
        **council_status(initiative, now),
    }


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
        Initiative.state.in_(lifecycle.AWAITING_COUNCIL),
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
            state_label=STATE_LABELS.get(initiative.state, ""),
            timeline=[timeline_item(e) for e in audit.timeline(initiative)],
            outcome_label=outcome_label,
            **council_status(initiative, now),
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
