"""What every secretariat page shares: the blueprint, the staff actions and the roles
allowed to take them, the initiative page with its forms, and the refusal messages."""

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from petitions import clock
from petitions.dossier.export import EXPORTABLE
from petitions.dossier.register_check import VERDICT_COLUMNS, VERDICTS
from petitions.extensions import db
from petitions.initiatives import audit
from petitions.initiatives.labels import (
    REASON_LABELS,
    REASONS,
    STAFF_STATE_LABELS,
    outcome_label,
)
from petitions.initiatives.rules import (
    AWAITING_COUNCIL,
    ENDED_WITHOUT_DECISION,
    council_days_left,
    is_overdue,
)
from petitions.initiatives.statistics import verdict_counts
from petitions.initiatives.summaries import web_link
from petitions.initiatives.timeline import timeline_item
from petitions.models import (
    AdmissibilityReview,
    AuditEntry,
    Initiative,
    InitiativeState,
    Signature,
    SignatureState,
    StaffRole,
)

# The key-using actions and the paper signatures live in their own modules; importing
# them registers their routes on bp.
from petitions.secretariat.forms import (
    AgendaForm,
    DecisionMailForm,
    DossierExportForm,
    MeetingForm,
    RegisterExportForm,
    ReviewForm,
    TranslationForm,
    VerdictImportForm,
    VerificationForm,
    VoteForm,
    checklist_questions,
)
from petitions.secretariat.sessions import current_staff
from petitions.secretariat.staff import ROLE_LABELS
from petitions.web.forms import ButtonForm
from petitions.web.languages import current_language

S = InitiativeState
SECRETARIAT, PRESIDENT = StaffRole.secretariat, StaffRole.president

bp = Blueprint("secretariat", __name__, url_prefix="/secretariat")


@dataclass(frozen=True)
class Action:
    """A staff action: its form, the roles allowed to take it, the states it needs."""

    form: type
    roles: tuple[StaffRole, ...]
    states: tuple[InitiativeState, ...]


ACTIONS = {
    "review": Action(ReviewForm, (SECRETARIAT,), (S.submitted,)),
    "translation": Action(TranslationForm, (SECRETARIAT,), (S.draft, S.submitted)),
    "verification": Action(VerificationForm, (SECRETARIAT,), (S.filed,)),
    "meeting": Action(MeetingForm, (PRESIDENT,), (S.verified, S.with_council)),
    "agenda": Action(AgendaForm, (PRESIDENT,), (S.verified, S.with_council)),
    "vote": Action(VoteForm, (SECRETARIAT, PRESIDENT), (S.verified, S.with_council)),
    # The register check (the field names, e.g. "export-key", come from these names).
    "export": Action(RegisterExportForm, (SECRETARIAT,), (S.filed,)),
    "verdicts": Action(VerdictImportForm, (SECRETARIAT,), (S.filed,)),
    "decision_mail": Action(DecisionMailForm, (SECRETARIAT,), (S.decided,)),
    "dossier": Action(DossierExportForm, (SECRETARIAT,), EXPORTABLE),
}

# The dashboard's sections, in the order the work comes: first what waits on the staff.
DASHBOARD_GROUPS = (
    ("review", _l("To review"), (S.submitted,)),
    ("council", _l("Awaiting the council"), AWAITING_COUNCIL),
    ("collecting", _l("Collecting signatures"), (S.collecting,)),
    ("drafts", _l("Drafts (not yet submitted)"), (S.draft,)),
    ("ended", _l("Ended"), (S.decided, *ENDED_WITHOUT_DECISION)),
)


@bp.context_processor
def _staff_context():
    return {
        "staff": current_staff(),
        "logout_form": ButtonForm(formdata=None),
        "role_labels": ROLE_LABELS,
        "state_labels": STAFF_STATE_LABELS,
        "reason_codes": REASONS,
        "reason_labels": REASON_LABELS,
        # The verdict file's technical names, which the import form explains.
        "verdict_columns": VERDICT_COLUMNS,
        "verdict_values": VERDICTS,
    }


def initiative_titles(initiative: Initiative) -> tuple[str, str]:
    """Return an initiative's title in the page's language if it has one, and its language."""
    text = initiative.text(current_language())
    if text is None:
        return initiative.slug, current_language()
    return text.title, text.language


def initiative_or_404(slug: str) -> Initiative:
    initiative = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
    if initiative is None:
        abort(404)
    return initiative


def signature_counts(initiative: Initiative) -> dict[str, int]:
    rows = db.session.execute(
        select(Signature.state, func.count(Signature.id))
        .where(Signature.initiative_id == initiative.id)
        .group_by(Signature.state)
    ).all()
    counts = {state.value: 0 for state in SignatureState}
    counts.update({state.value: count for state, count in rows})
    return counts


def decision_mailed(initiative: Initiative) -> AuditEntry | None:
    return db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.initiative_id == initiative.id,
            AuditEntry.action == "decision-mailed",
        )
    )


def render_page(initiative: Initiative, forms=None, problem=None, status=200):
    """Render an initiative for staff, with the forms their role and its state allow."""
    staff = current_staff()
    built = {
        name: action.form(prefix=name, formdata=None)
        for name, action in ACTIONS.items()
        if staff.role in action.roles and initiative.state in action.states
    }
    built.update(forms or {})
    now = clock.now()
    review = db.session.scalar(
        select(AdmissibilityReview).where(
            AdmissibilityReview.initiative_id == initiative.id
        )
    )
    title, title_lang = initiative_titles(initiative)
    page = render_template(
        "secretariat/initiative.html",
        initiative=initiative,
        title=title,
        title_lang=title_lang,
        texts=sorted(initiative.texts, key=lambda t: t.language),
        counts=signature_counts(initiative),
        verdicts=verdict_counts(initiative),
        decision_mailed=decision_mailed(initiative),
        review=review,
        questions=checklist_questions(),
        timeline=[timeline_item(entry) for entry in audit.timeline(initiative)],
        outcome=outcome_label(initiative.outcome) if initiative.outcome else None,
        minutes_url=web_link(initiative.minutes_url),
        show_emails=staff.role in (SECRETARIAT, PRESIDENT),
        overdue=is_overdue(initiative, now),
        days_left=council_days_left(initiative, now),
        forms=built,
        problem=problem,
    )
    return page, status


def done(action: str, initiative: Initiative, endpoint: str = ".initiative"):
    """Redirect after a successful action (PRG), with its success banner."""
    flash(success_message(action))
    return redirect(url_for(endpoint, slug=initiative.slug), code=303)


def wrong_state(initiative: Initiative):
    message = _(
        "This action is not possible now: the initiative's state is “%(state)s”.",
        state=STAFF_STATE_LABELS[initiative.state],
    )
    return render_page(initiative, problem=message, status=409)


def success_message(action: str) -> str:
    """Return the banner shown after an action succeeded (the page it returns to)."""
    return {
        "review": _(
            "The admissibility decision is recorded and published; the representatives are told by e-mail."
        ),
        "translation": _("The text is saved."),
        "verification": _("The result of the verification is recorded."),
        "meeting": _(
            "The consultation meeting is scheduled; the representatives are told by e-mail."
        ),
        "agenda": _("The date of the council meeting is recorded."),
        "vote": _("The council's vote is recorded and published."),
        "verdicts": _("The register's verdicts are recorded."),
        "decision_mail": _(
            "The decision is on its way to the signatories who asked for it."
        ),
        "fraud": _(
            "The batch is invalidated; the number of signatures and the reason are published."
        ),
    }[action]


def refusal_messages() -> dict[str, tuple[str | None, str]]:
    """Return, per TransitionRefused code, the form field it belongs to and its message."""
    return {
        "reason_missing": (
            None,
            _("Every item answered “no” needs its reason: the reasons are published."),
        ),
        "checklist_incomplete": (
            None,
            _("Please answer every item of the checklist."),
        ),
        "translation_missing": (
            None,
            _(
                "The City publishes every initiative in French and in Dutch: add the missing translation before declaring it admissible."
            ),
        ),
        "register_number_taken": (
            None,
            _("Another decision took this register number just now. Please try again."),
        ),
        "vote_in_future": ("vote_date", _("The vote cannot be in the future.")),
        "vote_before_filing": (
            "vote_date",
            _("The vote cannot come before the day the initiative was filed."),
        ),
        "negative_count": ("valid", _("A count cannot be negative.")),
        "more_than_received": (
            "valid",
            _(
                "Valid and invalid signatures together cannot be more than the confirmed signatures received."
            ),
        ),
        "text_language": ("language", _("Please choose French or Dutch.")),
    }
