"""Receipts and withdrawal: find a signature by its receipt code, withdraw it by e-mail."""

from datetime import datetime

from sqlalchemy import delete, select

from petitions.extensions import db
from petitions.initiatives import audit
from petitions.mail.outbox import enqueue
from petitions.models import Initiative, OutboxMessage, Signature, SignatureState
from petitions.models.signatures import PERSONAL_COLUMNS
from petitions.receipts.rules import is_withdrawable
from petitions.sealing.envelopes import RECEIPT, open_
from petitions.sealing.records import counted_leaves, leaf_data
from verification import codes
from verification.envelope import EnvelopeError
from verification.merkle import commitment, inclusion_proof, verify_inclusion


class NotWithdrawable(Exception):
    """The signature cannot be withdrawn now (collection is over, or it never counted)."""


class CannotMail(Exception):
    """The address for the withdrawal mail cannot be read (the receipt's envelope is gone)."""


def signature_by_receipt(initiative: Initiative, code: str) -> Signature | None:
    """Return the signature of this initiative whose commitment the code opens, if any."""
    # The commitment binds the code to one initiative: a code of another initiative
    # gives another commitment and finds nothing here.
    value = commitment(code, initiative.id).hex()
    return db.session.scalar(
        select(Signature).where(
            Signature.initiative_id == initiative.id, Signature.commitment == value
        )
    )


def inclusion(initiative: Initiative, signature: Signature) -> dict | None:
    """Return the signature's inclusion proof against the dossier's root, or None.

    The proof is built over the current leaves, in the dossier's order, and checked
    against the published root before it is shown: if the leaves no longer give that
    root (the dossier is stale), None says the proof is unavailable rather than wrong.
    """
    if not initiative.dossier_root or signature.state is not SignatureState.confirmed:
        return None
    leaves = list(counted_leaves(initiative))
    leaf = leaf_data(signature)
    try:
        index = leaves.index(leaf)
    except ValueError:
        return None
    proof = inclusion_proof(leaves, index)
    root = bytes.fromhex(initiative.dossier_root)
    if not verify_inclusion(leaf, index, len(leaves), proof, root):
        return None
    return {
        "leaf": leaf.hex(),
        "index": index,
        "size": len(leaves),
        "hashes": [h.hex() for h in proof],
        "root": initiative.dossier_root,
    }


def request_withdrawal(
    initiative: Initiative, signature: Signature, code: str, now: datetime
) -> None:
    """Mail the signatory a link that withdraws their signature; change nothing else.

    The receipt code opens the envelope of the address given at signing: the link goes
    there, never to an address typed now, so a receipt found on paper is not enough to
    withdraw someone's signature.
    """
    if not is_withdrawable(initiative, signature, now):
        raise NotWithdrawable()
    if signature.envelope_receipt is None:
        raise CannotMail()
    try:
        address = open_(
            signature,
            RECEIPT,
            codes.normalise_code(code),
            signature.envelope_receipt,
        )
    except EnvelopeError:
        raise CannotMail() from None
    enqueue(
        "withdraw-signature",
        signature.language,
        address,
        now,
        initiative_id=initiative.id,
        signature_id=signature.id,
    )
    db.session.flush()


def withdraw_signature(signature_id: int, now: datetime) -> Signature | None:
    """Withdraw a counted signature and erase its personal data; None if it is gone.

    Withdrawing twice changes nothing. The commitment stays, so that the receipt still
    answers "withdrawn"; everything that could name or reach the signatory goes now,
    not at the end of the retention period.
    """
    signature = db.session.get(Signature, signature_id, with_for_update=True)
    if signature is None:
        return None
    if signature.state is SignatureState.withdrawn:
        return signature
    initiative = db.session.get(Initiative, signature.initiative_id)
    if not is_withdrawable(initiative, signature, now):
        raise NotWithdrawable()
    signature.state = SignatureState.withdrawn
    signature.withdrawn_at = now
    for column in PERSONAL_COLUMNS:
        setattr(signature, column, None)
    # Mails not yet sent about this signature hold its address: they go too.
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.signature_id == signature.id,
            OutboxMessage.sent_at.is_(None),
        )
    )
    audit.record("signatory", "signature-withdrawn", now, initiative)
    db.session.flush()
    return signature
