"""Initiatives, their texts, representatives, admissibility reviews and consultation meetings."""

import enum
from datetime import date, datetime

from sqlalchemy import UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petitions.extensions import db
from petitions.models.signatures import Signature, still_counts
from petitions.models.types import UTCDateTime, enum_column, utcnow


class InitiativeState(enum.Enum):
    draft = "draft"
    submitted = "submitted"
    inadmissible = "inadmissible"
    collecting = "collecting"
    closed = "closed"
    filed = "filed"
    verified = "verified"
    insufficient = "insufficient"
    with_council = "with_council"
    decided = "decided"
    withdrawn = "withdrawn"


class Outcome(enum.Enum):
    adopted = "adopted"
    amended = "amended"
    rejected = "rejected"


class Initiative(db.Model):
    __tablename__ = "initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(db.String(80), unique=True)
    register_number: Mapped[str | None] = mapped_column(db.String(20), unique=True)
    state: Mapped[InitiativeState] = mapped_column(
        enum_column(InitiativeState), index=True
    )
    initiators: Mapped[str] = mapped_column(db.String(500), default="")
    threshold: Mapped[int]
    collection_starts_on: Mapped[date | None]
    collection_ends_on: Mapped[date | None]
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    council_deadline: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the state last changed: retention periods and the feed count from here.
    state_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    threshold_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_count: Mapped[int | None]
    invalid_count: Mapped[int | None]
    agenda_date: Mapped[date | None]
    vote_date: Mapped[date | None]
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    minutes_url: Mapped[str | None] = mapped_column(db.String(500))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last certified dossier: its Merkle root over the signature leaves, their
    # number and when it was exported (receipts show inclusion proofs against it).
    dossier_root: Mapped[str | None] = mapped_column(db.String(64))
    dossier_leaf_count: Mapped[int | None]
    dossier_exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    texts: Mapped[list["InitiativeText"]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan"
    )
    representatives: Mapped[list["Representative"]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        order_by="Representative.id",
    )
    meetings: Mapped[list["ConsultationMeeting"]] = relationship(
        cascade="all, delete-orphan", order_by="ConsultationMeeting.starts_at"
    )

    def text(self, language: str) -> "InitiativeText | None":
        """Return the text in ``language``, else French, else Dutch, else any."""
        by_language = {t.language: t for t in self.texts}
        for candidate in (language, "fr", "nl"):
            if candidate in by_language:
                return by_language[candidate]
        return next(iter(by_language.values()), None)

    def confirmed_count(self) -> int:
        """Return the number of signatures that count (confirmed, not invalidated)."""
        return db.session.scalar(
            select(func.count(Signature.id)).where(
                Signature.initiative_id == self.id, still_counts()
            )
        )


class InitiativeText(db.Model):
    __tablename__ = "initiative_text"
    __table_args__ = (
        UniqueConstraint(
            "initiative_id", "language", name="uq_initiative_text_language"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        db.ForeignKey("initiative.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(db.String(2))
    title: Mapped[str] = mapped_column(db.String(200))
    summary: Mapped[str] = mapped_column(db.Text)
    body: Mapped[str] = mapped_column(db.Text)

    initiative: Mapped[Initiative] = relationship(back_populates="texts")


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
