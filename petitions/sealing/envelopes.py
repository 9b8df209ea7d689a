"""Envelopes: the signatory's address kept for the service's own mails, opened only by
what the signatory brings again (their identity, confirmation code or receipt code)."""

from petitions.hashing import identity_key
from petitions.models import Signature
from petitions.sealing.records import associated_data
from verification.envelope import close_envelope, envelope_key, open_envelope

# What opens an envelope: the signatory's identity, confirmation code or receipt code.
IDENTITY, CODE, RECEIPT = "identity", "code", "receipt"


def _key(purpose: str, secret: str) -> bytes:
    return envelope_key(identity_key(), purpose, secret)


def close(signature: Signature, purpose: str, secret: str, address: str) -> bytes:
    """Return an envelope of ``address`` that ``secret`` (for ``purpose``) opens."""
    return close_envelope(_key(purpose, secret), address, associated_data(signature))


def open_(signature: Signature, purpose: str, secret: str, envelope: bytes) -> str:
    """Open an envelope with the signatory's secret (raises EnvelopeError)."""
    return open_envelope(_key(purpose, secret), envelope, associated_data(signature))
