"""Models of an initiative's life: representatives, reviews, meetings, staff, reminders."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from petitions.extensions import db
from petitions.models.types import UTCDateTime


class OutboxMessage(db.Model):
    """A mail to send, written in the same transaction as the change that needs it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "sent_at", "next_attempt_at"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(db.String(60))
    # The signature a mail is about, so that expiring the signature drops its mail too.
    signature_id: Mapped[int | None] = mapped_column(index=True)
    # The representative a mail went to, so that the initiators' dashboard lists them.
    representative_id: Mapped[int | None] = mapped_column(index=True)
    initiative_id: Mapped[int | None] = mapped_column(index=True)
    language: Mapped[str] = mapped_column(db.String(2))
    recipient: Mapped[str | None] = mapped_column(db.String(254))
    context: Mapped[dict] = mapped_column(db.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(db.String(200))


class AuditEntry(db.Model):
    """An append-only, hash-chained record of a transition or a staff action."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(db.String(80))
    action: Mapped[str] = mapped_column(db.String(60))
    initiative_id: Mapped[int | None] = mapped_column(index=True)
    public: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(db.Text, default="")
    details: Mapped[dict] = mapped_column(db.JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(db.String(64))
    hash: Mapped[str] = mapped_column(db.String(64))


class ReminderSent(db.Model):
    """A council reminder already sent: the unique key makes each one go once."""

    __tablename__ = "reminder_sent"
    __table_args__ = (
        UniqueConstraint("initiative_id", "kind", name="uq_reminder_sent_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        db.ForeignKey("initiative.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(db.String(40))
    due_on: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobLease(db.Model):
    """Who may run a job until when: two schedulers never run the same job at once."""

    __tablename__ = "job_lease"

    name: Mapped[str] = mapped_column(db.String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(db.String(120))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobRun(db.Model):
    """One run of a sweep by a scheduler process (for operators and the lease test)."""

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(60), index=True)
    holder: Mapped[str] = mapped_column(db.String(120))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str] = mapped_column(db.String(200), default="")


class CountLogEntry(db.Model):
    """A day's published count and Merkle root of an initiative, hash-chained."""

    __tablename__ = "count_log_entry"
    __table_args__ = (
        UniqueConstraint("initiative_id", "day", name="uq_count_log_entry_day"),
        UniqueConstraint("initiative_id", "seq", name="uq_count_log_entry_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        db.ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    day: Mapped[date]
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_count: Mapped[int]
    root: Mapped[str] = mapped_column(db.String(64))
    # What moved the count since the previous entry, so that anyone can reconcile it.
    changes: Mapped[dict] = mapped_column(db.JSON, default=dict)
    # The audit log's head at publication ({"seq", "hash"}): published outside the
    # database, it lets anyone catch a rewritten or shortened audit log.
    audit_head: Mapped[dict | None] = mapped_column(db.JSON(none_as_null=True))
    prev_hash: Mapped[str] = mapped_column(db.String(64))
    hash: Mapped[str] = mapped_column(db.String(64))


class MailBudget(db.Model):
    """Mails queued to one address in one hour or one day, and those dropped.

    Keyed by a keyed hash of the address, never the address itself.
    """

    __tablename__ = "mail_budget"
    __table_args__ = (
        UniqueConstraint(
            "recipient_hash", "period", "starts_at", name="uq_mail_budget_window"
        ),
        CheckConstraint("period IN ('hour', 'day')", name="period_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_hash: Mapped[str] = mapped_column(db.String(64))
    period: Mapped[str] = mapped_column(db.String(4))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    queued: Mapped[int] = mapped_column(default=0)
    dropped: Mapped[int] = mapped_column(default=0)
