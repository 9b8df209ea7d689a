"""State changes in the domain's words. Operations flush; the request or job edge commits."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from petitions import dates
from petitions.extensions import db
from petitions.mail.outbox import enqueue
from petitions.models import (
    Initiative,
    OutboxMessage,
    Signature,
    SignatureState,
)
from petitions.sealing.envelopes import CODE, IDENTITY, RECEIPT, close, open_
from petitions.sealing.records import seal_signature
from petitions.signing.rules import (
    address_has_room,
    is_open_for_signing,
    may_resend_confirmation,
    pending_cutoff,
)
from petitions.signing.streets import segments_for
from petitions.web.limits import allow_attempt
from verification import codes
from verification.codes import new_code
from verification.eligibility import check_age, resolve_address
from verification.envelope import EnvelopeError
from verification.identity import code_hash, email_hash, identity_hash, identity_secret
from verification.merkle import commitment, new_receipt_code


class NotCollecting(Exception):
    """The initiative does not accept signatures now."""


class SignatureGone(Exception):
    """The signature no longer exists (it expired unconfirmed, or was never made)."""


@dataclass
class SignatoryDetails:
    surname: str
    first_names: str
    birth_date: date
    street: str
    house_number: str
    box: str
    postcode: str
    email: str
    language: str
    notify_decision: bool = False


def _identity_key() -> bytes:
    return current_app.config["IDENTITY_KEY"].encode()


def check_eligibility(details: SignatoryDetails, now: datetime):
    """Return the City street row of the signatory, or raise EligibilityError."""
    config = current_app.config
    check_age(
        details.birth_date,
        dates.day_of(now),
        config["MIN_SIGNATORY_AGE"],
    )
    found = segments_for(details.street)
    segment = resolve_address(
        [s for _, s in found], details.postcode, details.house_number
    )
    return next(row for row, s in found if s is segment)


def submit_signature(
    initiative: Initiative, details: SignatoryDetails, now: datetime
) -> None:
    """Record a signature to confirm, or answer a repeat by e-mail; never reveal which.

    A second attempt by the same person is not an error page: the page would tell a
    stranger who typed someone's name and birth date that this person signed. The
    answer goes to the mailbox instead, which only the signatory reads.
    """
    if not is_open_for_signing(initiative, now):
        raise NotCollecting()
    street = check_eligibility(details, now)
    key = _identity_key()
    identity = identity_hash(
        key, details.surname, details.first_names, details.birth_date
    )
    # Attempts in one person's name are limited whoever makes them (the counter is
    # shared by every web node). A spent limit answers like any attempt and sends
    # nothing: a refusal page would tell a stranger that someone tried this name today.
    if not allow_attempt("LIMIT_SIGN_PER_IDENTITY", str(initiative.id), identity):
        return
    mail_key = email_hash(key, details.email)
    for _attempt in range(3):
        existing = _signature_by_identity(initiative, identity)
        if existing is not None:
            _answer_repeat(initiative, existing, details, now)
            return
        if not address_has_room(_identities_for_email(initiative, mail_key)):
            enqueue(
                "email-limit",
                details.language,
                details.email,
                now,
                initiative_id=initiative.id,
            )
            return
        code = new_code()
        signature = Signature(
            initiative_id=initiative.id,
            state=SignatureState.pending,
            identity_hash=identity,
            email_hash=mail_key,
            code_hash=code_hash(key, code),
            language=details.language,
            neighbourhood=street.neighbourhood,
            notify_decision=bool(details.notify_decision),
            created_at=now,
            mails_sent=1,
        )
        try:
            # A savepoint: if a simultaneous request inserted the same person first, the
            # unique constraint refuses this row and the loop answers it as a repeat.
            with db.session.begin_nested():
                db.session.add(signature)
                db.session.flush()
                _seal(signature, details, street)
                db.session.flush()
        except IntegrityError:
            continue
        _enqueue_confirmation(initiative, signature, code, details.email, now)
        return
    raise RuntimeError("could not record the signature after three attempts")


def signatory_record(details: SignatoryDetails, street, channel: str) -> dict:
    """Return what is sealed of a signatory: one record, the same for every channel."""
    return {
        "surname": details.surname,
        "first_names": details.first_names,
        "birth_date": details.birth_date.isoformat(),
        "street_id": street.id,
        "street_fr": street.name_fr,
        "street_nl": street.name_nl,
        "house_number": details.house_number,
        "box": details.box or "",
        "postcode": details.postcode,
        "email": details.email,
        "language": details.language,
        "channel": channel,
        "notify_decision": bool(details.notify_decision),
    }


def _seal(signature: Signature, details: SignatoryDetails, street) -> None:
    """Seal the personal data and keep the address in an envelope the identity opens."""
    seal_signature(
        signature, signatory_record(details, street, signature.channel or "online")
    )
    signature.envelope_identity = close(
        signature, IDENTITY, _identity_secret(details), details.email
    )


def _identity_secret(details: SignatoryDetails) -> str:
    return identity_secret(details.surname, details.first_names, details.birth_date)


def _signature_by_identity(initiative: Initiative, identity: str) -> Signature | None:
    return db.session.scalar(
        select(Signature).where(
            Signature.initiative_id == initiative.id,
            Signature.identity_hash == identity,
        )
    )


def _identities_for_email(initiative: Initiative, mail_key: str) -> int:
    return db.session.scalar(
        select(func.count(Signature.id)).where(
            Signature.initiative_id == initiative.id, Signature.email_hash == mail_key
        )
    )


def _enqueue_confirmation(initiative, signature, code, address, now) -> None:
    """Mail the confirmation link and code; keep the address under the code's envelope."""
    signature.envelope_code = close(
        signature, CODE, codes.normalise_code(code), address
    )
    enqueue(
        "confirm-signature",
        signature.language,
        address,
        now,
        initiative_id=initiative.id,
        signature_id=signature.id,
        code=code,
    )


def _answer_repeat(
    initiative, existing: Signature, details: SignatoryDetails, now
) -> None:
    if existing.state is not SignatureState.pending:
        enqueue(
            "already-signed",
            details.language,
            details.email,
            now,
            initiative_id=initiative.id,
        )
        return
    # Pending: send the confirmation again, to the address first given (a stranger
    # must not be able to redirect someone's confirmation to their own mailbox). The
    # repeat brings the identity, which opens the envelope of that address.
    if not may_resend_confirmation(existing.mails_sent):
        return
    try:
        address = open_(
            existing,
            IDENTITY,
            _identity_secret(details),
            existing.envelope_identity,
        )
    except EnvelopeError:
        return
    code = new_code()
    existing.code_hash = code_hash(_identity_key(), code)
    existing.mails_sent += 1
    _enqueue_confirmation(initiative, existing, code, address, now)
    db.session.flush()


@dataclass
class Confirmation:
    signature: Signature
    receipt_code: str | None  # None when the signature was already confirmed


def confirm_signature(signature_id: int, code: str, now: datetime) -> Confirmation:
    """Confirm a pending signature and count it once; confirming again changes nothing.

    The code (typed, or carried by the link) opens the envelope of the address: the
    signatory gets their receipt code by mail, and the address goes under the receipt's
    envelope, for a later withdrawal.
    """
    signature = db.session.get(Signature, signature_id, with_for_update=True)
    if signature is None:
        raise SignatureGone()
    initiative = db.session.get(Initiative, signature.initiative_id)
    if signature.state is not SignatureState.pending:
        return Confirmation(signature, None)
    if not is_open_for_signing(initiative, now):
        raise NotCollecting()
    if signature.code_hash != code_hash(_identity_key(), code):
        # An older link of a signature whose mail was sent again: the newest code only.
        raise SignatureGone()
    address = open_(
        signature, CODE, codes.normalise_code(code), signature.envelope_code
    )
    receipt = new_receipt_code()
    signature.state = SignatureState.confirmed
    signature.confirmed_at = now
    signature.commitment = commitment(receipt, initiative.id).hex()
    signature.envelope_receipt = close(
        signature, RECEIPT, codes.normalise_code(receipt), address
    )
    signature.envelope_identity = signature.envelope_code = None
    signature.code_hash = None
    enqueue(
        "signature-confirmed",
        signature.language,
        address,
        now,
        initiative_id=initiative.id,
        signature_id=signature.id,
        receipt_code=receipt,
    )
    db.session.flush()
    return Confirmation(signature, receipt)


def confirm_by_code(
    initiative: Initiative, code: str, now: datetime
) -> Confirmation | None:
    """Confirm the pending signature that a typed code belongs to; None if none does."""
    signature = db.session.scalar(
        select(Signature).where(
            Signature.initiative_id == initiative.id,
            Signature.code_hash == code_hash(_identity_key(), code),
        )
    )
    if signature is None:
        return None
    return confirm_signature(signature.id, code, now)


def expire_pending_signatures(now: datetime) -> dict:
    """Delete unconfirmed signatures older than the pending period, with their mails."""
    cutoff = pending_cutoff(now)
    stale = select(Signature.id).where(
        Signature.state == SignatureState.pending, Signature.created_at < cutoff
    )
    ids = db.session.scalars(stale).all()
    if not ids:
        return {"deleted": 0}
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.signature_id.in_(ids), OutboxMessage.sent_at.is_(None)
        )
    )
    db.session.execute(delete(Signature).where(Signature.id.in_(ids)))
    return {"deleted": len(ids)}
