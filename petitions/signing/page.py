"""The initiative page with its sign form, shared by the public page and the sign answers."""

from flask import render_template

from petitions import clock
from petitions.initiatives import audit
from petitions.initiatives.labels import PUBLIC_STATE_LABELS, outcome_label
from petitions.initiatives.summaries import council_status, initiative_summary
from petitions.initiatives.timeline import timeline_item
from petitions.models import Initiative
from petitions.signing.forms import CodeForm, SignatureForm
from petitions.signing.rules import is_open_for_signing
from petitions.web.languages import current_language


def render_initiative(initiative: Initiative, form=None, code_form=None, status=200):
    """Render an initiative page with its sign form (with errors when given)."""
    now = clock.now()
    if form is None:
        form = SignatureForm(language=current_language())
    summary = initiative_summary(initiative, initiative.confirmed_count(), now)
    timeline = audit.timeline(initiative)
    return (
        render_template(
            "public/initiative.html",
            form=form,
            code_form=code_form or CodeForm(),
            open_for_signing=is_open_for_signing(initiative, now),
            state_label=PUBLIC_STATE_LABELS.get(initiative.state, ""),
            timeline=[timeline_item(e) for e in timeline],
            timeline_hidden=timeline.hidden,
            outcome_label=outcome_label,
            **council_status(initiative, now),
            **summary,
        ),
        status,
    )
