"""Forms of the initiators' pages: the draft, its texts, the withdrawal, the link request."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import ValidationError

from petitions.initiatives.operations import TextInput
from petitions.initiatives.rules import TEXT_LANGUAGES
from petitions.initiators.operations import RepresentativeInput
from petitions.web.forms import (
    honeypot_field,
    language_field,
    long_text_field,
    normalised_email,
    text_field,
)
from verification.addresses import comparable_address

TEXT_PARTS = ("title", "summary", "body")

REPRESENTATIVE_ROWS = (1, 2, 3)


class TextsForm(FlaskForm):
    """The initiative's title, summary and text, in French and/or Dutch."""

    fr_title = text_field(_l("Title (French)"), 200, lang="fr")
    fr_summary = long_text_field(_l("Summary (French)"), 1000, lang="fr", rows=4)
    fr_body = long_text_field(
        _l("Text to be voted on (French)"), 20000, lang="fr", rows=12
    )
    nl_title = text_field(_l("Title (Dutch)"), 200, lang="nl")
    nl_summary = long_text_field(_l("Summary (Dutch)"), 1000, lang="nl", rows=4)
    nl_body = long_text_field(
        _l("Text to be voted on (Dutch)"), 20000, lang="nl", rows=12
    )

    def __init__(self, *args, required_languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Languages already written: an edit may change them, not empty them.
        self.required_languages = set(required_languages)

    def text_fields(self, language: str) -> list:
        """Return the title, summary and text fields of one language."""
        return [self[f"{language}_{part}"] for part in TEXT_PARTS]

    def _incomplete_message(self, language: str) -> str:
        if language in self.required_languages:
            return {
                "fr": _(
                    "The French text cannot be removed: please fill in this field."
                ),
                "nl": _("The Dutch text cannot be removed: please fill in this field."),
            }[language]
        return {
            "fr": _(
                "The French version is incomplete: please fill in this field too, or leave all three French fields empty."
            ),
            "nl": _(
                "The Dutch version is incomplete: please fill in this field too, or leave all three Dutch fields empty."
            ),
        }[language]

    def _validate_languages(self) -> bool:
        valid, complete = True, 0
        for language in TEXT_LANGUAGES:
            fields = self.text_fields(language)
            given = [f for f in fields if f.data]
            if len(given) == len(fields):
                complete += 1
            elif given or language in self.required_languages:
                valid = False
                for f in fields:
                    if not f.data and not f.errors:
                        f.errors.append(self._incomplete_message(language))
        if valid and not complete:
            valid = False
            self.fr_title.errors.append(
                _(
                    "Please write the title, the summary and the text in French, in Dutch or in both."
                )
            )
        return valid

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self._validate_languages() and valid

    def texts(self) -> dict[str, TextInput]:
        """Return the complete texts by language (after a successful validation)."""
        texts = {}
        for language in TEXT_LANGUAGES:
            title, summary, body = (f.data for f in self.text_fields(language))
            if title and summary and body:
                texts[language] = TextInput(title=title, summary=summary, body=body)
        return texts


class DraftForm(TextsForm):
    """A new draft: its texts and one to three representatives."""

    website = honeypot_field()

    rep1_name = text_field(
        _l("Name of representative %(num)d", num=1), 100, autocomplete="name"
    )
    rep1_email = text_field(
        _l("E-mail address of representative %(num)d", num=1), 254, type="email"
    )
    rep1_language = language_field(
        SelectField,
        _l("E-mail language of representative %(num)d", num=1),
        required=False,
    )
    rep2_name = text_field(_l("Name of representative %(num)d", num=2), 100)
    rep2_email = text_field(
        _l("E-mail address of representative %(num)d", num=2), 254, type="email"
    )
    rep2_language = language_field(
        SelectField,
        _l("E-mail language of representative %(num)d", num=2),
        required=False,
    )
    rep3_name = text_field(_l("Name of representative %(num)d", num=3), 100)
    rep3_email = text_field(
        _l("E-mail address of representative %(num)d", num=3), 254, type="email"
    )
    rep3_language = language_field(
        SelectField,
        _l("E-mail language of representative %(num)d", num=3),
        required=False,
    )

    def row(self, number: int) -> tuple:
        """Return the name, e-mail and language fields of one representative row."""
        return tuple(
            self[f"rep{number}_{part}"] for part in ("name", "email", "language")
        )

    def _validate_row(self, number: int, seen: set[str]) -> None:
        name, email, language = self.row(number)
        if not name.data and not email.data:
            # An empty row names nobody: its language choice does not matter.
            language.errors = []
            if number == 1:
                name.errors.append(_("Please name at least one representative."))
            return
        if not name.data:
            name.errors.append(_("Please enter the representative's name too."))
        if not email.data:
            email.errors.append(
                _("Please enter the representative's e-mail address too.")
            )
            return
        if email.errors:
            return
        try:
            email.data = normalised_email(email.data)
        except ValidationError as error:
            email.errors.append(str(error))
            return
        if comparable_address(email.data) in seen:
            email.errors.append(
                _("Each representative needs their own e-mail address.")
            )
            return
        seen.add(comparable_address(email.data))

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        seen: set[str] = set()
        for number in REPRESENTATIVE_ROWS:
            self._validate_row(number, seen)
        return not self.errors

    def representatives(self) -> list[RepresentativeInput]:
        """Return the filled representative rows (after a successful validation)."""
        return [
            RepresentativeInput(name=name.data, email=email.data, language=lang.data)
            for name, email, lang in (self.row(n) for n in REPRESENTATIVE_ROWS)
            if name.data
        ]


class WithdrawForm(FlaskForm):
    reason = long_text_field(_l("Reason (optional)"), 1000, rows=4)


class ManagementLinkForm(FlaskForm):
    website = honeypot_field()
    email = text_field(
        _l("E-mail address"),
        254,
        _l("Please enter your e-mail address."),
        autocomplete="email",
        type="email",
    )

    def validate_email(self, field):
        if field.data:
            field.data = normalised_email(field.data)
