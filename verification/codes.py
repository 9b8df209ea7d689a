"""Short codes people type: the alphabet without look-alike characters, and the one
normalisation of a typed code (case, spaces and dashes do not matter)."""

import secrets

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    """Return a short confirmation code such as ``K7QM-3XPA`` (about 40 bits)."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_code(code: str) -> str:
    """Return a code as typed, without case, spaces or dashes."""
    return "".join(c for c in code.upper() if c.isalnum())
