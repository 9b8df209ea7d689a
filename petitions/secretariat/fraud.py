"""The secretariat's fraud view: an initiative's signatures per hour, mail domain and
client network, the bursts flagged, and the invalidation of a batch with its reason."""

from flask import render_template
from flask_babel import format_date, format_time
from flask_babel import gettext as _

from petitions import clock
from petitions.extensions import db
from petitions.initiatives.labels import STAFF_STATE_LABELS
from petitions.initiatives.operations import staff_actor
from petitions.initiatives.timeline import timeline_item
from petitions.models import Initiative, StaffRole
from petitions.secretariat.batches import (
    DOMAIN,
    HOUR,
    INVALIDATION_STATES,
    Batch,
    BatchRefused,
    invalidate_batch,
    invalidations,
    patterns,
)
from petitions.secretariat.forms import BatchInvalidationForm
from petitions.secretariat.pages import bp, done, initiative_or_404, initiative_titles
from petitions.secretariat.sessions import current_staff, requires_role


def network_label(key: str) -> str:
    """Return how the page names a network: the start of its keyed hash."""
    return key[:12]


def hour_label(batch: Batch) -> str:
    """Return an hour batch's start in Brussels time."""
    start = batch.start
    return f"{format_date(start, format='long')}, {format_time(start, format='short')}"


def _choice_label(batch: Batch) -> str:
    if batch.kind == HOUR:
        what = _("Hour from %(start)s", start=hour_label(batch))
    elif batch.kind == DOMAIN:
        what = _("Mail domain %(domain)s", domain=batch.key)
    else:
        what = _("Network %(network)s", network=network_label(batch.key))
    count = _("%(num)s signatures", num=batch.count)
    flag = _(" (flagged)") if batch.flagged else ""
    return f"{what}: {count}{flag}"


def _page(initiative: Initiative, form=None, problem=None, status=200):
    found = patterns(initiative)
    if form is None:
        form = BatchInvalidationForm(formdata=None)
    form.batch.choices = [("", _("Choose a batch"))] + [
        (b.value, _choice_label(b)) for b in found.choices()
    ]
    title, title_lang = initiative_titles(initiative)
    page = render_template(
        "secretariat/fraud.html",
        initiative=initiative,
        title=title,
        title_lang=title_lang,
        found=found,
        hour_label=hour_label,
        network_label=network_label,
        may_invalidate=initiative.state in INVALIDATION_STATES,
        state_label=STAFF_STATE_LABELS[initiative.state],
        form=form,
        done=[timeline_item(entry) for entry in invalidations(initiative)],
        problem=problem,
    )
    return page, status


def refusal_message(initiative: Initiative, code: str) -> str:
    """Return the message of a refused batch invalidation."""
    if code == "wrong_state":
        return _(
            "Signatures can be invalidated only while the initiative collects signatures or is filed, before the register check (its state is “%(state)s”).",
            state=STAFF_STATE_LABELS[initiative.state],
        )
    if code == "empty":
        return _(
            "This batch holds no signature that still counts for this initiative: nothing was invalidated."
        )
    return _("This batch is not one of this initiative's batches.")


@bp.get("/initiatives/<slug>/fraud")
@requires_role(StaffRole.secretariat)
def fraud(slug: str):
    """Show the signatures per hour, mail domain and network, the bursts flagged."""
    return _page(initiative_or_404(slug))


@bp.post("/initiatives/<slug>/fraud")
@requires_role(StaffRole.secretariat)
def fraud_invalidate(slug: str):
    """Invalidate one batch of signatures with a published reason."""
    initiative = initiative_or_404(slug)
    form = BatchInvalidationForm()
    if not form.validate():
        return _page(initiative, form=form, status=400)
    try:
        invalidate_batch(
            initiative,
            staff_actor(current_staff()),
            form.batch.data,
            form.reason.data,
            clock.now(),
        )
    except BatchRefused as refusal:
        db.session.rollback()
        status = 400 if refusal.code == "unknown_batch" else 409
        return _page(
            initiative,
            form=form,
            problem=refusal_message(initiative, refusal.code),
            status=status,
        )
    db.session.commit()
    return done("fraud", initiative, ".fraud")
