"""Pure decisions about signing: may this initiative be signed at ``now``."""

from datetime import datetime

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
