"""Envelopes: an e-mail address kept for the service's own mail, under a key that only
the signatory's own input can rebuild.

The web server never stores an address it could read on its own. It keeps one envelope
per need, each keyed by a secret the signatory brings back when that need arises:
their identity (names and date of birth) when they sign again (to tell the address of
a counted signature that a repeat was confirmed in its name), the confirmation code when
they confirm, the receipt code when they withdraw. The server
key is mixed in so that a stolen database alone opens nothing.
"""

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class EnvelopeError(Exception):
    """The envelope cannot be opened with this secret."""


def envelope_key(server_key: bytes, purpose: str, secret: str) -> bytes:
    """Return the 32-byte key of an envelope for ``purpose`` opened by ``secret``."""
    message = f"envelope\x1f{purpose}\x1f{secret}".encode()
    return hmac.new(server_key, message, hashlib.sha256).digest()


def close_envelope(key: bytes, content: str, associated_data: bytes) -> bytes:
    """Encrypt ``content`` (AES-256-GCM, random nonce); return nonce + ciphertext."""
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, content.encode(), associated_data)


def open_envelope(key: bytes, envelope: bytes, associated_data: bytes) -> str:
    """Decrypt an envelope, or raise EnvelopeError for another key or any tampering."""
    if not envelope or len(envelope) < 12 + 16:
        raise EnvelopeError("malformed envelope")
    try:
        return (
            AESGCM(key).decrypt(envelope[:12], envelope[12:], associated_data).decode()
        )
    except InvalidTag:
        raise EnvelopeError("wrong key or altered envelope") from None
