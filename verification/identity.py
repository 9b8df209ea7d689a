"""Keyed identities of signatories: one person, one signature, without storing who."""

import hashlib
import hmac
from datetime import date

from .addresses import comparable_address
from .text import fold


def normalise_name(name: str) -> str:
    """Return the comparable form of a name: no accents, case, or separator differences."""
    return fold(name)


def identity_hash(key: bytes, surname: str, first_names: str, birth_date: date) -> str:
    """Return the keyed hash that identifies a person across signatures.

    "Van den Bossche-Dupont, Zoë" and "vandenbossche dupont, zoe" are the same person:
    spaces inside a name are dropped after folding, because registers and people write
    particles ("Van den", "De La") both joined and apart.
    """
    message = identity_secret(surname, first_names, birth_date)
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def identity_secret(surname: str, first_names: str, birth_date: date) -> str:
    """Return the normalised identity as text: what a signatory brings back when signing again."""
    surname_key = normalise_name(surname).replace(" ", "")
    first_key = normalise_name(first_names).replace(" ", "")
    return f"{surname_key}\x1f{first_key}\x1f{birth_date.isoformat()}"


def email_hash(key: bytes, address: str) -> str:
    """Return the keyed hash of an e-mail address, whatever its case or spaces around."""
    message = "email\x1f" + comparable_address(address)
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def recipient_hash(key: bytes, address: str) -> str:
    """Return the keyed hash that counts the mails to an address (its mail budget).

    Apart from ``email_hash``, so that the budget's rows cannot be matched to signatures.
    """
    message = "recipient\x1f" + comparable_address(address)
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def code_hash(key: bytes, code: str) -> str:
    """Return the keyed hash of a confirmation code, whatever its case or dashes."""
    cleaned = "".join(c for c in code.upper() if c.isalnum())
    return hmac.new(key, ("code\x1f" + cleaned).encode(), hashlib.sha256).hexdigest()
