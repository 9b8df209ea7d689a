"""Database models: initiatives, their texts, signatures, the street register, the outbox."""

import enum
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator

from ..extensions import db

if TYPE_CHECKING:
    from .lifecycle import ConsultationMeeting, Representative


def utcnow() -> datetime:
    """Return the current instant, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An instant stored in UTC and always read back as an aware datetime.

    SQLite keeps no time zone; PostgreSQL's ``timestamptz`` does. Normalising here keeps
    comparisons with an aware ``now`` exact on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


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


class SignatureState(enum.Enum):
    pending = "pending"
    confirmed = "confirmed"
    withdrawn = "withdrawn"


class Outcome(enum.Enum):
    adopted = "adopted"
    amended = "amended"
    rejected = "rejected"


class StaffRole(enum.Enum):
    secretariat = "secretariat"
    president = "president"
    viewer = "viewer"


def _enum(cls):
    return db.Enum(
        cls,
        native_enum=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


class Initiative(db.Model):
    __tablename__ = "initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(db.String(80), unique=True)
    register_number: Mapped[str | None] = mapped_column(db.String(20), unique=True)
    state: Mapped[InitiativeState] = mapped_column(_enum(InitiativeState), index=True)
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
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome))
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
        """Return the number of confirmed signatures."""
        return db.session.scalar(
            select(func.count(Signature.id)).where(
                Signature.initiative_id == self.id,
                Signature.state == SignatureState.confirmed,
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


class Signature(db.Model):
    __tablename__ = "signature"
    __table_args__ = (
        # One person, one signature per initiative: enforced by the database itself, so
        # that two simultaneous requests cannot both insert.
        UniqueConstraint(
            "initiative_id", "identity_hash", name="uq_signature_identity"
        ),
        UniqueConstraint("initiative_id", "code_hash", name="uq_signature_code"),
        Index("ix_signature_initiative_state", "initiative_id", "state"),
        Index("ix_signature_initiative_email", "initiative_id", "email_hash"),
        Index("ix_signature_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        db.ForeignKey("initiative.id", ondelete="CASCADE")
    )
    state: Mapped[SignatureState] = mapped_column(_enum(SignatureState))
    # The keyed hashes are emptied by the retention sweep (purge-personal-data); state,
    # timestamps, neighbourhood and commitment stay for the counts and the receipts.
    identity_hash: Mapped[str | None] = mapped_column(db.String(64))
    email_hash: Mapped[str | None] = mapped_column(db.String(64))
    code_hash: Mapped[str | None] = mapped_column(db.String(64))
    # The personal data (names, date of birth, address, e-mail, language, channel) as
    # one record sealed to the secretariat's public key: the web server cannot read it.
    sealed: Mapped[bytes | None] = mapped_column(db.LargeBinary)
    sealing_key_id: Mapped[str | None] = mapped_column(db.String(16))
    # The address for the service's own mails, each under a key that only the
    # signatory's input rebuilds (verification.envelope): their identity while pending,
    # the confirmation code until confirmed, the receipt code afterwards.
    envelope_identity: Mapped[bytes | None] = mapped_column(db.LargeBinary)
    envelope_code: Mapped[bytes | None] = mapped_column(db.LargeBinary)
    envelope_receipt: Mapped[bytes | None] = mapped_column(db.LargeBinary)
    # The receipt's commitment (hex), which is also the signature's Merkle leaf.
    commitment: Mapped[str | None] = mapped_column(db.String(64), unique=True)
    # The register check: "valid" or "invalid" with a reason code.
    verdict: Mapped[str | None] = mapped_column(db.String(10))
    verdict_reason: Mapped[str | None] = mapped_column(db.String(20))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(db.String(2))
    neighbourhood: Mapped[str | None] = mapped_column(db.String(80))
    channel: Mapped[str] = mapped_column(db.String(10), default="online")
    mails_sent: Mapped[int] = mapped_column(default=1)
    # A separate, unticked opt-in: one e-mail when the council decides.
    notify_decision: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Street(db.Model):
    """One row of the street register: a street (or a stretch of it) in one postcode."""

    __tablename__ = "street"
    __table_args__ = (
        Index("ix_street_key_fr", "key_fr"),
        Index("ix_street_key_nl", "key_nl"),
    )

    id: Mapped[str] = mapped_column(db.String(40), primary_key=True)
    name_fr: Mapped[str] = mapped_column(db.String(120))
    name_nl: Mapped[str] = mapped_column(db.String(120))
    key_fr: Mapped[str] = mapped_column(db.String(120))
    key_nl: Mapped[str] = mapped_column(db.String(120))
    postcode: Mapped[str] = mapped_column(db.String(4))
    nis_code: Mapped[str] = mapped_column(db.String(5))
    number_from: Mapped[int | None]
    number_to: Mapped[int | None]
    neighbourhood: Mapped[str | None] = mapped_column(db.String(80))


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
