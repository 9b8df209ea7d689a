"""Paper signatures: sheets signed in person, entered by the secretariat.

A paper signature is the same signature as an online one, made another way: the same
eligibility (age on the day it was signed, an address in the City), the same identity
hash, so that one person counts once whichever way they signed, and a commitment, so
that it is a leaf of the dossier's Merkle tree like the others. Its receipt code is
drawn and thrown away: a paper signatory gets no receipt and, having no e-mail
envelope, no mail from the service either.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from petitions.extensions import db
from petitions.hashing import identity_key
from petitions.initiatives import audit
from petitions.initiatives.operations import staff_actor
from petitions.models import (
    Initiative,
    InitiativeState,
    OutboxMessage,
    Signature,
    SignatureState,
)
from petitions.paper.rules import check_signed_on, signed_at
from petitions.sealing.records import seal_signature
from petitions.signing.operations import (
    NotCollecting,
    SignatoryDetails,
    check_eligibility,
    signatory_record,
)
from verification.eligibility import EligibilityError
from verification.identity import email_hash, identity_hash
from verification.merkle import commitment, new_receipt_code

CHANNEL = "paper"

# The signature's language column needs a value; it only chooses the language of mails,
# and a paper signatory receives none (the sheet itself is bilingual).
LANGUAGE = "fr"

ACCEPTED, DUPLICATE, NOT_RESIDENT, UNDER_AGE, UNREADABLE = (
    "accepted",
    "duplicate",
    "not_resident",
    "under_age",
    "unreadable",
)

OUTCOMES = (ACCEPTED, DUPLICATE, NOT_RESIDENT, UNDER_AGE, UNREADABLE)

# The refusals of verification.eligibility, as outcomes of a sheet's row.
ELIGIBILITY_OUTCOMES = {
    "too_young": UNDER_AGE,
    "born_in_future": UNREADABLE,
    "unknown_street": NOT_RESIDENT,
    "wrong_postcode": NOT_RESIDENT,
    "not_in_city": NOT_RESIDENT,
}


@dataclass
class PaperEntry:
    surname: str
    first_names: str
    birth_date: date
    street: str
    house_number: str
    box: str
    postcode: str
    email: str
    signed_on: date


@dataclass
class Entered:
    outcome: str
    reason: str | None = None  # the eligibility refusal's code, when there is one


def paper_count(initiative: Initiative) -> int:
    """Return how many of the initiative's confirmed signatures were made on paper."""
    return db.session.scalar(
        select(func.count(Signature.id)).where(
            Signature.initiative_id == initiative.id,
            Signature.state == SignatureState.confirmed,
            Signature.channel == CHANNEL,
        )
    )


def enter_paper_signature(
    initiative: Initiative, entry: PaperEntry, now: datetime
) -> Entered:
    """Record one row of a paper sheet, counted at once, or say why it is refused.

    Raises NotCollecting outside the collection and SignedOnRefused for an impossible
    date; the other refusals (duplicate, not resident, under age) are outcomes, since a
    sheet's row is what it is and the secretariat reports it rather than corrects it.
    """
    if initiative.state is not InitiativeState.collecting:
        raise NotCollecting()
    check_signed_on(initiative, entry.signed_on, now)
    details = SignatoryDetails(
        surname=entry.surname,
        first_names=entry.first_names,
        birth_date=entry.birth_date,
        street=entry.street,
        house_number=entry.house_number,
        box=entry.box or "",
        postcode=entry.postcode,
        email=entry.email or "",
        language=LANGUAGE,
    )
    signed = signed_at(entry.signed_on)
    try:
        street = check_eligibility(details, signed)
    except EligibilityError as refusal:
        return Entered(ELIGIBILITY_OUTCOMES[refusal.reason], refusal.reason)
    key = identity_key()
    identity = identity_hash(key, entry.surname, entry.first_names, entry.birth_date)
    existing = db.session.scalar(
        select(Signature).where(
            Signature.initiative_id == initiative.id,
            Signature.identity_hash == identity,
        )
    )
    if existing is not None:
        if existing.state is not SignatureState.pending:
            return Entered(DUPLICATE)
        # Begun online but never confirmed: the signed sheet is the signature that
        # counts. The unconfirmed one goes, with its unsent mails (its link then
        # answers like an expired one).
        _forget_pending(existing)
    signature = Signature(
        initiative_id=initiative.id,
        state=SignatureState.confirmed,
        identity_hash=identity,
        email_hash=email_hash(key, entry.email) if entry.email else None,
        language=LANGUAGE,
        neighbourhood=street.neighbourhood,
        channel=CHANNEL,
        notify_decision=False,
        mails_sent=0,
        created_at=signed,
        confirmed_at=now,
        # The receipt code is never shown: only its commitment, the Merkle leaf, stays.
        commitment=commitment(new_receipt_code(), initiative.id).hex(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(signature)
            db.session.flush()
            seal_signature(signature, _record(details, street))
            db.session.flush()
    except IntegrityError:
        # The same person entered at the same moment by another request.
        return Entered(DUPLICATE)
    return Entered(ACCEPTED)


def _forget_pending(signature: Signature) -> None:
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.signature_id == signature.id, OutboxMessage.sent_at.is_(None)
        )
    )
    db.session.delete(signature)
    db.session.flush()


def _record(details: SignatoryDetails, street) -> dict:
    """Return the sealed record: an online signature's keys, channel "paper"."""
    return signatory_record(replace(details, notify_decision=False), street, CHANNEL)


def record_entry(initiative: Initiative, staff, counts: dict, now: datetime) -> None:
    """Write the save in the audit log: who entered how many rows, never whose."""
    audit.record(
        staff_actor(staff),
        "paper-signature-entered",
        now,
        initiative,
        **{outcome: counts.get(outcome, 0) for outcome in OUTCOMES},
    )
