"""Pure decisions about signing (DESIGN.md §2, §4): may this initiative be signed at
``now``, how long an unconfirmed signature waits, how many people share an address."""

from datetime import datetime, timedelta

from flask import current_app

from petitions import dates
from petitions.models import (
    Initiative,
    InitiativeState,
)


def is_open_for_signing(initiative: Initiative, now: datetime) -> bool:
    """Say whether the initiative accepts signatures at ``now``."""
    if initiative.state is not InitiativeState.collecting:
        return False
    today = dates.day_of(now)
    starts, ends = initiative.collection_starts_on, initiative.collection_ends_on
    return (starts is None or starts <= today) and (ends is None or today <= ends)


def pending_cutoff(now: datetime) -> datetime:
    """Return the instant before which an unconfirmed signature is deleted."""
    return now - timedelta(days=current_app.config["PENDING_SIGNATURE_DAYS"])


def address_has_room(people_with_address: int) -> bool:
    """Say whether one more person may sign with an address others already used.

    A household shares an address: a few people may, a crowd of invented ones may not.
    """
    return people_with_address < current_app.config["MAX_SIGNATURES_PER_EMAIL"]


def may_resend_confirmation(mails_sent: int) -> bool:
    """Say whether a pending signature's confirmation may be sent once more.

    Signing again while pending sends the link again, a few times, not without end.
    """
    return mails_sent <= current_app.config["CONFIRMATION_MAX_RESENDS"]
