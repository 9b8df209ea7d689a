"""Short codes people type: one alphabet without look-alike characters, the lengths of
the confirmation and receipt codes, and the one normalisation of a typed code (case,
spaces and dashes do not matter)."""

import secrets

# No 0/O, 1/I/L: codes survive being read aloud or copied from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUP_LENGTH = 4
# 8 characters from 31 give about 40 bits: enough for a code that expires in days and
# is only tried through limited requests.
CONFIRMATION_LENGTH = 8
# 20 characters give 20 * log2(31), about 99 bits: a guess never lands on someone's
# receipt commitment.
RECEIPT_LENGTH = 20


def new_code(length: int = CONFIRMATION_LENGTH) -> str:
    """Return a fresh code in groups of four, such as ``K7QM-3XPA``."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return "-".join(chars[i : i + GROUP_LENGTH] for i in range(0, length, GROUP_LENGTH))


def normalise_code(code: str) -> str:
    """Return a code as typed, without case, spaces or dashes."""
    return "".join(c for c in code.upper() if c.isalnum())
