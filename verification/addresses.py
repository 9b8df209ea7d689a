"""E-mail addresses: the one check of what a visitor typed, and the one comparable form.

They differ on purpose. The checked form (email-validator's) is what is stored and
mailed to: the domain in lower case, the part before the @ as typed, since a mail
server may tell ``Zoe@`` from ``zoe@``. The comparable form folds case and trims, so
that one person typing their address twice in two ways is found, hashed and counted as
one.
"""

from email_validator import EmailNotValidError, validate_email


class InvalidAddress(ValueError):
    """The text is not an e-mail address."""


def checked_address(value: str) -> str:
    """Return the address as it is stored and mailed to, or raise InvalidAddress."""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidAddress(value) from None


def comparable_address(address: str) -> str:
    """Return the form addresses are compared, looked up and hashed by: trimmed, lower case."""
    # str.lower(), not casefold(): the keyed e-mail hashes stored with signatures were
    # computed from this form, and a different fold would stop them matching.
    return address.strip().lower()


def masked_address(address: str) -> str:
    """Return an address shown partly, such as ``z***@e***.be`` for zoe@example.be.

    The first character of the mailbox and of the domain, and the top-level domain: a
    typo there shows, while a glance at the screen does not give the address away. The
    stars are always three, so the masked form does not tell the lengths either.
    """
    local, _, domain = address.strip().rpartition("@")
    if not local or not domain:
        return "***"
    name, dot, top = domain.rpartition(".")
    if not name:  # a domain without a dot: its first character only
        return f"{local[0]}***@{domain[0]}***"
    return f"{local[0]}***@{name[0]}***.{top}"
