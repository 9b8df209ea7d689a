"""Receipts: a signatory checks, with their receipt code, that their signature counts.

The code never travels in a URL: the form posts it and the answer is rendered from the
POST itself, uncached. The daily public count log of an initiative lives here too.
"""

from flask import Blueprint, make_response, redirect, render_template, url_for

from petitions import clock
from petitions.extensions import db
from petitions.initiatives.count_log import entries, entry_json
from petitions.initiatives.labels import REASON_LABELS
from petitions.initiatives.queries import get_initiative_or_404
from petitions.models import Initiative, Signature, SignatureState
from petitions.receipts.forms import ReceiptForm, WithdrawRequestForm
from petitions.receipts.operations import (
    CannotMail,
    NotWithdrawable,
    inclusion,
    request_withdrawal,
    signature_by_receipt,
    withdraw_signature,
)
from petitions.receipts.rules import is_withdrawable
from petitions.web.forms import ButtonForm
from petitions.web.limits import per_client
from petitions.web.tokens import (
    WITHDRAW_SIGNATURE,
    LinkProblem,
    read_withdrawal_token,
)

bp = Blueprint("receipts", __name__)


def _no_store(body, status: int = 200):
    response = make_response(body, status)
    # The answer is about one person's signature: no cache, shared or not, keeps it.
    response.headers["Cache-Control"] = "no-store"
    return response


def _answer(initiative: Initiative, code: str, form: ReceiptForm):
    """Render what a receipt code says about its signature, without personal data."""
    signature = signature_by_receipt(initiative, code)
    now = clock.now()
    withdraw_form = None
    if signature is not None and is_withdrawable(initiative, signature, now):
        withdraw_form = WithdrawRequestForm(code=code)
    return render_template(
        "receipts/receipt.html",
        initiative=initiative,
        form=form,
        checked=True,
        signature=signature,
        state=signature.state.value if signature else None,
        verdict_reason=(
            REASON_LABELS.get(signature.verdict_reason, REASON_LABELS["other"])
            if signature is not None and signature.verdict == "invalid"
            else None
        ),
        proof=inclusion(initiative, signature) if signature else None,
        withdraw_form=withdraw_form,
    )


@bp.route("/initiatives/<slug>/receipt", methods=["GET", "POST"])
@per_client("LIMIT_RECEIPT")
def receipt(slug: str):
    """Check a receipt code: counted, found valid, its inclusion proof; withdraw."""
    initiative = get_initiative_or_404(slug)
    form = ReceiptForm()
    if not form.is_submitted():
        return _no_store(
            render_template("receipts/receipt.html", initiative=initiative, form=form)
        )
    if not form.validate():
        return _no_store(
            render_template("receipts/receipt.html", initiative=initiative, form=form),
            400,
        )
    answer = _answer(initiative, form.code.data, ReceiptForm(formdata=None))
    return _no_store(answer)


def _not_withdrawable(initiative: Initiative, cannot_mail: bool = False):
    return _no_store(
        render_template(
            "receipts/not_withdrawable.html",
            initiative=initiative,
            cannot_mail=cannot_mail,
        ),
        409,
    )


@bp.post("/initiatives/<slug>/receipt/withdraw", endpoint="request_withdrawal")
@per_client("LIMIT_RECEIPT")
def request_withdrawal_view(slug: str):
    """Mail the signatory the link that withdraws their signature."""
    initiative = get_initiative_or_404(slug)
    form = WithdrawRequestForm()
    if not form.validate():
        return _no_store(
            render_template(
                "receipts/receipt.html", initiative=initiative, form=ReceiptForm()
            ),
            400,
        )
    signature = signature_by_receipt(initiative, form.code.data)
    if signature is None:
        return _no_store(
            _answer(initiative, form.code.data, ReceiptForm(formdata=None)), 400
        )
    try:
        request_withdrawal(initiative, signature, form.code.data, clock.now())
    except NotWithdrawable:
        db.session.rollback()
        return _not_withdrawable(initiative)
    except CannotMail:
        db.session.rollback()
        return _not_withdrawable(initiative, cannot_mail=True)
    db.session.commit()
    return redirect(url_for("receipts.withdrawal_requested", slug=slug), code=303)


@bp.get("/initiatives/<slug>/receipt/withdrawal-requested")
def withdrawal_requested(slug: str):
    """Tell the signatory to look for the withdrawal mail."""
    initiative = get_initiative_or_404(slug)
    return render_template("receipts/withdrawal_requested.html", initiative=initiative)


@bp.get("/withdraw/<token>")
def withdraw(token: str):
    """Show the one-button withdrawal page; opening the link alone changes nothing."""
    signature_id = read_withdrawal_token(token, clock.now())
    signature = db.session.get(Signature, signature_id)
    if signature is None:
        raise LinkProblem(WITHDRAW_SIGNATURE, expired=False, status=410)
    initiative = db.session.get(Initiative, signature.initiative_id)
    if signature.state is SignatureState.withdrawn:
        return redirect(url_for("receipts.withdrawn", slug=initiative.slug), code=303)
    if not is_withdrawable(initiative, signature, clock.now()):
        return _not_withdrawable(initiative)
    return render_template(
        "receipts/withdraw.html", form=ButtonForm(), token=token, initiative=initiative
    )


@bp.post("/withdraw/<token>")
def withdraw_post(token: str):
    """Withdraw the signature of the link (a second time changes nothing)."""
    form = ButtonForm()
    if not form.validate():
        raise LinkProblem(WITHDRAW_SIGNATURE, expired=False)
    now = clock.now()
    signature_id = read_withdrawal_token(token, now)
    try:
        signature = withdraw_signature(signature_id, now)
    except NotWithdrawable:
        db.session.rollback()
        signature = db.session.get(Signature, signature_id)
        return _not_withdrawable(db.session.get(Initiative, signature.initiative_id))
    if signature is None:
        db.session.rollback()
        raise LinkProblem(WITHDRAW_SIGNATURE, expired=False, status=410)
    slug = db.session.get(Initiative, signature.initiative_id).slug
    db.session.commit()
    return redirect(url_for("receipts.withdrawn", slug=slug), code=303)


@bp.get("/initiatives/<slug>/withdrawn")
def withdrawn(slug: str):
    """Say that the signature is withdrawn and its personal data erased."""
    initiative = get_initiative_or_404(slug)
    return render_template("receipts/withdrawn.html", initiative=initiative)


@bp.get("/initiatives/<slug>/log", endpoint="count_log")
def count_log_page(slug: str):
    """List an initiative's daily, hash-chained count log and how to check it."""
    initiative = get_initiative_or_404(slug)
    rows = [entry_json(initiative.slug, e) for e in entries(initiative)]
    return render_template("receipts/log.html", initiative=initiative, entries=rows)
