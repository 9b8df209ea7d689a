"""The words of each eligibility refusal, per form field (online and paper signing)."""

from flask_babel import gettext as _


def eligibility_messages() -> dict[str, tuple[str, str]]:
    """Return, per refusal reason, the form field it belongs to and its message."""
    return {
        "born_in_future": ("birth_date", _("A date of birth cannot be in the future.")),
        "too_young": (
            "birth_date",
            _("Only residents aged 16 or more on the day of signing may sign."),
        ),
        "unknown_street": (
            "street",
            _(
                "We do not find this street in the City of Brussels. Please check its spelling, in French or Dutch."
            ),
        ),
        "wrong_postcode": (
            "postcode",
            _(
                "This street does not run through this postcode in the City of Brussels."
            ),
        ),
        "not_in_city": (
            "street",
            _(
                "This address is not in the City of Brussels (it belongs to a neighbouring municipality). Only residents of the City may sign."
            ),
        ),
    }
