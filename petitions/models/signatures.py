"""Signatures, their states, the columns that hold personal data, and the street register."""

import enum
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column

from petitions.extensions import db
from petitions.models.types import UTCDateTime, enum_column

# What a signature holds about its signatory: emptied at the end of retention, and at
# once when it is withdrawn. The commitment (the receipt's leaf) stays: it reveals
# nothing without the receipt code.
PERSONAL_COLUMNS = (
    "identity_hash",
    "email_hash",
    "code_hash",
    "sealed",
    "sealing_key_id",
    "envelope_identity",
    "envelope_code",
    "envelope_receipt",
    "repeat_notice_at",
    "client_network",
    "mail_domain",
)


# The verdict reason of a signature the secretariat invalidated in a batch.
BULK_REASON = "secretariat"


def erased_personal_columns() -> dict[str, None]:
    """Return the values that empty a signature's personal columns (for an UPDATE)."""
    return dict.fromkeys(PERSONAL_COLUMNS)


class SignatureState(enum.Enum):
    pending = "pending"
    confirmed = "confirmed"
    withdrawn = "withdrawn"


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
    state: Mapped[SignatureState] = mapped_column(enum_column(SignatureState))
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
    # signatory's input rebuilds (verification.envelope): their identity (kept while the
    # signature counts, to tell that address when someone confirms a repeat in its
    # name), the code of the newest confirmation link, the receipt code once confirmed.
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
    # When the signature's address was last told that a repeat was confirmed in its
    # name: at most once a day (signing/rules.py).
    repeat_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the secretariat's fraud view groups online signatures by: the keyed hash of
    # the client's network (verification.identity.network_hash, never the address) and
    # the lower-cased domain of the address typed. Erased once the register check is
    # applied, at a withdrawal and by the retention sweep.
    client_network: Mapped[str | None] = mapped_column(db.String(64))
    mail_domain: Mapped[str | None] = mapped_column(db.String(255))
    # When the secretariat invalidated the signature in a batch (verdict "invalid",
    # reason BULK_REASON): from then on it no longer counts (see ``still_counts``).
    invalidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def still_counts():
    """Return the SQL condition of a signature that counts: confirmed, not invalidated
    by the secretariat. The register check's own verdicts do not enter here: they are
    counted apart, as the check's result."""
    return and_(
        Signature.state == SignatureState.confirmed,
        Signature.invalidated_at.is_(None),
    )


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
