"""What each e-mail template is given, built at delivery time from the outbox row."""

from datetime import date, datetime

from flask import current_app

from petitions.extensions import db
from petitions.models import Initiative
from petitions.web.tokens import (
    confirmation_token,
    management_token,
    representative_token,
    withdrawal_token,
)
from petitions.web.urls import public_url

# Mails that carry each representative their own management link, with the page that
# replaces an expired one. Never a staff member's: their copies carry no representative.
MANAGEMENT_LINK_TEMPLATES = ("management-link", "threshold-reached", "initiative-filed")

# Context values stored as ISO strings in the outbox, turned back into dates for display.
DATE_KEYS = ("deadline",)

DATETIME_KEYS = ("starts_at",)


def build_context(message, now: datetime) -> dict:
    """Return the template variables of an outbox message."""
    context = dict(message.context)
    for key in DATE_KEYS:
        if isinstance(context.get(key), str):
            context[key] = date.fromisoformat(context[key])
    for key in DATETIME_KEYS:
        if isinstance(context.get(key), str):
            context[key] = datetime.fromisoformat(context[key])
    # Some mails (the visitors' feedback) concern no initiative at all.
    initiative_id = context.get("initiative_id")
    initiative = (
        db.session.get(Initiative, initiative_id) if initiative_id is not None else None
    )
    if initiative is not None:
        _initiative_context(context, initiative, message.language)
    context["max_per_email"] = current_app.config["MAX_SIGNATURES_PER_EMAIL"]
    _links(context, message, now)
    return context


def _initiative_context(context: dict, initiative: Initiative, language: str) -> None:
    text = initiative.text(language)
    context["initiative_title"] = text.title if text else initiative.slug
    context["initiative_url"] = public_url("public.initiative", slug=initiative.slug)
    context["staff_url"] = public_url("secretariat.initiative", slug=initiative.slug)
    context["receipt_url"] = public_url("receipts.receipt", slug=initiative.slug)
    context["register_number"] = initiative.register_number
    context["collection_ends_on"] = initiative.collection_ends_on
    context["council_deadline"] = initiative.council_deadline
    context["threshold"] = initiative.threshold
    context["vote_date"] = initiative.vote_date
    context["outcome"] = initiative.outcome.value if initiative.outcome else None
    context["overdue"] = str(context.get("kind", "")).startswith("overdue")


def _links(context: dict, message, now: datetime) -> None:
    if message.template == "signature-confirmed":
        # In the fragment, which no server sees: the receipt page fills its field.
        context["receipt_url"] += "#code=" + context["receipt_code"]
    if message.template == "confirm-signature":
        token = confirmation_token(context["signature_id"], context["code"], now)
        context["confirm_url"] = public_url("signing.confirm", token=token)
    elif message.template == "confirm-representative":
        token = representative_token(context["representative_id"], now)
        context["confirm_url"] = public_url(
            "initiators.confirm_representative", token=token
        )
    elif (
        message.template in MANAGEMENT_LINK_TEMPLATES
        and context.get("representative_id") is not None
    ):
        token = management_token(
            context["initiative_id"], context["representative_id"], now
        )
        context["manage_url"] = public_url("initiators.manage", token=token)
        context["request_link_url"] = public_url("initiators.request_link")
        context["link_days"] = current_app.config["MANAGEMENT_LINK_MAX_AGE"] // 86400
    elif message.template == "withdraw-signature":
        token = withdrawal_token(context["signature_id"], now)
        context["withdraw_url"] = public_url("receipts.withdraw", token=token)
        context["link_days"] = current_app.config["CONFIRMATION_MAX_AGE"] // 86400
