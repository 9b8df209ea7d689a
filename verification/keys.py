"""Key pairs for sealing (X25519) and signing (Ed25519), and their PEM files.

Private keys are only ever written encrypted (PKCS8 with the best encryption the
installed ``cryptography`` offers), public keys as SubjectPublicKeyInfo PEM. A key is
named by the SHA-256 of its raw public bytes, so that a sealed record or a signature
can say which key it needs without carrying the key itself.
"""

import base64
import binascii
import hashlib
import re

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)

PrivateKey = X25519PrivateKey | Ed25519PrivateKey
PublicKey = X25519PublicKey | Ed25519PublicKey

# One PEM block of an encrypted PKCS8 key: the framing we check before blaming the
# passphrase (see load_private_key).
_ENCRYPTED_PEM = re.compile(
    rb"-----BEGIN ENCRYPTED PRIVATE KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*"
    rb"-----END ENCRYPTED PRIVATE KEY-----"
)


class KeyFileError(Exception):
    """A key file could not be read: bad file, bad format or unexpected key type."""


class WrongPassphrase(KeyFileError):
    """The private key file is well formed but the passphrase does not open it."""


def generate_sealing_key() -> X25519PrivateKey:
    """Return a fresh X25519 private key for sealing records."""
    return X25519PrivateKey.generate()


def generate_signing_key() -> Ed25519PrivateKey:
    """Return a fresh Ed25519 private key for signing."""
    return Ed25519PrivateKey.generate()


def private_key_pem(key: PrivateKey, passphrase: bytes) -> bytes:
    """Return the private key as encrypted PKCS8 PEM, locked with ``passphrase``."""
    # An empty passphrase would write a file that looks protected but is not worth
    # more than a plain one; refuse it rather than quietly producing it.
    if not passphrase:
        raise ValueError("a private key needs a non-empty passphrase")
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )


def public_key_pem(key_or_public: PrivateKey | PublicKey) -> bytes:
    """Return the public half of a key as SubjectPublicKeyInfo PEM."""
    public = _public_of(key_or_public)
    return public.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )


def load_private_key(pem: bytes, passphrase: bytes) -> PrivateKey:
    """Return the X25519 or Ed25519 private key of an encrypted PEM file."""
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except ValueError as exc:
        # cryptography raises the same ValueError for a wrong passphrase and for a
        # broken file. A wrong passphrase and a corrupted ciphertext are the same thing
        # to the decryptor, so we only tell "well-framed encrypted key that does not
        # open" (WrongPassphrase) from everything else (KeyFileError), without relying
        # on the wording of the library's messages.
        if _is_framed_encrypted_key(pem):
            raise WrongPassphrase("the passphrase does not open this key") from exc
        raise KeyFileError("not a readable private key file") from exc
    except (TypeError, UnsupportedAlgorithm) as exc:
        # TypeError: the file is not encrypted (we never write such files) or no
        # passphrase was given; UnsupportedAlgorithm: a key type we do not know.
        raise KeyFileError(f"unusable private key file: {exc}") from exc
    if not isinstance(key, X25519PrivateKey | Ed25519PrivateKey):
        raise KeyFileError(f"unexpected private key type {type(key).__name__}")
    return key


def load_public_key(pem: bytes) -> PublicKey:
    """Return the X25519 or Ed25519 public key of a PEM file."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFileError("not a readable public key file") from exc
    if not isinstance(key, X25519PublicKey | Ed25519PublicKey):
        raise KeyFileError(f"unexpected public key type {type(key).__name__}")
    return key


def fingerprint(public_key: PrivateKey | PublicKey) -> str:
    """Return the lowercase hex SHA-256 of the raw public key bytes."""
    return hashlib.sha256(raw_public_bytes(public_key)).hexdigest()


def key_id(public_key: PrivateKey | PublicKey) -> str:
    """Return the short name of a key: the first 16 hex characters of its fingerprint."""
    # 64 bits are plenty to pick among the handful of keys a rotation keeps; the id
    # selects a key, it does not authenticate anything (AES-GCM does that).
    return fingerprint(public_key)[:16]


def raw_public_bytes(key: PrivateKey | PublicKey) -> bytes:
    """Return the 32 raw bytes of the public half of a key."""
    return _public_of(key).public_bytes(
        encoding=serialization.Encoding.Raw,
        format=serialization.PublicFormat.Raw,
    )


def _public_of(key: PrivateKey | PublicKey) -> PublicKey:
    if isinstance(key, X25519PrivateKey | Ed25519PrivateKey):
        return key.public_key()
    if isinstance(key, X25519PublicKey | Ed25519PublicKey):
        return key
    raise TypeError(f"not an X25519 or Ed25519 key: {type(key).__name__}")


def _is_framed_encrypted_key(pem: bytes) -> bool:
    match = _ENCRYPTED_PEM.search(pem)
    if match is None:
        return False
    try:
        base64.b64decode(b"".join(match.group(1).split()), validate=True)
    except binascii.Error:
        return False
    return True
