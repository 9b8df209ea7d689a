"""Forms (WTForms through Flask-WTF: CSRF-protected, errors in the user's language)."""

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, StringField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    ValidationError,
)

_POSTCODE = re.compile(r"^\d{4}$")


def no_control_characters(form, field):
    """Refuse tabs, new lines and other invisible control characters in one-line fields."""
    if field.data and any(unicodedata.category(c) in ("Cc", "Cf") for c in field.data):
        raise ValidationError(_l("Please remove the invisible control characters."))


class BirthDateField(DateField):
    """A date field whose message for an impossible date says what to type."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(
                _l("Please enter a real date, for example 1990-12-31.")
            ) from None


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SignatureForm(FlaskForm):
    surname = StringField(
        _l("Surname"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your surname.")),
            Length(max=100, message=_l("Please use at most %(max)d characters.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": "family-name"},
    )
    first_names = StringField(
        _l("First names"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your first names.")),
            Length(max=100, message=_l("Please use at most %(max)d characters.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": "given-name"},
    )
    birth_date = BirthDateField(
        _l("Date of birth"),
        format=["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"],
        validators=[InputRequired(_l("Please enter your date of birth."))],
        render_kw={"autocomplete": "bday"},
    )
    street = StringField(
        _l("Street"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your street.")),
            Length(max=120, message=_l("Please use at most %(max)d characters.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": "address-line1"},
    )
    house_number = StringField(
        _l("House number"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your house number.")),
            Length(max=10, message=_l("Please use at most %(max)d characters.")),
            no_control_characters,
        ],
    )
    box = StringField(
        _l("Box (optional)"),
        filters=[_strip],
        validators=[
            Length(max=10, message=_l("Please use at most %(max)d characters.")),
            no_control_characters,
        ],
    )
    postcode = StringField(
        _l("Postcode"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your postcode.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric"},
    )
    email = StringField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Length(max=254, message=_l("Please use at most %(max)d characters.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": "email", "type": "email"},
    )
    language = RadioField(
        _l("Language of your e-mails"),
        choices=[
            SelectChoice("fr", "Français"),
            SelectChoice("nl", "Nederlands"),
            SelectChoice("en", "English"),
        ],
        # The choice is checked by AnyOf, whose message is ours (WTForms' own is not).
        validate_choice=False,
        validators=[
            InputRequired(_l("Please choose a language.")),
            AnyOf(("fr", "nl", "en"), message=_l("Please choose a language.")),
        ],
    )
    consent = BooleanField(
        _l(
            "I agree that the City processes these data, which reveal a political "
            "opinion, only to verify and count my signature, as the privacy notice says."
        ),
        validators=[
            DataRequired(_l("Your signature can only be counted with your consent."))
        ],
    )

    def validate_birth_date(self, field):
        if field.data and field.data.year < 1900:
            raise ValidationError(_l("Please check the year of your date of birth."))

    def validate_postcode(self, field):
        if field.data and not _POSTCODE.match(field.data):
            raise ValidationError(_l("A postcode has four digits, for example 1000."))

    def validate_email(self, field):
        if not field.data:
            return
        try:
            result = validate_email(field.data, check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError(
                _l("Please enter a valid e-mail address, for example name@example.be.")
            ) from None
        field.data = result.normalized


class CodeForm(FlaskForm):
    code = StringField(
        _l("Confirmation code"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter the code from the e-mail.")),
            Length(max=20, message=_l("Please use at most %(max)d characters.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"},
    )


class ButtonForm(FlaskForm):
    """A form with only its CSRF token: the one-button confirmation."""
