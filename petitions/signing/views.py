"""Signing: the sign form, the one-button confirmation and the typed code."""

from flask import (
    Blueprint,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from petitions import clock
from petitions.extensions import db
from petitions.initiatives.queries import get_initiative_or_404
from petitions.models import Initiative, Signature, SignatureState
from petitions.signing.forms import CodeForm, SignatureForm
from petitions.signing.messages import eligibility_messages
from petitions.signing.operations import (
    Confirmation,
    NewerLinkSent,
    NotCollecting,
    SignatoryDetails,
    SignatureGone,
    confirm_by_code,
    confirm_signature,
    is_superseded,
    submit_signature,
)
from petitions.signing.page import render_initiative
from petitions.web.forms import ButtonForm, caught_by_honeypot
from petitions.web.limits import per_client
from petitions.web.tokens import (
    CONFIRM_SIGNATURE,
    LinkProblem,
    read_confirmation_token,
    read_expired_confirmation_token,
)
from verification.addresses import masked_address
from verification.eligibility import EligibilityError

bp = Blueprint("signing", __name__)


def _not_collecting(initiative: Initiative):
    return (
        render_template("signing/not_collecting.html", initiative=initiative),
        409,
    )


@bp.post("/initiatives/<slug>/sign")
@per_client("LIMIT_SIGN")
def sign(slug: str):
    """Check a signature form; record it and send the confirmation mail."""
    # Validate first: it needs no database, and on SQLite a POST's first query takes
    # the write lock, which the checks then need not hold.
    form = SignatureForm()
    if caught_by_honeypot(form):
        return redirect(url_for("signing.check_email", slug=slug), code=303)
    valid = form.validate()
    initiative = get_initiative_or_404(slug)
    if not valid:
        return render_initiative(initiative, form=form, status=400)
    details = SignatoryDetails(
        **{name: form[name].data for name in SignatoryDetails.__dataclass_fields__}
    )
    try:
        submit_signature(initiative, details, clock.now(), request.remote_addr)
    except NotCollecting:
        db.session.rollback()
        return _not_collecting(initiative)
    except EligibilityError as refusal:
        db.session.rollback()
        field, message = eligibility_messages()[refusal.reason]
        form[field].errors.append(message)
        return render_initiative(initiative, form=form, status=400)
    db.session.commit()
    # Only the masked form goes into the (readable) session cookie.
    session["mailed_to"] = masked_address(details.email)
    return redirect(url_for("signing.check_email", slug=slug), code=303)


@bp.get("/initiatives/<slug>/check-your-email")
def check_email(slug: str):
    """Tell the signatory to look for the mail, at the address written to, masked.

    The same page for everyone, whether this person signed before or not: only the
    masked address differs, and it is the one the visitor typed.
    """
    initiative = get_initiative_or_404(slug)
    return render_template(
        "signing/check_email.html",
        initiative=initiative,
        code_form=CodeForm(),
        mailed_to=session.get("mailed_to"),
    )


@bp.post("/initiatives/<slug>/code")
@per_client("LIMIT_CONFIRMATION_CODE")
def confirm_code(slug: str):
    """Confirm a signature with the code typed from its e-mail."""
    initiative = get_initiative_or_404(slug)
    code_form = CodeForm()
    if code_form.validate():
        try:
            confirmation = confirm_by_code(initiative, code_form.code.data, clock.now())
        except NotCollecting:
            db.session.rollback()
            return _not_collecting(initiative)
        if confirmation is not None:
            return _confirmed(confirmation)
        code_form.code.errors.append(
            _(
                "This code is not valid for this initiative. Please check it, or sign again to receive a new one."
            )
        )
    return render_initiative(initiative, code_form=code_form, status=400)


def _confirmed(confirmation: Confirmation):
    """Commit a confirmation and answer it: the receipt code once, or "already counts".

    The receipt code is shown on the answer to the confirming POST itself, never kept
    in a cookie (the session cookie is signed, not encrypted) nor in the database.
    """
    initiative = db.session.get(Initiative, confirmation.signature.initiative_id)
    # Rendered inside the transaction, committed last: no new one opens after it.
    body = render_template(
        "signing/confirmed.html",
        initiative=initiative,
        receipt_code=confirmation.receipt_code,
    )
    db.session.commit()
    response = make_response(body)
    # The receipt code is shown once: no cache may keep this page.
    response.headers["Cache-Control"] = "no-store"
    return response


def _newer_link_sent(initiative: Initiative):
    return (
        render_template("signing/newer_link.html", initiative=initiative),
        409,
    )


def _read_link(token: str, now) -> tuple[int, str]:
    """Return (signature id, code) of a link; a too old one that a newer attempt
    replaced answers that a newer one was sent, not only that it is too old."""
    try:
        return read_confirmation_token(token, now)
    except LinkProblem:
        older = read_expired_confirmation_token(token, now)
        signature = db.session.get(Signature, older[0]) if older else None
        if signature is not None and is_superseded(signature, older[1]):
            raise NewerLinkSent(signature) from None
        raise


@bp.errorhandler(NewerLinkSent)
def _newer_link_of_an_old_link(refusal: NewerLinkSent):
    signature = refusal.args[0]
    return _newer_link_sent(db.session.get(Initiative, signature.initiative_id))


@bp.get("/confirm/<token>")
def confirm(token: str):
    """Show the one-button page; opening the link alone confirms nothing."""
    signature_id, code = _read_link(token, clock.now())
    signature = db.session.get(Signature, signature_id)
    if signature is None or signature.state is SignatureState.withdrawn:
        raise LinkProblem(CONFIRM_SIGNATURE, expired=True, status=410)
    initiative = db.session.get(Initiative, signature.initiative_id)
    if is_superseded(signature, code):
        return _newer_link_sent(initiative)
    return render_template(
        "signing/confirm.html", form=ButtonForm(), token=token, initiative=initiative
    )


@bp.post("/confirm/<token>")
def confirm_post(token: str):
    """Confirm the signature of the link (a second time, or a repeat, changes nothing)."""
    form = ButtonForm()
    if not form.validate():
        raise LinkProblem(CONFIRM_SIGNATURE, expired=False)
    now = clock.now()
    signature_id, code = _read_link(token, now)
    try:
        confirmation = confirm_signature(signature_id, code, now)
    except SignatureGone:
        db.session.rollback()
        raise LinkProblem(CONFIRM_SIGNATURE, expired=True, status=410) from None
    except (NotCollecting, NewerLinkSent) as refusal:
        db.session.rollback()
        signature = db.session.get(Signature, signature_id)
        initiative = db.session.get(Initiative, signature.initiative_id)
        if isinstance(refusal, NewerLinkSent):
            return _newer_link_sent(initiative)
        return _not_collecting(initiative)
    return _confirmed(confirmation)
