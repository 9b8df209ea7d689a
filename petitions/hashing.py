"""The server's key of the keyed hashes (identities, addresses, codes, networks)."""

from flask import current_app


def identity_key() -> bytes:
    """Return ``IDENTITY_KEY``: kept apart from SECRET_KEY, never rotated casually."""
    return current_app.config["IDENTITY_KEY"].encode()
