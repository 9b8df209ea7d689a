"""The append-only audit log: every transition and staff action, hash-chained."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text

from petitions.extensions import db
from petitions.initiatives import chain
from petitions.initiatives.chain import GENESIS
from petitions.models import AuditEntry


def entry_digest(entry: AuditEntry) -> str:
    """Return the hash an entry must carry, from its own fields and its predecessor's."""
    # The audit log names its link "prev" in what it hashes (the count log says
    # "prev_hash"): stored hashes depend on these exact keys.
    return chain.link_hash(
        {
            "prev": entry.prev_hash,
            "seq": entry.seq,
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "action": entry.action,
            "initiative": entry.initiative_id,
            "public": entry.public,
            "reason": entry.reason,
            "details": entry.details or {},
        }
    )


def _lock_chain() -> None:
    # Two transactions appending at once would both read the same last entry. SQLite
    # writes one at a time already (BEGIN IMMEDIATE); PostgreSQL takes a lock that lasts
    # until the transaction ends.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(4242001)"))


def record(
    actor: str,
    action: str,
    now: datetime,
    initiative=None,
    *,
    public=False,
    reason: str = "",
    **details,
) -> AuditEntry:
    """Append an entry to the audit log in the current transaction."""
    _lock_chain()
    last = db.session.scalar(
        select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)
    )
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1,
        at=now,
        actor=actor,
        action=action,
        initiative_id=initiative.id if initiative is not None else None,
        public=public,
        reason=reason,
        details=details,
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = entry_digest(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass
class ChainReport:
    entries: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _problem(seq: int, reason: str) -> str:
    if reason == chain.MISSING:
        return f"entry {seq} is missing"
    if reason == chain.OUT_OF_PLACE:
        return f"entry {seq} does not follow entry {seq - 1}"
    return f"entry {seq} was altered"


def verify_chain() -> ChainReport:
    """Walk the log in order; report the first entry altered, removed or out of place."""
    found = chain.walk(
        db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)), entry_digest
    )
    if found.broken_at is None:
        return ChainReport(found.entries)
    return ChainReport(
        found.entries, found.broken_at, _problem(found.broken_at, found.reason)
    )


def timeline(initiative) -> list[AuditEntry]:
    """Return the public entries of an initiative, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.initiative_id == initiative.id, AuditEntry.public.is_(True)
            )
            .order_by(AuditEntry.seq)
        )
    )
