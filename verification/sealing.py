"""Sealed records: data only the holder of one X25519 private key can open.

Like HPKE's base mode, simplified: each record gets a fresh ephemeral X25519 key, the
shared secret goes through HKDF-SHA256 into an AES-256-GCM key, and the caller's
associated data (e.g. the initiative and signature ids) is bound to the ciphertext, so
a sealed record copied onto another row does not open there.

Layout of a sealed record (bytes)::

    offset  length  content
    0       1       version, 0x01
    1       8       key id of the recipient (keys.key_id, as bytes)
    9       32      ephemeral X25519 public key (raw)
    41      12      AES-GCM nonce
    53      n + 16  ciphertext followed by the 16-byte GCM tag

The key id travels in clear so that, after a key rotation, the right private key is
picked without trying them all; it reveals only which public key was used.
"""

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .keys import key_id, raw_public_bytes

VERSION = b"\x01"
INFO = b"petitions sealed record v1"
_KEY_ID_LEN = 8
_PUBLIC_LEN = 32
_NONCE_LEN = 12
_TAG_LEN = 16
_HEADER_LEN = len(VERSION) + _KEY_ID_LEN + _PUBLIC_LEN + _NONCE_LEN


class SealedDataError(Exception):
    """A sealed record is malformed, tampered with, or not for the given key."""


def seal(
    public_key: X25519PublicKey, plaintext: bytes, associated_data: bytes
) -> bytes:
    """Return ``plaintext`` sealed to ``public_key``, bound to ``associated_data``."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = raw_public_bytes(ephemeral)
    aead_key = _derive_key(ephemeral.exchange(public_key), ephemeral_public, public_key)
    # A random 96-bit nonce is safe here: every record has its own derived key, so a
    # nonce is never reused under one key.
    nonce = os.urandom(_NONCE_LEN)
    ciphertext = AESGCM(aead_key).encrypt(nonce, plaintext, associated_data)
    recipient_id = bytes.fromhex(key_id(public_key))
    return VERSION + recipient_id + ephemeral_public + nonce + ciphertext


def sealed_key_id(sealed: bytes) -> str:
    """Return the 16-hex key id of the key a record was sealed to."""
    _check_shape(sealed)
    return sealed[1 : 1 + _KEY_ID_LEN].hex()


def open_sealed(
    private_key: X25519PrivateKey, sealed: bytes, associated_data: bytes
) -> bytes:
    """Return the plaintext of a record sealed to ``private_key``'s public half."""
    if sealed_key_id(sealed) != key_id(private_key):
        # Checked first for a clear message; a forged key id would not help an
        # attacker, since the GCM tag still has to verify under the derived key.
        raise SealedDataError("sealed to another key")
    start = 1 + _KEY_ID_LEN
    ephemeral_public = sealed[start : start + _PUBLIC_LEN]
    nonce = sealed[start + _PUBLIC_LEN : _HEADER_LEN]
    ciphertext = sealed[_HEADER_LEN:]
    try:
        ephemeral = X25519PublicKey.from_public_bytes(ephemeral_public)
        shared = private_key.exchange(ephemeral)
    except ValueError as exc:
        # A low-order ephemeral point yields an all-zero secret, which cryptography
        # refuses: a tampered record, not a bug.
        raise SealedDataError("bad ephemeral key") from exc
    aead_key = _derive_key(shared, ephemeral_public, private_key.public_key())
    try:
        return AESGCM(aead_key).decrypt(nonce, ciphertext, associated_data)
    except InvalidTag:
        raise SealedDataError("tampered record or wrong associated data") from None


def seal_record(
    public_key: X25519PublicKey, record: dict, associated_data: bytes
) -> bytes:
    """Return a JSON record sealed to ``public_key``."""
    # sort_keys: the same record always gives the same plaintext length and shape.
    text = json.dumps(record, sort_keys=True, ensure_ascii=False)
    return seal(public_key, text.encode("utf-8"), associated_data)


def open_record(
    private_key: X25519PrivateKey, sealed: bytes, associated_data: bytes
) -> dict:
    """Return the JSON record sealed in ``sealed``."""
    plaintext = open_sealed(private_key, sealed, associated_data)
    try:
        record = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SealedDataError("sealed data is not a JSON record") from exc
    if not isinstance(record, dict):
        raise SealedDataError("sealed data is not a JSON object")
    return record


def open_with_any(
    private_keys: list[X25519PrivateKey], sealed: bytes, associated_data: bytes
) -> dict:
    """Return the record, opened with whichever of ``private_keys`` it was sealed to."""
    # After a rotation, new records go to the new key while old ones stay sealed to
    # the old key; keeping both private keys keeps both readable.
    wanted = sealed_key_id(sealed)
    for private_key in private_keys:
        if key_id(private_key) == wanted:
            return open_record(private_key, sealed, associated_data)
    raise SealedDataError(f"no key for key id {wanted}")


def _derive_key(
    shared_secret: bytes, ephemeral_public: bytes, recipient: X25519PublicKey
) -> bytes:
    # Both public keys go into the salt so that the derived key is tied to this exact
    # exchange (as HPKE's kem_context does).
    salt = ephemeral_public + raw_public_bytes(recipient)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=INFO)
    return hkdf.derive(shared_secret)


def _check_shape(sealed: bytes) -> None:
    if not isinstance(sealed, bytes | bytearray):
        raise SealedDataError("sealed data must be bytes")
    if len(sealed) < _HEADER_LEN + _TAG_LEN:
        raise SealedDataError("sealed data too short")
    if sealed[:1] != VERSION:
        raise SealedDataError(f"unknown sealed data version {sealed[0]}")
