"""Cookie names: ``__Host-`` prefixed wherever cookies are Secure (outside development).

A ``__Host-`` cookie is accepted by browsers only when it is Secure, for the whole site
(``Path=/``) and without a ``Domain``: no subdomain and no plain-HTTP page can plant or
overwrite it.
"""

from flask import current_app


def cookie_name(name: str) -> str:
    """Return the name the cookie ``name`` goes by in this installation."""
    if current_app.config["SESSION_COOKIE_SECURE"]:
        return f"__Host-{name}"
    return name
