"""Mail through an outbox: written with the change that needs it, delivered by a job."""

import logging
import os
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select, update

from petitions.extensions import db
from petitions.hashing import identity_key
from petitions.mail.budget import spend
from petitions.mail.context import build_context
from petitions.models import OutboxMessage
from petitions.private_files import open_private
from verification.identity import keyed_hash

logger = logging.getLogger(__name__)

# Retry after 1, 2, 4 ... minutes, never more than an hour apart: a mail server that is
# down for a day loses nothing, and its return is noticed within the hour.
MAX_BACKOFF = timedelta(hours=1)

# Dropped from the outbox once delivered: signatories' codes, and a visitor's feedback
# and reply address (they concern no initiative, so no retention sweep would reach them).
SECRET_CONTEXT = ("code", "receipt_code", "feedback_text", "reply_to")


def enqueue(
    template: str, language: str, recipient: str, now: datetime, **context
) -> OutboxMessage | None:
    """Add a mail to the outbox in the current transaction, within its recipient's budget.

    Once the address's budget for the hour or the day is spent, the mail is dropped
    (and counted in the mail_budget table): None is returned and nothing is queued.
    """
    if not spend(recipient, now):
        # The template only: the address is personal data.
        logger.warning("mail budget of a recipient spent: %s mail dropped", template)
        return None
    message = OutboxMessage(
        template=template,
        language=language,
        recipient=recipient,
        context=context,
        signature_id=context.get("signature_id"),
        representative_id=context.get("representative_id"),
        initiative_id=context.get("initiative_id"),
        created_at=now,
        next_attempt_at=now,
        attempts=0,
    )
    db.session.add(message)
    return message


def backoff(attempts: int) -> timedelta:
    """Return the wait before the next attempt after ``attempts`` failures."""
    return min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)


def render_message(message: OutboxMessage, now: datetime) -> EmailMessage:
    """Render the text and HTML parts of an outbox message in its language."""
    context = build_context(message, now)
    folder = f"email/{message.template}"
    with force_locale(message.language):
        subject = render_template(f"{folder}/subject.txt", **context).strip()
        text = render_template(f"{folder}/body.txt", **context)
        html = render_template(f"{folder}/body.html", **context)
    email = EmailMessage()
    email["Subject"] = subject
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message_id(message)
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    # After the parts: set_content() replaces every Content-* header.
    email["Content-Language"] = message.language
    # The embedded default has no real mailbox: the link is logged for the developer.
    if context.get("confirm_url") and current_app.config["MAIL_TRANSPORT"] == "file":
        logger.info(
            "confirmation link (outbox %s): %s", message.id, context["confirm_url"]
        )
    return email


def message_id(message: OutboxMessage) -> str:
    """Return the Message-ID of an outbox message: the same at every attempt.

    A mail sent again after a crash (sent, but not yet marked sent) is then the same
    mail to the recipient's mail system. Keyed, so that it does not tell how many mails
    the service has sent.
    """
    digest = keyed_hash(identity_key(), "message-id", str(message.id))[:32]
    return f"<{digest}@initiatives.brussels>"


class FileTransport:
    """Write each mail as an .eml file (the embedded default), readable by its owner only."""

    def __init__(self, directory: str):
        self.directory = directory
        os.makedirs(directory, mode=0o700, exist_ok=True)

    def send(self, message_id: int, email: EmailMessage) -> None:
        path = os.path.join(self.directory, f"{message_id:08d}.eml")
        with open_private(path) as handle:
            handle.write(bytes(email))

    def close(self) -> None:
        pass


class SMTPTransport:
    """Send mail over one SMTP connection per delivery run."""

    def __init__(self, config):
        self.connection = smtplib.SMTP(
            config["MAIL_SERVER"],
            int(config["MAIL_PORT"]),
            timeout=config["MAIL_TIMEOUT"],
        )
        if config["MAIL_USE_STARTTLS"]:
            self.connection.starttls()
        if config["MAIL_USERNAME"]:
            self.connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])

    def send(self, message_id: int, email: EmailMessage) -> None:
        self.connection.send_message(email)

    def close(self) -> None:
        try:
            self.connection.quit()
        except smtplib.SMTPException:
            self.connection.close()


def open_transport():
    """Return the configured transport (raises OSError when the server is unreachable)."""
    config = current_app.config
    if config["MAIL_TRANSPORT"] == "smtp":
        return SMTPTransport(config)
    return FileTransport(config["MAIL_FILE_DIRECTORY"])


def deliver_outbox(now: datetime) -> dict:
    """Send every due message; failures wait with backoff; addresses go once delivered."""
    batch = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(current_app.config["OUTBOX_BATCH_SIZE"])
    ).all()
    counts = {"sent": 0, "failed": 0}
    if not batch:
        return counts
    try:
        transport = open_transport()
    except (OSError, smtplib.SMTPException) as exc:
        for message in batch:
            _failed(message, exc, now)
        counts["failed"] = len(batch)
        return counts
    try:
        for message in batch:
            if not _claim(message.id, now):
                continue  # another delivery run took it meanwhile
            try:
                transport.send(message.id, render_message(message, now))
            except (OSError, smtplib.SMTPException) as exc:
                _failed(message, exc, now)
                counts["failed"] += 1
            else:
                _sent(message, now)
                counts["sent"] += 1
            # Unlike the other sweeps, this one commits each message: a mail is out the
            # moment the server accepts it, and a process killed later in the batch
            # must not leave the earlier ones to be sent a second time.
            db.session.commit()
    finally:
        transport.close()
    return counts


def _claim(message_id: int, now: datetime) -> bool:
    """Take a due message for this run, for a lease's time; False if another run has it.

    Two schedulers each hold the delivery job's lease in turn, but a run slower than the
    lease (a slow mail server) overlaps the next one: each message is claimed, and
    committed as claimed, before it is sent, so that only one of them sends it. A process
    killed between claim and send leaves the message due again once the claim is over.
    """
    claimed_until = current_app.config["CLOCK"]() + timedelta(
        seconds=current_app.config["JOB_LEASE_SECONDS"]
    )
    taken = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
        )
        .values(next_attempt_at=claimed_until)
    ).rowcount
    db.session.commit()
    return bool(taken)


def _sent(message: OutboxMessage, now: datetime) -> None:
    message.sent_at = now
    message.recipient = None
    # Codes are the signatory's secrets: gone from the outbox once delivered.
    message.context = {
        k: v for k, v in message.context.items() if k not in SECRET_CONTEXT
    }


def _failed(message: OutboxMessage, exc: Exception, now: datetime) -> None:
    message.attempts += 1
    message.next_attempt_at = now + backoff(message.attempts)
    # The error's class only: SMTP replies can quote the recipient's address.
    message.last_error = type(exc).__name__


def prune_mail_files(now: datetime) -> dict:
    """Delete the mail files older than MAIL_FILE_RETENTION_DAYS (the "file" transport)."""
    directory = current_app.config["MAIL_FILE_DIRECTORY"]
    cutoff = (
        now - timedelta(days=current_app.config["MAIL_FILE_RETENTION_DAYS"])
    ).timestamp()
    deleted = 0
    if not os.path.isdir(directory):
        return {"deleted": deleted}
    with os.scandir(directory) as entries:
        for entry in entries:
            if (
                entry.name.endswith(".eml")
                and entry.is_file(follow_symlinks=False)
                and entry.stat(follow_symlinks=False).st_mtime < cutoff
            ):
                os.unlink(entry.path)
                deleted += 1
    return {"deleted": deleted}
