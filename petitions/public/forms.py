"""The feedback form: a message to the secretariat about the service or its accessibility."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from petitions.web.forms import (
    honeypot_field,
    language_field,
    long_text_field,
    normalised_email,
    text_field,
)
from petitions.web.urls import LOCAL_PATH_MAX_LENGTH

MESSAGE_MAX_LENGTH = 5000


class FeedbackForm(FlaskForm):
    website = honeypot_field()
    page = text_field(
        _l("Page concerned (optional)"), LOCAL_PATH_MAX_LENGTH, autocomplete="off"
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
