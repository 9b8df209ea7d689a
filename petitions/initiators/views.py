"""Initiators' pages: drafts, representatives' confirmation, the management link.

Initiators have no accounts: each representative manages the initiative through a
signed, expiring link sent by e-mail, and can ask for a fresh one at any time.
"""

from datetime import date

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _

from petitions import clock
from petitions.extensions import db
from petitions.initiatives import statistics
from petitions.initiatives.labels import INITIATOR_STATE_LABELS, neighbourhood_name
from petitions.initiatives.operations import TransitionRefused
from petitions.initiatives.rules import BEFORE_FILING
from petitions.initiators import dashboard, operations
from petitions.initiators.forms import (
    REPRESENTATIVE_ROWS,
    DraftForm,
    ManagementLinkForm,
    TextsForm,
    WithdrawForm,
)
from petitions.initiators.operations import (
    create_draft,
    file_initiative,
    request_management_links,
    submit_initiative,
    update_draft,
    withdraw_initiative,
)
from petitions.models import Initiative, InitiativeState, Representative
from petitions.web.forms import ButtonForm, caught_by_honeypot
from petitions.web.languages import current_language
from petitions.web.limits import per_client
from petitions.web.tokens import (
    CONFIRM_REPRESENTATIVE,
    MANAGE_INITIATIVE,
    LinkProblem,
    read_management_token,
    read_representative_token,
)

bp = Blueprint("initiators", __name__)

# Two full texts of 20,000 characters, percent-encoded, pass the site-wide 64 KiB limit:
# only the text forms may be larger. A URL value preprocessor runs before every
# before_request function, so the limit is raised before CSRFProtect reads the form.
LARGE_FORM_ENDPOINTS = {"initiators.new_draft", "initiators.edit"}

LARGE_FORM_BYTES = 512 * 1024


@bp.url_value_preprocessor
def _allow_long_texts(endpoint, values):
    if endpoint in LARGE_FORM_ENDPOINTS:
        request.max_content_length = LARGE_FORM_BYTES
        request.max_form_memory_size = LARGE_FORM_BYTES


@bp.after_request
def _keep_links_private(response):
    # The paths carry management and confirmation tokens: no caching (web/headers.py
    # keeps them out of Referer headers).
    response.headers["Cache-Control"] = "no-store"
    return response


def _refusal_message(code: str) -> str:
    config = current_app.config
    if code == "blackout":
        return _(
            "No initiative can be submitted in the %(months)s months before the election of %(date)s. You can submit it from the day after the election.",
            months=config["BLACKOUT_MONTHS"],
            date=format_date(date.fromisoformat(str(config["ELECTION_DATE"])), "long"),
        )
    messages = {
        "representatives_unconfirmed": _(
            "The initiative can be submitted only once every representative has confirmed with the link in their e-mail."
        ),
        "below_threshold": _(
            "The initiative can be filed only once it has reached the number of confirmed signatures needed."
        ),
        "wrong_state": _(
            "This action is not possible at this stage of the initiative. Nothing was changed."
        ),
    }
    return messages.get(code, messages["wrong_state"])


def _refused(initiative: Initiative, token: str, code: str):
    db.session.rollback()
    return (
        render_template(
            "initiators/refused.html",
            initiative=initiative,
            token=token,
            message=_refusal_message(code),
        ),
        409,
    )


def _actor(representative: Representative) -> str:
    return f"representative:{representative.id}"


def _back_to_dashboard(token: str, message: str):
    flash(message)
    return redirect(url_for("initiators.manage", token=token), code=303)


@bp.route("/initiatives/new", methods=["GET", "POST"])
@per_client("LIMIT_DRAFT", accepted_only=True)
def new_draft():
    """Show the draft form; start the draft and ask each representative to confirm."""
    form = DraftForm()
    if not form.is_submitted():
        for number in REPRESENTATIVE_ROWS:
            form[f"rep{number}_language"].data = current_language()
        return render_template("initiators/new.html", form=form)
    if caught_by_honeypot(form):
        return redirect(url_for("initiators.draft_started"), code=303)
    if not form.validate():
        return render_template("initiators/new.html", form=form), 400
    create_draft(form.texts(), form.representatives(), clock.now())
    db.session.commit()
    return redirect(url_for("initiators.draft_started"), code=303)


@bp.get("/initiatives/new/check-your-email")
def draft_started():
    """Explain that each representative must now confirm by e-mail."""
    return render_template("initiators/draft_started.html")


def _representative_of(token: str, now) -> Representative:
    representative_id = read_representative_token(token, now)
    representative = db.session.get(Representative, representative_id)
    if representative is None:
        raise LinkProblem(CONFIRM_REPRESENTATIVE, expired=True)
    return representative


@bp.get("/representatives/confirm/<token>")
def confirm_representative(token: str):
    """Show the one-button page by which a representative confirms their role."""
    representative = _representative_of(token, clock.now())
    return render_template(
        "initiators/confirm_representative.html",
        form=ButtonForm(),
        token=token,
        representative=representative,
        initiative=representative.initiative,
    )


@bp.post("/representatives/confirm/<token>")
def confirm_representative_post(token: str):
    """Confirm the representative of the link and send their management link once."""
    now = clock.now()
    representative = _representative_of(token, now)
    operations.confirm_representative(representative.id, now)
    db.session.commit()
    return redirect(url_for("initiators.representative_confirmed"), code=303)


@bp.get("/representatives/confirmed")
def representative_confirmed():
    """Thank the representative; their management link is on its way."""
    return render_template(
        "initiators/representative_confirmed.html",
        link_days=current_app.config["MANAGEMENT_LINK_MAX_AGE"] // 86400,
    )


@bp.route("/manage/request", methods=["GET", "POST"])
@per_client("LIMIT_MANAGEMENT_LINK", accepted_only=True)
def request_link():
    """Ask for management links by e-mail address (the answer never says if it is known)."""
    form = ManagementLinkForm()
    if not form.is_submitted():
        return render_template("initiators/request_link.html", form=form)
    if caught_by_honeypot(form):
        return redirect(url_for("initiators.link_requested"), code=303)
    if not form.validate():
        return render_template("initiators/request_link.html", form=form), 400
    request_management_links(form.email.data, clock.now())
    db.session.commit()
    return redirect(url_for("initiators.link_requested"), code=303)


@bp.get("/manage/request/sent")
def link_requested():
    """Say that a link is on its way if the address represents an initiative."""
    return render_template("initiators/link_requested.html")


def _managed(token: str) -> tuple[Initiative, Representative]:
    """Return the initiative and representative of a management link, or raise."""
    initiative_id, representative_id = read_management_token(token, clock.now())
    representative = db.session.get(Representative, representative_id)
    if (
        representative is None
        or representative.initiative_id != initiative_id
        or representative.confirmed_at is None
    ):
        raise LinkProblem(MANAGE_INITIATIVE, expired=False)
    return representative.initiative, representative


@bp.get("/manage/<token>")
def manage(token: str):
    """Show the initiators' dashboard for the initiative of a management link."""
    initiative, representative = _managed(token)
    now = clock.now()
    return render_template(
        "initiators/dashboard.html",
        token=token,
        initiative=initiative,
        representative=representative,
        text=initiative.text(current_language()),
        state_label=INITIATOR_STATE_LABELS[initiative.state],
        neighbourhoods=statistics.neighbourhood_counts(initiative),
        neighbourhood_name=neighbourhood_name,
        verdicts=statistics.verdict_counts(initiative),
        mails=statistics.sent_mails(initiative),
        can_withdraw=initiative.state in BEFORE_FILING,
        button=ButtonForm(),
        **dashboard.progress(initiative, now),
        **dashboard.chart(initiative, now),
    )


@bp.route("/manage/<token>/edit", methods=["GET", "POST"])
def edit(token: str):
    """Show the draft's texts in a form; save them while the initiative is a draft."""
    initiative, representative = _managed(token)
    if initiative.state is not InitiativeState.draft:
        return _refused(initiative, token, "wrong_state")
    existing = {t.language: t for t in initiative.texts}
    data = {
        f"{language}_{part}": getattr(text, part)
        for language, text in existing.items()
        for part in ("title", "summary", "body")
    }
    form = TextsForm(data=data, required_languages=existing)
    if not form.is_submitted():
        return render_template("initiators/edit.html", form=form, token=token)
    if not form.validate():
        return render_template("initiators/edit.html", form=form, token=token), 400
    try:
        update_draft(initiative, form.texts(), clock.now(), _actor(representative))
    except TransitionRefused as refusal:
        return _refused(initiative, token, refusal.code)
    db.session.commit()
    return _back_to_dashboard(token, _("The texts of your draft are saved."))


def _transition(token: str, operation, done: str):
    """Apply a lifecycle operation for the link's representative, then go back."""
    initiative, representative = _managed(token)
    try:
        operation(initiative, clock.now(), _actor(representative))
    except TransitionRefused as refusal:
        return _refused(initiative, token, refusal.code)
    db.session.commit()
    return _back_to_dashboard(token, done)


@bp.post("/manage/<token>/submit")
def submit(token: str):
    """Hand the draft to the secretariat for the admissibility check."""
    return _transition(
        token,
        submit_initiative,
        _(
            "Your initiative is submitted. The secretariat checks its admissibility and will write to every representative."
        ),
    )


@bp.route("/manage/<token>/withdraw", methods=["GET", "POST"])
def withdraw(token: str):
    """Ask for confirmation, then withdraw the initiative (only before filing)."""
    initiative, representative = _managed(token)
    if initiative.state not in BEFORE_FILING:
        return _refused(initiative, token, "wrong_state")
    form = WithdrawForm()
    if not form.is_submitted():
        return render_template(
            "initiators/withdraw.html", form=form, token=token, initiative=initiative
        )
    if not form.validate():
        return (
            render_template(
                "initiators/withdraw.html",
                form=form,
                token=token,
                initiative=initiative,
            ),
            400,
        )
    try:
        withdraw_initiative(
            initiative,
            clock.now(),
            _actor(representative),
            reason=form.reason.data or "",
        )
    except TransitionRefused as refusal:
        return _refused(initiative, token, refusal.code)
    db.session.commit()
    return _back_to_dashboard(token, _("Your initiative is withdrawn."))


@bp.route("/manage/<token>/file", methods=["GET", "POST"])
def file(token: str):
    """Ask for confirmation (warning of a thin margin), then file with the council."""
    if request.method == "POST":
        return _transition(
            token,
            file_initiative,
            _(
                "Your initiative is filed with the council. The secretariat now verifies the signatures."
            ),
        )
    initiative, _representative = _managed(token)
    figures = dashboard.progress(initiative, clock.now())
    if initiative.state is not InitiativeState.collecting:
        return _refused(initiative, token, "wrong_state")
    if not figures["can_file"]:
        return _refused(initiative, token, "below_threshold")
    return render_template(
        "initiators/file.html",
        token=token,
        initiative=initiative,
        button=ButtonForm(),
        **figures,
    )
