"""What each e-mail template is given, built at delivery time from the outbox row."""

from datetime import datetime

from flask import current_app

from .extensions import db
from .mail import public_url
from .models import Initiative
from .tokens import confirmation_token


def build_context(message, now: datetime) -> dict:
    """Return the template variables of an outbox message."""
    context = dict(message.context)
    initiative = db.session.get(Initiative, context.get("initiative_id"))
    if initiative is not None:
        text = initiative.text(message.language)
        context["initiative_title"] = text.title if text else initiative.slug
        context["initiative_url"] = public_url(
            "public.initiative", slug=initiative.slug
        )
    context["max_per_email"] = current_app.config["MAX_SIGNATURES_PER_EMAIL"]
    if message.template == "confirm-signature":
        token = confirmation_token(context["signature_id"], now)
        context["confirm_url"] = public_url("signing.confirm", token=token)
    return context
