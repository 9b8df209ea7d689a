"""The feedback form: a message to the secretariat about the service or its accessibility."""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from petitions.web.forms import (
    language_field,
    long_text_field,
    normalised_email,
    text_field,
)

PAGE_MAX_LENGTH = 500


MESSAGE_MAX_LENGTH = 5000


def local_path(value: str | None) -> str:
    """Return ``value`` if it is a path on this site, else "" (never another site's URL)."""
    if not value or len(value) > PAGE_MAX_LENGTH:
        return ""
    parts = urlsplit(value)
    if (
        parts.scheme
        or parts.netloc
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(c) < 32 or ord(c) == 127 for c in value)
    ):
        return ""
    return value


class FeedbackForm(FlaskForm):
    page = text_field(
        _l("Page concerned (optional)"), PAGE_MAX_LENGTH, autocomplete="off"
    )
    message = long_text_field(
        _l("Your message"),
        MESSAGE_MAX_LENGTH,
        _l("Please write your message."),
        rows=8,
    )
    email = text_field(
        _l("Your e-mail address, if you would like an answer (optional)"),
        254,
        autocomplete="email",
        type="email",
    )
    language = language_field(SelectField, _l("Language of the answer"))

    def validate_email(self, field):
        if field.data:
            field.data = normalised_email(field.data)
