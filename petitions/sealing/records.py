"""Signatures' sealed records and envelopes: what the web server writes but cannot read."""

from collections.abc import Iterator

from sqlalchemy import select

from petitions.extensions import db
from petitions.models import Signature, SignatureState
from petitions.models.signatures import still_counts
from petitions.sealing.keys import sealing_public_key
from verification.keys import key_id
from verification.sealing import open_with_any, seal_record


def associated_data(signature: Signature) -> bytes:
    """Bind a sealed record or an envelope to its initiative and signature."""
    return f"petitions/initiative:{signature.initiative_id}/signature:{signature.id}".encode()


def seal_signature(signature: Signature, record: dict) -> None:
    """Seal the signatory's personal data to the secretariat's current public key."""
    public = sealing_public_key()
    signature.sealed = seal_record(public, record, associated_data(signature))
    signature.sealing_key_id = key_id(public)


def open_signature(signature: Signature, private_keys: list) -> dict:
    """Open a signature's sealed record with the secretariat's private key(s)."""
    return open_with_any(private_keys, signature.sealed, associated_data(signature))


def signature_records(
    initiative, private_keys: list, states=(SignatureState.confirmed,)
) -> Iterator[tuple[Signature, dict]]:
    """Yield each signature with its opened record, in id order, a thousand at a time."""
    query = (
        select(Signature)
        .where(
            Signature.initiative_id == initiative.id,
            Signature.state.in_(states),
            Signature.sealed.is_not(None),
        )
        .order_by(Signature.id)
        .execution_options(yield_per=1000)
    )
    for signature in db.session.scalars(query):
        yield signature, open_signature(signature, private_keys)


def counted_signatures_query(initiative):
    """Return the query of the signatures that count, in leaf order (by id).

    The dossier's Merkle tree, the receipts' inclusion proofs and the daily public log
    all use this one order, so that their roots agree.
    """
    return (
        select(Signature)
        .where(
            Signature.initiative_id == initiative.id,
            still_counts(),
            Signature.commitment.is_not(None),
        )
        .order_by(Signature.id)
    )


def leaf_data(signature: Signature) -> bytes:
    """Return a signature's Merkle leaf data: its receipt commitment."""
    return bytes.fromhex(signature.commitment)


def counted_leaves(initiative) -> Iterator[bytes]:
    """Yield the leaf data of the signatures that count, streamed in leaf order."""
    query = counted_signatures_query(initiative).with_only_columns(Signature.commitment)
    for value in db.session.scalars(query.execution_options(yield_per=5000)):
        yield bytes.fromhex(value)
