"""Staff passwords: what is acceptable, the scrypt hash at OWASP's cost, and its upgrade."""

import gzip
from functools import cache
from pathlib import Path

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 12

COMMON_PASSWORDS = (
    Path(__file__).resolve().parents[2] / "data" / "common-passwords.txt.gz"
)


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common(password: str) -> bool:
    """Say whether a password is on the shipped list of common passwords (any case)."""
    return password.strip().lower() in _common_passwords()


def password_problem(password: str) -> str | None:
    """Return why a new password is refused (``short_password``, ``common_password``)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "short_password"
    if is_common(password):
        return "common_password"
    return None


def hash_method() -> str:
    """Return werkzeug's method string for new hashes (STAFF_PASSWORD_HASH)."""
    return current_app.config["STAFF_PASSWORD_HASH"]


def hash_password(password: str) -> str:
    """Return the salted scrypt hash of a password (never the password)."""
    return generate_password_hash(password, method=hash_method())


def needs_rehash(password_hash: str) -> bool:
    """Say whether a stored hash was made with another method or cost than today's."""
    return password_hash.split("$", 1)[0] != hash_method()


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not a password of anyone", method=method)


def check_password(password_hash: str | None, password: str) -> bool:
    """Check a password against a hash; without a hash, spend the same time and fail.

    An unknown address must take as long as a wrong password, or the time would tell
    which addresses have accounts.
    """
    if password_hash is None:
        check_password_hash(_dummy_hash(hash_method()), password)
        return False
    return check_password_hash(password_hash, password)
