"""Pure decisions about receipts: may a signature be withdrawn at ``now``."""

from petitions.models import Initiative, Signature, SignatureState
from petitions.signing.rules import is_open_for_signing


def is_withdrawable(initiative: Initiative, signature: Signature, now) -> bool:
    """Say whether a signature may be withdrawn at ``now``: counted, collection open."""
    return signature.state is SignatureState.confirmed and is_open_for_signing(
        initiative, now
    )
