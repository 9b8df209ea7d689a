"""Signed, expiring, single-purpose tokens (one serializer per purpose, own salt).

A signed token is only base64: whoever sees the link reads its payload. A secret that a
link must carry (a confirmation code) is therefore encrypted inside it as well, with a
key derived per purpose from the same secret keys, so that key rotation covers both.
"""

import base64
import binascii
import os
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from itsdangerous import (
    BadSignature,
    SignatureExpired,
    TimestampSigner,
    URLSafeTimedSerializer,
)


class TokenError(Exception):
    """A token could not be used."""


class TokenExpired(TokenError):
    """The token is authentic but older than its maximum age."""

    def __init__(self, payload):
        super().__init__("token expired")
        self.payload = payload


class TokenInvalid(TokenError):
    """The token was tampered with, is malformed or was made for another purpose."""


class _ClockSigner(TimestampSigner):
    """A signer whose clock is the ``now`` it is given: callers pass time, tests move it."""

    def __init__(self, *args, now: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        return self._now


class TokenService:
    """Make and check tokens for one purpose (e.g. confirming a signature)."""

    def __init__(self, secret_keys: list[str], purpose: str):
        # The last key signs; the earlier ones still verify (key rotation, as itsdangerous).
        self.secret_keys = list(secret_keys)
        self.purpose = purpose
        self.salt = f"petitions.{purpose}"

    def _serializer(self, now: datetime) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            self.secret_keys,
            salt=self.salt,
            signer=_ClockSigner,
            signer_kwargs={"now": int(now.timestamp())},
        )

    def dumps(self, data: dict, now: datetime) -> str:
        """Return a token carrying ``data`` and this service's action, dated ``now``."""
        return self._serializer(now).dumps({"action": self.purpose, **data})

    def loads(self, token: str, max_age: int, now: datetime) -> dict:
        """Return the data of a valid token, or raise TokenExpired / TokenInvalid."""
        serializer = self._serializer(now)
        try:
            payload = serializer.loads(token, max_age=max_age)
        except SignatureExpired as exc:
            payload = exc.payload
            if isinstance(payload, str):
                payload = payload.encode()
            if isinstance(payload, bytes):
                payload = serializer.load_payload(payload)
            self._check_action(payload)
            raise TokenExpired(payload) from None
        except BadSignature:
            raise TokenInvalid("bad signature") from None
        self._check_action(payload)
        return payload

    def _secret_key(self, secret_key: str) -> bytes:
        # HKDF with the purpose as info: a key of its own, unrelated to the signing key.
        return HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=None,
            info=f"{self.salt}.encrypted".encode(),
        ).derive(secret_key.encode())

    def encrypt(self, plaintext: str) -> str:
        """Return ``plaintext`` encrypted (AES-256-GCM) for this purpose, URL-safe."""
        nonce = os.urandom(12)
        sealed = AESGCM(self._secret_key(self.secret_keys[-1])).encrypt(
            nonce, plaintext.encode(), self.salt.encode()
        )
        return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def decrypt(self, text: str) -> str:
        """Return what ``encrypt`` hid, with any of the keys, or raise TokenInvalid."""
        try:
            blob = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            raise TokenInvalid("not base64") from None
        if len(blob) < 12 + 16:
            raise TokenInvalid("too short")
        for secret_key in reversed(self.secret_keys):
            try:
                return (
                    AESGCM(self._secret_key(secret_key))
                    .decrypt(blob[:12], blob[12:], self.salt.encode())
                    .decode()
                )
            except InvalidTag:
                continue
        raise TokenInvalid("cannot decrypt")

    def _check_action(self, payload) -> None:
        if not isinstance(payload, dict) or payload.get("action") != self.purpose:
            raise TokenInvalid("wrong purpose")
