"""The sign form and the confirmation code form."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    RadioField,
)
from wtforms.validators import (
    DataRequired,
    StopValidation,
    ValidationError,
)

from petitions.web.forms import (
    honeypot_field,
    language_field,
    normalised_email,
    text_field,
    with_parse_message,
)
from verification.eligibility import has_house_number, is_box, is_house_number
from verification.identity import name_problem

_POSTCODE = re.compile(r"^[0-9]{4}$")
_DIGITS = re.compile(r"^[0-9]{1,4}$")

NAME_MESSAGES = {
    "characters": _l(
        "A name is made of letters, with spaces, hyphens, apostrophes or full stops "
        "between them."
    ),
    "mixed_scripts": _l(
        "Please write each word of the name in one alphabet: a letter from another "
        "alphabet may look the same but is a different letter."
    ),
}

BirthDateField = with_parse_message(
    DateField, _l("Please enter a real date, for example 1990-12-31.")
)

DATE_PARTS = ("day", "month", "year")


class DateOfBirthField(Field):
    """A date typed as day, month and year in three inputs (the GOV.UK pattern).

    Not the browser's date picker: on a phone it opens on today's month, decades from
    a date of birth, and swallows what is typed. The inputs are named ``<name>-day``,
    ``<name>-month`` and ``<name>-year``; ``data`` is the date, or None.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.parts = dict.fromkeys(DATE_PARTS, "")

    def part_name(self, part: str) -> str:
        return f"{self.name}-{part}"

    def part_id(self, part: str) -> str:
        # The day takes the field's own id: the error summary's link lands on it.
        return self.id if part == "day" else f"{self.id}-{part}"

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.data = data if isinstance(data, date) else None
        if self.data is not None:
            self.parts = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }
        if formdata is None:
            return
        self.parts = {
            part: formdata.get(self.part_name(part), "").strip()[:4]
            for part in DATE_PARTS
        }
        self.raw_data = list(self.parts.values())
        try:
            day, month, year = (int(_digits(self.parts[p])) for p in DATE_PARTS)
            self.data = date(year, month, day)
        except ValueError:
            self.data = None

    def pre_validate(self, form):
        if not any(self.parts.values()):
            raise StopValidation(_l("Please enter your date of birth."))
        if self.data is None:
            raise StopValidation(
                _l(
                    "Please enter a real date of birth: day, month and year in digits, "
                    "for example 15 6 1985."
                )
            )


class SignatureForm(FlaskForm):
    website = honeypot_field()
    surname = text_field(
        _l("Surname"), 100, _l("Please enter your surname."), autocomplete="family-name"
    )
    first_names = text_field(
        _l("First names"),
        100,
        _l("Please enter your first names."),
        autocomplete="given-name",
    )
    birth_date = DateOfBirthField(_l("Date of birth"))
    street = text_field(
        _l("Street"), 120, _l("Please enter your street."), autocomplete="address-line1"
    )
    house_number = text_field(
        _l("House number"), 10, _l("Please enter your house number.")
    )
    box = text_field(_l("Box (optional)"), 10)
    postcode = text_field(
        _l("Postcode"),
        10,
        _l("Please enter your postcode."),
        autocomplete="postal-code",
        inputmode="numeric",
    )
    email = text_field(
        _l("E-mail address"),
        254,
        _l("Please enter your e-mail address."),
        autocomplete="email",
        type="email",
    )
    language = language_field(RadioField, _l("Language of your e-mails"))
    consent = BooleanField(
        _l(
            "I agree that the City processes these data, which reveal a political "
            "opinion, only to verify and count my signature, as the privacy notice says."
        ),
        validators=[
            DataRequired(_l("Your signature can only be counted with your consent."))
        ],
    )

    # Separate from consent and never ticked in advance: an opt-in, not a condition.
    notify_decision = BooleanField(
        _l("Send me one e-mail when the council decides on this initiative.")
    )

    def validate_birth_date(self, field):
        if field.data and field.data.year < 1900:
            raise ValidationError(_l("Please check the year of your date of birth."))

    def validate_surname(self, field):
        _check_name(field)

    def validate_first_names(self, field):
        _check_name(field)

    def validate_street(self, field):
        if field.data and has_house_number(field.data):
            raise ValidationError(_l("Please put the house number in its own field."))

    def validate_house_number(self, field):
        if field.data and not is_house_number(field.data):
            raise ValidationError(
                _l(
                    "A house number is written in digits, with a letter, bis or ter "
                    "if it has one, for example 12, 12A, 12 bis, 43-45 or 61/2 (a box "
                    "has its own field)."
                )
            )

    def validate_box(self, field):
        if field.data and not is_box(field.data):
            raise ValidationError(
                _l("A box is written in letters and digits, for example 3, 12B or RC.")
            )

    def validate_postcode(self, field):
        if field.data and not _POSTCODE.match(field.data):
            raise ValidationError(_l("A postcode has four digits, for example 1000."))

    def validate_email(self, field):
        if field.data:
            field.data = normalised_email(field.data)


def _digits(text: str) -> str:
    """Return ``text`` if it is 1 to 4 ASCII digits; raise ValueError otherwise."""
    if not _DIGITS.match(text):
        raise ValueError(text)
    return text


def _check_name(field) -> None:
    problem = field.data and name_problem(field.data)
    if problem:
        raise ValidationError(NAME_MESSAGES[problem])


class CodeForm(FlaskForm):
    code = text_field(
        _l("Confirmation code"),
        20,
        _l("Please enter the code from the e-mail."),
        autocomplete="one-time-code",
        autocapitalize="characters",
    )
