"""The append-only audit log: every transition and staff action, hash-chained."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text

from petitions.extensions import db
from petitions.initiatives import chain
from petitions.initiatives.chain import GENESIS
from petitions.models import AuditEntry, CountLogEntry


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


def head() -> dict | None:
    """Return the audit log's last entry as the count log publishes it (seq, hash)."""
    last = db.session.scalar(
        select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)
    )
    return {"seq": last.seq, "hash": last.hash} if last is not None else None


@dataclass
class ChainReport:
    """What `audit verify` found: the entries, every problem, and the head now."""

    entries: int
    problems: list[str]
    head: dict | None

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(seq: int, reason: str) -> str:
    if reason == chain.MISSING:
        return f"entry {seq} is missing"
    if reason == chain.OUT_OF_PLACE:
        return f"entry {seq} does not follow entry {seq - 1}"
    return f"entry {seq} was altered"


def _anchor_problems() -> list[str]:
    """Compare the log with every head the count log published; list each mismatch."""
    published = db.session.execute(
        select(CountLogEntry.day, CountLogEntry.audit_head)
        .where(CountLogEntry.audit_head.is_not(None))
        .order_by(CountLogEntry.published_at, CountLogEntry.id)
    ).all()
    heads: dict[int, tuple[str, object]] = {}
    for day, anchor in published:
        heads.setdefault(int(anchor["seq"]), (anchor["hash"], day))
    stored = dict(
        db.session.execute(
            select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.in_(heads))
        ).all()
    )
    problems = []
    for seq, (hash_, day) in sorted(heads.items()):
        if seq not in stored:
            problems.append(
                f"entry {seq} is missing, yet the count log of {day} published it "
                "as the head"
            )
        elif stored[seq] != hash_:
            problems.append(
                f"entry {seq} differs from the head the count log published on {day}"
            )
    return problems


def verify_chain() -> ChainReport:
    """Walk the log in order and compare it with the published heads; report every break."""
    found = chain.walk(
        db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)), entry_digest
    )
    problems = [_problem(seq, reason) for seq, reason in found.breaks]
    return ChainReport(found.entries, problems + _anchor_problems(), head())


class Timeline(list):
    """An initiative's public entries that hold, and how many were left out."""

    hidden: int = 0


def _sound(entries: list[AuditEntry]) -> list[AuditEntry]:
    # Each entry's own hash, and its link to the entry before it as stored now.
    before = dict(
        db.session.execute(
            select(AuditEntry.seq, AuditEntry.hash).where(
                AuditEntry.seq.in_([e.seq - 1 for e in entries])
            )
        ).all()
    )
    before[0] = GENESIS
    return [
        e
        for e in entries
        if e.hash == entry_digest(e) and before.get(e.seq - 1) == e.prev_hash
    ]


def timeline(initiative) -> Timeline:
    """Return the public entries of an initiative that verify, oldest first.

    An entry whose hash or link fails is not shown: ``hidden`` counts them, so that
    the pages can say that some were left out.
    """
    entries = list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.initiative_id == initiative.id, AuditEntry.public.is_(True)
            )
            .order_by(AuditEntry.seq)
        )
    )
    shown = Timeline(_sound(entries))
    shown.hidden = len(entries) - len(shown)
    return shown
