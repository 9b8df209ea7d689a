"""Pure decisions about signing (DESIGN.md §2, §4): may this initiative be signed at
``now``, how long an unconfirmed signature waits, how many people share an address, how
often a counted signature's address hears of repeats."""

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


def may_tell_counted_address(last_told: datetime | None, now: datetime) -> bool:
    """Say whether a counted signature's address may be told of a confirmed repeat now.

    Someone who keeps confirming repeats in a person's name must not fill that person's
    mailbox: once a day at most (a rolling day, so that midnight gives no second mail).
    """
    return last_told is None or now - last_told >= timedelta(days=1)
