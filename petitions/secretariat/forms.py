"""Forms of the secretariat's pages: sign-in, the admissibility checklist, the council."""

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    StopValidation,
    ValidationError,
)

from petitions import dates
from petitions.initiatives.labels import OUTCOME_LABELS
from petitions.initiatives.rules import ADMISSIBILITY_CHECKLIST, TEXT_LANGUAGES
from petitions.models import Outcome
from petitions.web.forms import long_text_field, text_field, with_parse_message
from petitions.web.languages import LANGUAGE_NAMES

# The council's outcomes, in the words the public pages use for them.
OUTCOME_CHOICES = [
    SelectChoice(outcome.value, OUTCOME_LABELS[outcome.value]) for outcome in Outcome
]


# The years a council date may lie in: a date outside is a typing slip (0001, 9999),
# and the time zone's arithmetic cannot even take the first and last years.
FIRST_YEAR, LAST_YEAR = 2000, 2199
# More signatures than the City has residents is a typing slip too (and 10^20 does
# not fit in a database integer).
MAX_COUNT = 1_000_000


TOO_LARGE = _l("A count cannot be larger than %(max)s: please check it.")


class CountField(
    with_parse_message(
        IntegerField, _l("Please enter a whole number, for example 1250.")
    )
):
    """A whole number; one with more digits than MAX_COUNT is not even converted."""

    def process_formdata(self, valuelist):
        if valuelist and len(valuelist[0].strip()) > len(str(MAX_COUNT)):
            self.data = None
            raise ValueError(TOO_LARGE % {"max": MAX_COUNT})
        super().process_formdata(valuelist)


def plausible_year(form, field):
    """Stop at a date outside FIRST_YEAR-LAST_YEAR, before anything computes with it."""
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise StopValidation(
            _l(
                "Please check the year: it must lie between %(first)d and %(last)d.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )


def day_field(label, required) -> DateField:
    """Return a date field (YYYY-MM-DD, a date picker in browsers) with our messages."""
    return DateField(
        label,
        validators=[InputRequired(required), plausible_year],
        invalid_value_message=_l("Please enter a real date, for example 2027-06-30."),
    )


class MomentField(DateTimeLocalField):
    """A local date and time in the legal time zone, given as an aware UTC datetime."""

    def to_utc(self) -> datetime:
        """Return the entered Brussels wall-clock time as an aware UTC instant."""
        zone = ZoneInfo(dates.zone())
        return self.data.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))


class LoginForm(FlaskForm):
    email = text_field(
        _l("E-mail address"),
        254,
        _l("Please enter your e-mail address."),
        autocomplete="username",
        type="email",
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Please enter your password.")),
            Length(max=200, message=_l("Please use at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(FlaskForm):
    """The second factor: the authenticator app's six digits, or a recovery code."""

    code = text_field(
        _l("Code"),
        40,
        _l("Please enter the code."),
        autocomplete="one-time-code",
        spellcheck="false",
        autocapitalize="off",
    )


def _review_fields(cls):
    for item in ADMISSIBILITY_CHECKLIST:
        setattr(
            cls,
            item,
            RadioField(
                item,  # replaced by the question (checklist_questions) on creation
                choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                validate_choice=False,
                validators=[
                    InputRequired(_l("Please answer yes or no.")),
                    AnyOf(("yes", "no"), message=_l("Please answer yes or no.")),
                ],
            ),
        )
        setattr(
            cls,
            f"{item}_reason",
            long_text_field(
                _l("Reason (published; required when the answer is no)"), 1000
            ),
        )
    return cls


def checklist_questions() -> dict[str, str]:
    """Return the question of each admissibility checklist item."""
    months = current_app.config["RESUBMISSION_MONTHS"]
    return {
        "language": _l("The text is in French or Dutch."),
        "municipal_competence": _l("The subject is within the City's competence."),
        "general_interest": _l(
            "It is of general interest and not about a particular person."
        ),
        "fundamental_rights": _l(
            "It respects fundamental rights and is not discriminatory."
        ),
        "not_information_request": _l(
            "It is not a request for statistics, documents or legal advice."
        ),
        "not_recently_decided": _l(
            "It is not the same as an item the council decided in the last %(months)s months.",
            months=months,
        ),
    }


@_review_fields
class ReviewForm(FlaskForm):
    """The admissibility checklist: yes or no for every item, a reason for every no."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item, question in checklist_questions().items():
            self[item].label.text = question

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for item in ADMISSIBILITY_CHECKLIST:
            reason = self[f"{item}_reason"]
            if self[item].data == "no" and not reason.data:
                # The error summary lists every reason field under the same label:
                # the message names the question it belongs to.
                message = _l(
                    "Please give the reason for answering no to “%(question)s” (it is published with the decision).",
                    question=self[item].label.text,
                )
                reason.errors = [*reason.errors, message]
                valid = False
        return valid

    def checklist(self) -> dict[str, tuple[bool, str]]:
        """Return the answers as review_admissibility takes them."""
        return {
            item: (self[item].data == "yes", self[f"{item}_reason"].data or "")
            for item in ADMISSIBILITY_CHECKLIST
        }


class TranslationForm(FlaskForm):
    language = RadioField(
        _l("Language of this text"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in TEXT_LANGUAGES],
        validate_choice=False,
        validators=[
            InputRequired(_l("Please choose French or Dutch.")),
            AnyOf(TEXT_LANGUAGES, message=_l("Please choose French or Dutch.")),
        ],
    )
    title = text_field(_l("Title"), 200, _l("Please enter the title."))
    summary = long_text_field(_l("Summary"), 1000, _l("Please enter the summary."))
    body = long_text_field(
        _l("Text proposed to the municipal council"),
        20000,
        _l("Please enter the text."),
        rows=12,
    )


def count_field(label, required) -> CountField:
    """Return a whole, non-negative number of signatures."""
    return CountField(
        label,
        validators=[
            InputRequired(required),
            NumberRange(min=0, message=_l("A count cannot be negative.")),
            NumberRange(
                max=MAX_COUNT,
                message=TOO_LARGE,
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )


class VerificationForm(FlaskForm):
    valid = count_field(
        _l("Valid signatures"), _l("Please enter the number of valid signatures.")
    )
    invalid = count_field(
        _l("Invalid signatures"), _l("Please enter the number of invalid signatures.")
    )


class MeetingForm(FlaskForm):
    starts_at = MomentField(
        _l("Date and time (Brussels time)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        validators=[
            InputRequired(_l("Please enter the date and time.")),
            plausible_year,
        ],
        invalid_value_message=_l(
            "Please enter a real date and time, for example 2027-06-30 18:30."
        ),
    )
    place = text_field(_l("Place"), 200, _l("Please enter the place."))
    notes = long_text_field(_l("Notes (optional)"), 5000)

    def validate_starts_at(self, field):
        # A wall-clock time skipped when clocks go forward (02:30 on the last Sunday of
        # March) does not exist in Brussels: say so rather than move the meeting.
        if field.data is None:
            return
        zone = ZoneInfo(dates.zone())
        back = field.to_utc().astimezone(zone).replace(tzinfo=None)
        if back != field.data:
            raise ValidationError(
                _l("This time does not exist in Brussels (the clocks change).")
            )


class AgendaForm(FlaskForm):
    agenda_date = day_field(
        _l("Date of the council meeting"), _l("Please enter the date.")
    )


class VoteForm(FlaskForm):
    vote_date = day_field(
        _l("Date of the vote"), _l("Please enter the date of the vote.")
    )
    outcome = RadioField(
        _l("Outcome"),
        choices=OUTCOME_CHOICES,
        validate_choice=False,
        validators=[
            InputRequired(_l("Please choose the outcome.")),
            AnyOf(
                [choice.value for choice in OUTCOME_CHOICES],
                message=_l("Please choose the outcome."),
            ),
        ],
    )
    minutes_url = text_field(
        _l("Link to the minutes"),
        500,
        _l("Please enter the link to the minutes."),
        type="url",
    )

    def validate_minutes_url(self, field):
        if not field.data:
            return
        parts = urlsplit(field.data)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(
                _l("Please enter a web address starting with https:// or http://.")
            )


class PrivateKeyForm(FlaskForm):
    """The secretariat's private key and its passphrase, for one action only."""

    key = MultipleFileField(
        _l("Private key file of the secretariat"),
        validators=[FileRequired(_l("Please choose the private key file."))],
        render_kw={"accept": ".pem"},
    )
    passphrase = PasswordField(
        _l("Passphrase of the private key"),
        validators=[
            DataRequired(_l("Please enter the passphrase of the private key.")),
            Length(max=1000, message=_l("Please use at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "off"},
    )


class DossierExportForm(PrivateKeyForm):
    """Build the certified dossier: the sealing key opens the list, the City signs it."""

    signing_key = FileField(
        _l("Private dossier signing key of the City"),
        validators=[FileRequired(_l("Please choose the dossier signing key file."))],
        render_kw={"accept": ".pem"},
    )
    signing_passphrase = PasswordField(
        _l("Passphrase of the signing key (leave empty if it is the same)"),
        validators=[
            Length(max=1000, message=_l("Please use at most %(max)d characters."))
        ],
        render_kw={"autocomplete": "off"},
    )


class RegisterExportForm(PrivateKeyForm):
    """Download the list of counted signatures for the population register."""


class DecisionMailForm(PrivateKeyForm):
    """Send the council's decision to the signatories who asked for it."""


class VerdictImportForm(FlaskForm):
    file = FileField(
        _l("File of the register's verdicts (CSV)"),
        validators=[FileRequired(_l("Please choose the file of verdicts."))],
        render_kw={"accept": ".csv,text/csv"},
    )


class BatchInvalidationForm(FlaskForm):
    """The fraud view's action: one batch, and the reason published with it."""

    batch = SelectField(
        _l("Batch to invalidate"),
        validate_choice=False,
        validators=[InputRequired(_l("Please choose the batch to invalidate."))],
    )
    reason = long_text_field(
        _l("Reason (published on the initiative's timeline)"),
        1000,
        _l("Please give the reason: it is published with the number of signatures."),
    )
