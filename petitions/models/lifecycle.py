"""Models of an initiative's life: representatives, reviews, meetings, staff, reminders."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .core import Initiative, StaffRole, UTCDateTime, _enum


class Representative(db.Model):
    """One of the 1-3 people who speak for an initiative's initiators."""

    __tablename__ = "representative"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        db.ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(db.String(100))
    email: Mapped[str] = mapped_column(db.String(254))
    language: Mapped[str] = mapped_column(db.String(2))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    initiative: Mapped[Initiative] = relationship(back_populates="representatives")


class AdmissibilityReview(db.Model):
    """The secretariat's recorded checklist and decision on a submitted initiative."""

    __tablename__ = "admissibility_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        db.ForeignKey("initiative.id", ondelete="CASCADE"), unique=True
    )
    staff_id: Mapped[int] = mapped_column(db.ForeignKey("staff.id"))
    admissible: Mapped[bool]
    # {item: {"ok": bool, "reason": str}} for every item of ADMISSIBILITY_CHECKLIST.
    checklist: Mapped[dict] = mapped_column(db.JSON)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsultationMeeting(db.Model):
    """A consultation meeting of the council president with the initiators."""

    __tablename__ = "consultation_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        db.ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(db.String(200))
    notes: Mapped[str] = mapped_column(db.Text, default="")


class Staff(db.Model):
    """A member of the council secretariat, the president, or a viewer."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(db.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(db.String(255))
    role: Mapped[StaffRole] = mapped_column(_enum(StaffRole))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


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
    prev_hash: Mapped[str] = mapped_column(db.String(64))
    hash: Mapped[str] = mapped_column(db.String(64))
