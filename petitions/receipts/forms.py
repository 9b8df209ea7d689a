"""The receipt code form and the withdrawal request form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, ValidationError

from petitions.web.forms import text_field
from verification.codes import RECEIPT_LENGTH, normalise_code


def receipt_code_shape(form, field):
    """Refuse a code that cannot be a receipt: 20 letters and digits, dashes allowed."""
    value = field.data or ""
    if any(not (c.isalnum() or c in "- ") for c in value) or (
        len(normalise_code(value)) != RECEIPT_LENGTH
    ):
        raise ValidationError(
            _l(
                "A receipt code has 20 letters and digits, for example "
                "ABCD-EFGH-JKMN-PQRS-TUVW. Please check it."
            )
        )


class ReceiptForm(FlaskForm):
    code = text_field(
        _l("Receipt code"),
        40,
        _l("Please enter your receipt code."),
        autocomplete="off",
        autocapitalize="characters",
        spellcheck="false",
    )

    def validate_code(self, field):
        receipt_code_shape(self, field)


class WithdrawRequestForm(FlaskForm):
    """The withdraw button of an answer page: the code comes back as a hidden field."""

    code = HiddenField(validators=[DataRequired(), receipt_code_shape])
