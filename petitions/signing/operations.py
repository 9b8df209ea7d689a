"""State changes in the domain's words. Operations flush; the request or job edge commits."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from petitions import dates
from petitions.extensions import db
from petitions.hashing import identity_key
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
    may_tell_counted_address,
    pending_cutoff,
)
from petitions.signing.streets import segments_for
from petitions.web.limits import allow_attempt
from verification import codes
from verification.codes import new_code
from verification.eligibility import check_age, resolve_address
from verification.envelope import EnvelopeError
from verification.identity import (
    code_hash,
    email_hash,
    identity_hash,
    identity_secret,
    mail_domain,
    network_hash,
)
from verification.merkle import commitment, new_receipt_code


class NotCollecting(Exception):
    """The initiative does not accept signatures now."""


class SignatureGone(Exception):
    """The signature no longer exists (it expired unconfirmed, was withdrawn, or was
    never made)."""


class NewerLinkSent(Exception):
    """The link of a pending signature is not its newest: a newer one was sent."""


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
    return identity_key()


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
    initiative: Initiative,
    details: SignatoryDetails,
    now: datetime,
    client_address: str | None = None,
) -> None:
    """Record an attempt to sign and mail its confirmation to the address typed.

    Nothing in the answer depends on whether this person signed before: the page and
    the mail (its subject, its kind of link) are the same for a first attempt and for a
    repeat, whether the earlier signature is pending or counted. Knowing someone's names
    and date of birth must not let a stranger learn, from their own mailbox, that this
    person signed. Only confirming a repeat says so (see ``confirm_signature``).

    ``client_address`` (the request's) is kept only as its network's keyed hash, for
    the secretariat's fraud view.
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
        # The other people of this address, never this one: the limit answers the same
        # whether or not this person signed already.
        if not address_has_room(_other_people_of_email(initiative, mail_key, identity)):
            enqueue(
                "email-limit",
                details.language,
                details.email,
                now,
                initiative_id=initiative.id,
            )
            return
        if existing is not None:
            _answer_repeat(initiative, existing, details, street, now, client_address)
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
            client_network=network_hash(key, client_address),
            mail_domain=mail_domain(details.email),
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
        _enqueue_confirmation(initiative, signature, code, details, details.email, now)
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
    # Locked: a repeat changes the row, and must not race a confirmation of it.
    return db.session.scalar(
        select(Signature)
        .where(
            Signature.initiative_id == initiative.id,
            Signature.identity_hash == identity,
        )
        .with_for_update()
    )


def _other_people_of_email(initiative: Initiative, mail_key: str, identity: str) -> int:
    return db.session.scalar(
        select(func.count(Signature.id)).where(
            Signature.initiative_id == initiative.id,
            Signature.email_hash == mail_key,
            Signature.identity_hash.is_distinct_from(identity),
        )
    )


def _enqueue_confirmation(initiative, signature, code, details, answer_to, now) -> None:
    """Mail the link and code to the address typed; ``answer_to`` goes under the code.

    ``answer_to`` is where confirming writes: the address typed (the receipt goes
    there) for a signature to confirm, the counted signature's own address for a repeat
    of a signature that counts. None: confirming will write to no one.
    """
    signature.envelope_code = (
        close(signature, CODE, codes.normalise_code(code), answer_to)
        if answer_to
        else None
    )
    signature.code_hash = code_hash(_identity_key(), code)
    enqueue(
        "confirm-signature",
        details.language,
        details.email,
        now,
        initiative_id=initiative.id,
        signature_id=signature.id,
        code=code,
    )


def _answer_repeat(
    initiative,
    existing: Signature,
    details: SignatoryDetails,
    street,
    now,
    client_address: str | None,
) -> None:
    """Answer a repeat attempt exactly as a first one: a new link to the address typed.

    While the signature is pending the newest attempt wins: its details and address
    replace the older ones, and the older link now says that a newer one was sent. A
    signature that counts does not change; confirming the repeat will tell its own
    address, which the identity brought now opens, that it was confirmed again.
    """
    if existing.state is SignatureState.pending:
        existing.email_hash = email_hash(_identity_key(), details.email)
        existing.language = details.language
        existing.neighbourhood = street.neighbourhood
        existing.notify_decision = bool(details.notify_decision)
        existing.client_network = network_hash(_identity_key(), client_address)
        existing.mail_domain = mail_domain(details.email)
        _seal(existing, details, street)
        answer_to: str | None = details.email
    else:
        # Counted (a withdrawn signature keeps no identity, so it is never found here).
        try:
            answer_to = open_(
                existing,
                IDENTITY,
                _identity_secret(details),
                existing.envelope_identity or b"",
            )
        except EnvelopeError:
            answer_to = None  # confirmed before its address was kept, or on paper
    existing.mails_sent += 1
    _enqueue_confirmation(initiative, existing, new_code(), details, answer_to, now)
    db.session.flush()


@dataclass
class Confirmation:
    signature: Signature
    receipt_code: str | None  # None: the signature already counted, nothing changed


def confirm_signature(signature_id: int, code: str, now: datetime) -> Confirmation:
    """Confirm a pending signature and count it once; a repeat changes nothing.

    The code (typed, or carried by the link) opens the envelope of the address: the
    signatory gets their receipt code by mail, and the address goes under the receipt's
    envelope, for a later withdrawal. Confirming the repeat of a signature that counts
    says so, and tells the counted signature's address (at most once a day).
    """
    signature = db.session.get(Signature, signature_id, with_for_update=True)
    if signature is None or signature.state is SignatureState.withdrawn:
        raise SignatureGone()
    initiative = db.session.get(Initiative, signature.initiative_id)
    newest = signature.code_hash == code_hash(_identity_key(), code)
    if signature.state is SignatureState.confirmed:
        if newest:
            _tell_counted_address(initiative, signature, code, now)
        return Confirmation(signature, None)
    if not is_open_for_signing(initiative, now):
        raise NotCollecting()
    if is_superseded(signature, code):
        raise NewerLinkSent()
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
    # The identity's envelope stays: a repeat brings the identity, which opens it. The
    # code's hash stays too: typed again, the code answers that the signature counts.
    signature.envelope_code = None
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


def is_superseded(signature: Signature, code: str) -> bool:
    """Say whether a pending signature's link (its code) is older than its newest one."""
    return signature.state is SignatureState.pending and (
        signature.code_hash != code_hash(_identity_key(), code)
    )


def _tell_counted_address(initiative, signature: Signature, code: str, now) -> None:
    """Tell a counted signature's address that a repeat was confirmed in its name.

    Only a repeat's code has an envelope; the code that confirmed has none left.
    """
    envelope = signature.envelope_code
    signature.envelope_code = None
    if envelope is not None and may_tell_counted_address(
        signature.repeat_notice_at, now
    ):
        address = open_(signature, CODE, codes.normalise_code(code), envelope)
        enqueue(
            "already-signed",
            signature.language,
            address,
            now,
            initiative_id=initiative.id,
            signature_id=signature.id,
        )
        signature.repeat_notice_at = now
    db.session.flush()


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
