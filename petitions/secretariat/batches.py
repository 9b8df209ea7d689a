"""The fraud view's figures, and its one state change: a batch of signatures invalidated.

The signatures that count, made online, grouped three ways: per hour of signing, per
mail domain, per client network (a keyed hash, never an address). A batch is one hour
the rule flags, one mail domain or one network. Invalidating it gives each of its
signatures the verdict "invalid" with the reason BULK_REASON and the instant: from
then on they are out of the count, of the register check's list, of the Merkle tree
and of the dossier, and the public timeline says how many went, and why.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from petitions.extensions import db
from petitions.initiatives import audit
from petitions.models import Initiative, InitiativeState, Signature
from petitions.models.signatures import BULK_REASON, still_counts
from petitions.secretariat.rules import flagged_batches

HOUR, DOMAIN, NETWORK = "hour", "domain", "network"

# Before filing the count is still open; once filed, until the register check is
# applied. Afterwards the groupings are erased and the count is the register's.
INVALIDATION_STATES = (InitiativeState.collecting, InitiativeState.filed)

ONE_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Batch:
    kind: str  # HOUR, DOMAIN or NETWORK
    key: str  # the hour's start (ISO, UTC), the domain, or the network's hash
    count: int
    flagged: bool

    @property
    def value(self) -> str:
        """Return how the form names the batch."""
        return f"{self.kind}:{self.key}"

    @property
    def start(self) -> datetime:
        """Return an hour batch's start."""
        return datetime.fromisoformat(self.key)


@dataclass
class Patterns:
    total: int = 0
    hours: list[Batch] = field(default_factory=list)
    domains: list[Batch] = field(default_factory=list)
    networks: list[Batch] = field(default_factory=list)

    def choices(self) -> list[Batch]:
        """Return the batches that may be invalidated: flagged hours, every domain and
        network, the flagged ones first, then the largest."""
        batches = [b for b in self.hours if b.flagged] + self.domains + self.networks
        return sorted(batches, key=lambda b: (not b.flagged, -b.count, b.value))


def _hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _batches(kind: str, per: Counter, slots: int | None = None) -> list[Batch]:
    config = current_app.config
    flagged = flagged_batches(
        per, config["FRAUD_BURST_FACTOR"], config["FRAUD_BURST_MINIMUM"], slots
    )
    return [
        Batch(kind, key, count, key in flagged)
        for key, count in sorted(per.items(), key=lambda item: (-item[1], item[0]))
    ]


def patterns(initiative: Initiative) -> Patterns:
    """Count the initiative's counted online signatures per hour, domain and network."""
    rows = db.session.execute(
        select(Signature.created_at, Signature.mail_domain, Signature.client_network)
        .where(
            Signature.initiative_id == initiative.id,
            still_counts(),
            Signature.channel == "online",
        )
        .execution_options(yield_per=5000)
    ).all()
    if not rows:
        return Patterns()
    per_hour = Counter(_hour_of(created_at) for created_at, _d, _n in rows)
    # Every hour from the first signature's to the last one's, the empty ones too: a
    # burst stands out against the collection's usual pace, quiet nights included.
    span = int((max(per_hour) - min(per_hour)) / ONE_HOUR) + 1
    hours = _batches(
        HOUR, Counter({h.isoformat(): n for h, n in per_hour.items()}), span
    )
    hours.sort(key=lambda b: b.key)
    return Patterns(
        total=len(rows),
        hours=hours,
        domains=_batches(DOMAIN, Counter(d for _c, d, _n in rows if d)),
        networks=_batches(NETWORK, Counter(n for _c, _d, n in rows if n)),
    )


class BatchRefused(Exception):
    """The batch cannot be invalidated; ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _condition(kind: str, key: str, found: Patterns):
    if kind == HOUR:
        # Only an hour the rule flags: any hour at all would let a whole day go.
        if not any(b.key == key and b.flagged for b in found.hours):
            raise BatchRefused("unknown_batch")
        start = datetime.fromisoformat(key)
        return Signature.created_at >= start, Signature.created_at < start + ONE_HOUR
    if kind == DOMAIN:
        return (Signature.mail_domain == key,)
    if kind == NETWORK:
        return (Signature.client_network == key,)
    raise BatchRefused("unknown_batch")


def invalidate_batch(
    initiative: Initiative, actor: str, batch: str, reason: str, now: datetime
) -> int:
    """Invalidate a batch of counted signatures with a published reason; return how many.

    A batch that holds no counted signature (an other initiative's, or one already
    invalidated) is refused (``BatchRefused("empty")``) and changes nothing.
    """
    if initiative.state not in INVALIDATION_STATES:
        raise BatchRefused("wrong_state")
    if not reason.strip():
        raise BatchRefused("reason_missing")
    kind, _, key = batch.partition(":")
    condition = _condition(kind, key, patterns(initiative))
    ids = db.session.scalars(
        select(Signature.id)
        .where(
            Signature.initiative_id == initiative.id,
            still_counts(),
            Signature.channel == "online",
            *condition,
        )
        .with_for_update()
    ).all()
    if not ids:
        raise BatchRefused("empty")
    db.session.execute(
        update(Signature)
        .where(Signature.id.in_(ids))
        .values(verdict="invalid", verdict_reason=BULK_REASON, invalidated_at=now)
    )
    # Published: how many and why, never which batch (a domain can name a family).
    audit.record(
        actor,
        "signatures-invalidated",
        now,
        initiative,
        public=True,
        reason=reason.strip(),
        invalidated=len(ids),
    )
    return len(ids)


def invalidations(initiative: Initiative) -> list:
    """Return the initiative's batch invalidations, oldest first (audit entries)."""
    return [
        entry
        for entry in audit.timeline(initiative)
        if entry.action == "signatures-invalidated"
    ]
