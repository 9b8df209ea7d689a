"""The append-only audit log: every transition and staff action, hash-chained."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text

from petitions.extensions import db
from petitions.models import AuditEntry

GENESIS = "0" * 64


def _digest(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    initiative_id: int | None,
    public: bool,
    reason: str,
    details: dict,
) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "seq": seq,
            "at": at.isoformat(),
            "actor": actor,
            "action": action,
            "initiative": initiative_id,
            "public": public,
            "reason": reason,
            "details": details,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def entry_digest(entry: AuditEntry) -> str:
    """Return the hash an entry must carry, from its own fields and its predecessor's."""
    return _digest(
        entry.prev_hash,
        entry.seq,
        entry.at,
        entry.actor,
        entry.action,
        entry.initiative_id,
        entry.public,
        entry.reason,
        entry.details or {},
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


def verify_chain() -> ChainReport:
    """Walk the log in order; report the first entry altered, removed or out of place."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(count, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return ChainReport(
                count,
                entry.seq,
                f"entry {entry.seq} does not follow entry {entry.seq - 1}",
            )
        if entry.hash != entry_digest(entry):
            return ChainReport(count, entry.seq, f"entry {entry.seq} was altered")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    return ChainReport(count)


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
