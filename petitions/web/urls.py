"""Links: absolute links for mail and feeds, and the one check of a link back to this site."""

from urllib.parse import urlsplit

from flask import current_app

# Longer than any page of the site: a longer "next" or "page" value is not one of ours.
LOCAL_PATH_MAX_LENGTH = 500


def public_url(endpoint: str, **values) -> str:
    """Build an absolute link to the public site without a request (jobs send mail)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def local_path(value: str | None, under: str = "/") -> str | None:
    """Return ``value`` if it is a path on this site below ``under``, else None.

    Every "go back to" value (the language switch, the staff sign-in, the feedback
    form's page) passes here, so that none of them can send a visitor to another site:
    no scheme, no host, no protocol-relative ``//``, no backslash (which browsers read
    as a slash), no control or invisible character (CR, LF, U+2028...).
    """
    if not value or len(value) > LOCAL_PATH_MAX_LENGTH:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # a broken address ("http://[") is no path of ours either
        return None
    if (
        parts.scheme
        or parts.netloc
        or not value.startswith(under)
        or value.startswith("//")
        or "\\" in value
        or any(not c.isprintable() for c in value)
    ):
        return None
    return value
