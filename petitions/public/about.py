"""About the service: the accessibility statement and the feedback form."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup

from petitions import clock
from petitions.extensions import db
from petitions.initiatives import audit
from petitions.mail.recipients import mail_staff
from petitions.models import StaffRole
from petitions.public.forms import FeedbackForm
from petitions.web.forms import caught_by_honeypot
from petitions.web.languages import current_language
from petitions.web.limits import per_client
from petitions.web.urls import local_path

bp = Blueprint("about", __name__)

# The statement's own facts, shown on the page; change them with each new assessment.
STATEMENT_PREPARED_ON = date(2026, 11, 26)

ACCESSIBILITY_EMAIL = "accessibility@example.brussels"

OMBUDSMAN_SITE = "https://www.ombudsman.be/"


@dataclass
class Feedback:
    """What a visitor tells the secretariat."""

    message: str
    page: str = ""
    reply_to: str = ""
    language: str = "fr"


def receive_feedback(feedback: Feedback, now: datetime) -> int:
    """Mail the feedback to every secretariat member; audit it; return the mails queued."""
    recipients = mail_staff(
        (StaffRole.secretariat,),
        "feedback",
        now,
        feedback_text=feedback.message,
        feedback_page=feedback.page,
        reply_to=feedback.reply_to,
        reply_language=feedback.language,
    )
    # Recorded in every case, so that feedback sent while nobody holds the secretariat
    # role is not lost silently; never the message or the address (personal data).
    audit.record(
        "public",
        "feedback-received",
        now,
        recipients=recipients,
        reply_wanted=bool(feedback.reply_to),
        language=feedback.language,
    )
    return recipients


@bp.get("/accessibility")
def accessibility():
    """Show the accessibility statement (the EU model statement)."""
    return render_template(
        "about/accessibility.html",
        prepared_on=STATEMENT_PREPARED_ON,
        accessibility_email=ACCESSIBILITY_EMAIL,
        public_base_url=_link(current_app.config["PUBLIC_BASE_URL"]),
        ombudsman_site=_link(OMBUDSMAN_SITE),
    )


def _link(url: str) -> Markup:
    # A link to put in a translated sentence; its text is the address without the scheme.
    text = url.split("://", 1)[-1].rstrip("/")
    return Markup('<a href="{0}">{1}</a>').format(url, text)


@bp.get("/feedback")
def feedback():
    """Show the feedback form, with the page the visitor came from."""
    form = FeedbackForm(
        formdata=None,
        page=local_path(request.args.get("page")) or "",
        language=current_language(),
    )
    return render_template("about/feedback.html", form=form)


@bp.post("/feedback")
@per_client("LIMIT_FEEDBACK", accepted_only=True)
def send_feedback():
    """Check the feedback form; queue the mails to the secretariat."""
    form = FeedbackForm()
    if caught_by_honeypot(form):
        return redirect(url_for("about.feedback_sent"), code=303)
    if not form.validate():
        return render_template("about/feedback.html", form=form), 400
    receive_feedback(
        Feedback(
            message=form.message.data,
            page=form.page.data or "",
            reply_to=form.email.data or "",
            language=form.language.data,
        ),
        clock.now(),
    )
    db.session.commit()
    return redirect(url_for("about.feedback_sent"), code=303)


@bp.get("/feedback/sent")
def feedback_sent():
    """Thank the visitor for their feedback."""
    return render_template("about/feedback_sent.html")
