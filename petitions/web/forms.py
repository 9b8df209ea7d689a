"""Forms (WTForms through Flask-WTF: CSRF-protected, errors in the user's language)."""

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    ValidationError,
)

from petitions.web.languages import LANGUAGE_NAMES
from verification.addresses import InvalidAddress, checked_address

# New lines and tabs belong in a long text; other control characters never do.
_ALLOWED_IN_LONG_TEXT = {"\n", "\r", "\t"}


def no_control_characters(form, field):
    """Refuse tabs, new lines and other invisible control characters in one-line fields."""
    if field.data and any(unicodedata.category(c) in ("Cc", "Cf") for c in field.data):
        raise ValidationError(_l("Please remove the invisible control characters."))


def no_hidden_characters(form, field):
    """Refuse invisible control characters in a long text (new lines and tabs are fine)."""
    if field.data and any(
        unicodedata.category(c) in ("Cc", "Cf") and c not in _ALLOWED_IN_LONG_TEXT
        for c in field.data
    ):
        raise ValidationError(_l("Please remove the invisible control characters."))


def normalised_email(value: str) -> str:
    """Return the normalised address, or raise ValidationError with a clear message."""
    try:
        return checked_address(value)
    except InvalidAddress:
        raise ValidationError(
            _l("Please enter a valid e-mail address, for example name@example.be.")
        ) from None


def with_parse_message(field_class, message):
    """Return ``field_class`` whose message for unparsable input is ``message``.

    WTForms' own messages ("Not a valid date value.") say what is wrong, not what to
    type, and are not in our catalogs.
    """

    class Field(field_class):
        def process_formdata(self, valuelist):
            try:
                super().process_formdata(valuelist)
            except ValueError:
                self.data = None
                raise ValueError(message) from None

    Field.__name__ = f"{field_class.__name__}WithMessage"
    return Field


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def text_field(label, max_length: int, required=None, **render_kw) -> StringField:
    """Return a one-line text field: trimmed, bounded, free of control characters.

    ``required`` is the message shown when the field is left empty (None: optional).
    """
    validators = [DataRequired(required)] if required else []
    validators += [
        Length(max=max_length, message=_l("Please use at most %(max)d characters.")),
        no_control_characters,
    ]
    return StringField(
        label, filters=[_strip], validators=validators, render_kw=render_kw or None
    )


def long_text_field(
    label, max_length: int, required=None, **render_kw
) -> TextAreaField:
    """Return a multi-line text field: trimmed, bounded, free of hidden characters.

    ``required`` is the message shown when the field is left empty (None: optional).
    """
    validators = [DataRequired(required)] if required else []
    validators += [
        Length(max=max_length, message=_l("Please use at most %(max)d characters.")),
        no_hidden_characters,
    ]
    render_kw.setdefault("rows", 4)
    return TextAreaField(
        label, filters=[_strip], validators=validators, render_kw=render_kw
    )


def language_field(field_class, label, *, required: bool = True):
    """Return a choice of fr, nl or en (each named in its own language), with our message.

    ``required=False`` is for a choice within an optional part of a form (a second
    representative): the choice is checked, but not announced as required.
    """
    message = _l("Please choose a language.")
    validators = [InputRequired(message)] if required else []
    return field_class(
        label,
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        # The choice is checked by AnyOf, whose message is ours (WTForms' own is not).
        validate_choice=False,
        validators=[*validators, AnyOf(tuple(LANGUAGE_NAMES), message=message)],
    )


def honeypot_field() -> StringField:
    """Return the field that people never see and robots fill in (``website``).

    The public forms carry it instead of a CAPTCHA, which would ask people for effort
    or personal data; templates render it with the ``honeypot`` macro.
    """
    return StringField(_l("Leave this field empty"))


def caught_by_honeypot(form) -> bool:
    """Return True when the hidden field was filled in: a robot, answered as a person.

    The view then answers exactly as it would after success and does nothing else, so
    that the robot learns nothing about what gave it away.
    """
    return bool((form.website.data or "").strip())


class ButtonForm(FlaskForm):
    """A form with only its CSRF token: the one-button confirmation."""
