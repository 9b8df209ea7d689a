"""The council secretariat's pages (staff accounts, every page checks the role)."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from . import audit, clock, lifecycle
from .dashboard import verdict_counts
from .dossier import EXPORTABLE
from .extensions import db
from .forms import ButtonForm
from .i18n import current_language
from .lifecycle import TextInput, TransitionRefused
from .models import (
    AdmissibilityReview,
    AuditEntry,
    Initiative,
    InitiativeState,
    Outcome,
    Signature,
    SignatureState,
    StaffRole,
)
from .public import confirmed_counts, outcome_label, timeline_item, web_link
from .secretariat_forms import (
    AgendaForm,
    DecisionMailForm,
    DossierExportForm,
    LoginForm,
    MeetingForm,
    RegisterExportForm,
    ReviewForm,
    TranslationForm,
    VerdictImportForm,
    VerificationForm,
    VoteForm,
    checklist_questions,
)
from .staff import (
    ALL_ROLES,
    ROLE_LABELS,
    authenticate,
    current_staff,
    end_session,
    requires_role,
    start_session,
)

bp = Blueprint("secretariat", __name__, url_prefix="/secretariat")

S = InitiativeState
SECRETARIAT, PRESIDENT = StaffRole.secretariat, StaffRole.president


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

STATE_LABELS = {
    S.draft: _l("Draft"),
    S.submitted: _l("Submitted, to review"),
    S.inadmissible: _l("Inadmissible"),
    S.collecting: _l("Collecting signatures"),
    S.closed: _l("Closed below the threshold"),
    S.filed: _l("Filed, signatures to verify"),
    S.verified: _l("Verified, for the council"),
    S.insufficient: _l("Not enough valid signatures"),
    S.with_council: _l("With the council"),
    S.decided: _l("Decided by the council"),
    S.withdrawn: _l("Withdrawn"),
}
# The dashboard's sections, in the order the work comes: first what waits on the staff.
DASHBOARD_GROUPS = (
    ("review", _l("To review"), (S.submitted,)),
    ("council", _l("Awaiting the council"), lifecycle.AWAITING_COUNCIL),
    ("collecting", _l("Collecting signatures"), (S.collecting,)),
    ("drafts", _l("Drafts (not yet submitted)"), (S.draft,)),
    ("ended", _l("Ended"), (S.decided, *lifecycle.ENDED_WITHOUT_DECISION)),
)


@bp.context_processor
def _staff_context():
    return {
        "staff": current_staff(),
        "logout_form": ButtonForm(formdata=None),
        "role_labels": ROLE_LABELS,
        "state_labels": STATE_LABELS,
    }


def _safe_next(target: str | None) -> str:
    # Only a page of the secretariat on this site: never an open redirect.
    default = url_for(".dashboard")
    if not target or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(bp.url_prefix + "/"):
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign a staff member in with e-mail and password (locked after repeated failures)."""
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        staff = authenticate(form.email.data, form.password.data, clock.now())
        db.session.commit()
        if staff is not None:
            # A new session on sign-in: nothing set before it survives (fixation).
            start_session(staff)
            return redirect(_safe_next(request.args.get("next")), code=303)
        failed = True
    status = 400 if form.is_submitted() else 200
    return render_template("secretariat/login.html", form=form, failed=failed), status


@bp.post("/logout")
@requires_role(*ALL_ROLES)
def logout():
    """Sign out: forget everything the session held."""
    end_session()
    return redirect(url_for(".login"), code=303)


def _title(initiative: Initiative) -> tuple[str, str]:
    """Return an initiative's title in the page's language if it has one, and its language."""
    text = initiative.text(current_language())
    if text is None:
        return initiative.slug, current_language()
    return text.title, text.language


def _dashboard_row(initiative: Initiative, count: int, now) -> dict:
    title, title_lang = _title(initiative)
    return {
        "initiative": initiative,
        "title": title,
        "title_lang": title_lang,
        "count": count,
        "days_left": lifecycle.council_days_left(initiative, now),
        "overdue": lifecycle.is_overdue(initiative, now),
    }


@bp.get("/")
@requires_role(*ALL_ROLES)
def dashboard():
    """List every initiative by state, the ones waiting on the staff first."""
    initiatives = db.session.scalars(
        select(Initiative)
        .options(selectinload(Initiative.texts))
        .order_by(Initiative.council_deadline, Initiative.submitted_at, Initiative.id)
    ).all()
    counts = confirmed_counts([i.id for i in initiatives])
    now = clock.now()
    groups = [
        {
            "key": key,
            "title": title,
            "rows": [
                _dashboard_row(i, counts[i.id], now)
                for i in initiatives
                if i.state in states
            ],
        }
        for key, title, states in DASHBOARD_GROUPS
    ]
    return render_template("secretariat/dashboard.html", groups=groups)


def _initiative_or_404(slug: str) -> Initiative:
    initiative = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
    if initiative is None:
        abort(404)
    return initiative


def _signature_counts(initiative: Initiative) -> dict[str, int]:
    rows = db.session.execute(
        select(Signature.state, func.count(Signature.id))
        .where(Signature.initiative_id == initiative.id)
        .group_by(Signature.state)
    ).all()
    counts = {state.value: 0 for state in SignatureState}
    counts.update({state.value: count for state, count in rows})
    return counts


def _decision_mailed(initiative: Initiative) -> AuditEntry | None:
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
    title, title_lang = _title(initiative)
    page = render_template(
        "secretariat/initiative.html",
        initiative=initiative,
        title=title,
        title_lang=title_lang,
        texts=sorted(initiative.texts, key=lambda t: t.language),
        counts=_signature_counts(initiative),
        verdicts=verdict_counts(initiative),
        decision_mailed=_decision_mailed(initiative),
        review=review,
        questions=checklist_questions(),
        timeline=[timeline_item(entry) for entry in audit.timeline(initiative)],
        outcome=outcome_label(initiative.outcome) if initiative.outcome else None,
        minutes_url=web_link(initiative.minutes_url),
        show_emails=staff.role in (SECRETARIAT, PRESIDENT),
        overdue=lifecycle.is_overdue(initiative, now),
        days_left=lifecycle.council_days_left(initiative, now),
        forms=built,
        problem=problem,
    )
    return page, status


@bp.get("/initiatives/<slug>")
@requires_role(*ALL_ROLES)
def initiative(slug: str):
    """Show an initiative with the actions the staff member's role allows."""
    return render_page(_initiative_or_404(slug))


def _wrong_state(initiative: Initiative):
    message = _(
        "This action is not possible now: the initiative's state is “%(state)s”.",
        state=STATE_LABELS[initiative.state],
    )
    return render_page(initiative, problem=message, status=409)


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
        "negative_count": ("valid", _("A count cannot be negative.")),
        "text_language": ("language", _("Please choose French or Dutch.")),
    }


def _perform(slug: str, name: str, operation):
    """Validate an action's form, run its operation, commit once, redirect (PRG)."""
    initiative = _initiative_or_404(slug)
    if initiative.state not in ACTIONS[name].states:
        return _wrong_state(initiative)
    form = ACTIONS[name].form(prefix=name)
    if not form.validate():
        return render_page(initiative, forms={name: form}, status=400)
    try:
        operation(initiative, current_staff(), form, clock.now())
    except TransitionRefused as refusal:
        db.session.rollback()
        if refusal.code == "wrong_state":
            return _wrong_state(initiative)
        field, message = refusal_messages()[refusal.code]
        if field is None:
            status = 409 if refusal.code == "register_number_taken" else 400
            return render_page(
                initiative, forms={name: form}, problem=message, status=status
            )
        form[field].errors = [*form[field].errors, message]
        return render_page(initiative, forms={name: form}, status=400)
    db.session.commit()
    return redirect(url_for(".initiative", slug=initiative.slug), code=303)


@bp.post("/initiatives/<slug>/review")
@requires_role(*ACTIONS["review"].roles)
def review(slug: str):
    """Record the admissibility checklist: open collection or publish the refusal."""

    def operation(initiative, staff, form, now):
        lifecycle.review_admissibility(initiative, staff, form.checklist(), now)

    return _perform(slug, "review", operation)


@bp.post("/initiatives/<slug>/translation")
@requires_role(*ACTIONS["translation"].roles)
def translation(slug: str):
    """Add or correct the French or Dutch text before collection opens."""

    def operation(initiative, staff, form, now):
        text = TextInput(form.title.data, form.summary.data, form.body.data)
        lifecycle.add_translation(initiative, form.language.data, text, staff, now)

    return _perform(slug, "translation", operation)


@bp.post("/initiatives/<slug>/verification")
@requires_role(*ACTIONS["verification"].roles)
def verification(slug: str):
    """Record the result of the check against the population register."""

    def operation(initiative, staff, form, now):
        lifecycle.record_verification(
            initiative, staff, form.valid.data, form.invalid.data, now
        )

    return _perform(slug, "verification", operation)


@bp.post("/initiatives/<slug>/meetings")
@requires_role(*ACTIONS["meeting"].roles)
def meeting(slug: str):
    """Schedule a consultation meeting with the initiators."""

    def operation(initiative, staff, form, now):
        lifecycle.add_consultation(
            initiative,
            staff,
            form.starts_at.to_utc(),
            form.place.data,
            form.notes.data or "",
            now,
        )

    return _perform(slug, "meeting", operation)


@bp.post("/initiatives/<slug>/agenda")
@requires_role(*ACTIONS["agenda"].roles)
def agenda(slug: str):
    """Set the date of the council meeting that will debate the initiative."""

    def operation(initiative, staff, form, now):
        lifecycle.set_agenda_date(initiative, staff, form.agenda_date.data, now)

    return _perform(slug, "agenda", operation)


@bp.post("/initiatives/<slug>/vote")
@requires_role(*ACTIONS["vote"].roles)
def vote(slug: str):
    """Record the council's vote, its outcome and the link to the minutes."""

    def operation(initiative, staff, form, now):
        day: date = form.vote_date.data
        lifecycle.record_vote(
            initiative,
            staff,
            day,
            Outcome(form.outcome.data),
            form.minutes_url.data,
            now,
        )

    return _perform(slug, "vote", operation)


# A verdict file holds one short row per counted signature: a few thousand rows pass
# the site-wide 64 KiB limit. A URL value preprocessor runs before CSRFProtect reads
# the form, so the limit is raised in time (as for the initiators' long texts).


# The key-using actions and the paper signatures live in their own modules; importing
# them registers their routes on bp.
from . import secretariat_keys, secretariat_paper  # noqa: E402, F401
