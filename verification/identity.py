"""Keyed identities of signatories: one person, one signature, without storing who."""

import hashlib
import hmac
import ipaddress
import unicodedata
from datetime import date

from .addresses import comparable_address
from .text import MIDDLE_DOT, fold, script_of

# The separators a name may hold between its letters: spaces, hyphens and dashes,
# apostrophes (and the accents typed for one) and full stops, the ones fold() has
# always turned into a space.
NAME_SEPARATORS = frozenset(
    " \u00a0-\u2010\u2011\u2012\u2013\u2014\u2015'\u2018\u2019\u02bc`\u00b4."
)

# Scripts written together within one word (Japanese; Chinese with Bopomofo; Korean).
_SCRIPTS_WRITTEN_TOGETHER = (
    {"HAN", "HIRAGANA", "KATAKANA"},
    {"HAN", "BOPOMOFO"},
    {"HAN", "HANGUL"},
)


def name_problem(name: str) -> str | None:
    """Say what makes ``name`` no name, as a stable code, or None for a good name.

    "characters": something else than letters, combining marks, NAME_SEPARATORS and
    the Catalan middle dot (Col·lell), or no letter at all. "mixed_scripts": a word
    mixes letters of two scripts (a Greek Ρ in a Latin name looks like P but would
    make another person).
    """
    if not any(c.isalpha() for c in name) or any(
        not (c.isalpha() or unicodedata.category(c).startswith("M"))
        and c not in NAME_SEPARATORS
        and c != MIDDLE_DOT
        for c in name
    ):
        return "characters"
    spaced = "".join(
        " " if c in NAME_SEPARATORS or c == MIDDLE_DOT else c for c in name
    )
    for word in spaced.split():
        scripts = {script_of(c) for c in word} - {"COMMON", "INHERITED"}
        if len(scripts) > 1 and not any(
            scripts <= together for together in _SCRIPTS_WRITTEN_TOGETHER
        ):
            return "mixed_scripts"
    return None


def normalise_name(name: str) -> str:
    """Return the comparable form of a name: no accents, case, or separator differences."""
    return fold(name)


def keyed_hash(key: bytes, purpose: str, text: str) -> str:
    """Return the HMAC-SHA256 (hex) of ``text`` for one ``purpose`` ("email", "code"...).

    The purpose is part of the message, so that hashes made for one use never match
    hashes made for another with the same key.
    """
    message = f"{purpose}\x1f{text}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


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
    return keyed_hash(key, "email", comparable_address(address))


def recipient_hash(key: bytes, address: str) -> str:
    """Return the keyed hash that counts the mails to an address (its mail budget).

    Apart from ``email_hash``, so that the budget's rows cannot be matched to signatures.
    """
    return keyed_hash(key, "recipient", comparable_address(address))


def code_hash(key: bytes, code: str) -> str:
    """Return the keyed hash of a confirmation code, whatever its case or dashes."""
    cleaned = "".join(c for c in code.upper() if c.isalnum())
    return keyed_hash(key, "code", cleaned)


def network_hash(key: bytes, address: str | None) -> str | None:
    """Return the keyed hash of a client's network, never of the address itself.

    The network is the /24 of an IPv4 address and the /48 of an IPv6 one (an IPv4
    address written as IPv6 is taken as IPv4): one household, office or small provider
    block, enough to see many signatures coming from one place, too wide to point at
    one device. None when there is no readable address.
    """
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    return keyed_hash(key, "network", network.with_prefixlen)


def mail_domain(address: str) -> str:
    """Return the lower-cased domain of an e-mail address (the part after the last @)."""
    return comparable_address(address).rpartition("@")[2]
