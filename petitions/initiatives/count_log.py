"""The public count log: each day, an initiative's count and Merkle root, hash-chained.

Anyone can check two things from the published entries alone:

- the chain: each entry's ``hash`` is the SHA-256 of the canonical JSON (keys sorted, no
  spaces, UTF-8) of its other fields, ``prev_hash`` included, and ``prev_hash`` is the
  previous entry's ``hash`` (64 zeros for the first). An entry changed, removed or
  inserted afterwards breaks every hash after it.
- the count: ``confirmed_count`` equals the previous entry's count (0 before the first)
  plus the confirmations minus the withdrawals recorded since that entry.

What the changes hold, and why:

- ``confirmations``, ``withdrawals`` and ``invalidations`` are counted from the
  signatures' own timestamps (``confirmed_at``, ``withdrawn_at``, ``invalidated_at``)
  in the window since the previous entry. They are the only things that move the
  count: a signature counts from its confirmation until its withdrawal or until the
  secretariat invalidates it in a batch, whichever comes first (a signature withdrawn
  after its invalidation is not counted out twice). Entries made before invalidations
  existed have no ``invalidations``: read it as 0.
- Expiries are not listed: the ``expire-pending-signatures`` job deletes signatures that
  were never confirmed, which never counted, so they cannot move the count.
- ``audit_head`` is the audit log's last entry at publication (``seq``, ``hash``): once
  published, deleting the audit log's last entries or rewriting it from one entry on
  no longer goes unseen (`audit verify` compares the log with every head published).
- ``verdicts`` are the register check's totals at publication (``valid``, ``invalid``):
  they do not change the confirmed count, they say how many of it were found valid.
"""

from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from petitions import dates
from petitions.extensions import db
from petitions.initiatives import audit, chain
from petitions.initiatives.chain import GENESIS
from petitions.models import CountLogEntry, Initiative, InitiativeState, Signature
from petitions.sealing.records import counted_leaves
from verification.merkle import merkle_root

# Once collection has stopped, one last entry closes the log (see _is_due).
STOPPED = (
    InitiativeState.closed,
    InitiativeState.filed,
    InitiativeState.verified,
    InitiativeState.insufficient,
    InitiativeState.with_council,
    InitiativeState.decided,
    InitiativeState.withdrawn,
)


def entry_fields(slug: str, entry: CountLogEntry) -> dict:
    """Return the published fields of an entry that its hash covers.

    Entries published before the audit head was anchored have no ``audit_head``: their
    stored hashes cover the fields without it.
    """
    head = {"audit_head": entry.audit_head} if entry.audit_head is not None else {}
    return head | {
        "initiative": slug,
        "seq": entry.seq,
        "day": entry.day.isoformat(),
        "published_at": entry.published_at.isoformat(),
        "confirmed_count": entry.confirmed_count,
        "root": entry.root,
        "changes": entry.changes or {},
        "prev_hash": entry.prev_hash,
    }


def entry_hash(slug: str, entry: CountLogEntry) -> str:
    """Return the SHA-256 (hex) of an entry's canonical JSON."""
    return chain.link_hash(entry_fields(slug, entry))


def entry_json(slug: str, entry: CountLogEntry) -> dict:
    """Return an entry as the page and the API publish it: its fields and its hash."""
    return {**entry_fields(slug, entry), "hash": entry.hash}


def entries(initiative: Initiative) -> list[CountLogEntry]:
    """Return an initiative's log, oldest first."""
    return list(
        db.session.scalars(
            select(CountLogEntry)
            .where(CountLogEntry.initiative_id == initiative.id)
            .order_by(CountLogEntry.seq)
        )
    )


def _last_entry(initiative: Initiative) -> CountLogEntry | None:
    return db.session.scalar(
        select(CountLogEntry)
        .where(CountLogEntry.initiative_id == initiative.id)
        .order_by(CountLogEntry.seq.desc())
        .limit(1)
    )


def _count(*conditions) -> int:
    return db.session.scalar(select(func.count(Signature.id)).where(*conditions))


def changes_since(initiative: Initiative, since: datetime | None, now) -> dict:
    """Return what moved the count in (since, now], and the register check's totals."""

    def window(column, *conditions):
        lower = [column > since] if since is not None else [column.is_not(None)]
        return _count(
            Signature.initiative_id == initiative.id, *lower, column <= now, *conditions
        )

    def verdicts(value: str) -> int:
        # The register check's verdicts only: not the secretariat's batches.
        return _count(
            Signature.initiative_id == initiative.id,
            Signature.verdict == value,
            Signature.invalidated_at.is_(None),
        )

    return {
        "confirmations": window(Signature.confirmed_at),
        "withdrawals": window(
            Signature.withdrawn_at,
            or_(
                Signature.invalidated_at.is_(None),
                Signature.invalidated_at > Signature.withdrawn_at,
            ),
        ),
        "invalidations": window(Signature.invalidated_at),
        "verdicts": {"valid": verdicts("valid"), "invalid": verdicts("invalid")},
    }


def _is_due(initiative: Initiative, last: CountLogEntry | None, today: date) -> bool:
    if last is not None and last.day == today:
        return False
    if initiative.state is InitiativeState.collecting:
        return True
    # After collection stops, one last entry: the count at filing (or closing), with
    # the changes up to then. Later days publish nothing more.
    stopped_at = initiative.filed_at or initiative.state_changed_at
    return (
        last is not None and stopped_at is not None and last.published_at < stopped_at
    )


def publish_entry(initiative: Initiative, now: datetime) -> CountLogEntry | None:
    """Append today's entry of an initiative's log if it is due; None if not."""
    today = dates.day_of(now)
    last = _last_entry(initiative)
    if not _is_due(initiative, last, today):
        return None
    entry = CountLogEntry(
        initiative_id=initiative.id,
        seq=(last.seq + 1) if last else 1,
        day=today,
        published_at=now,
        confirmed_count=initiative.confirmed_count(),
        root=merkle_root(counted_leaves(initiative)).hex(),
        changes=changes_since(initiative, last.published_at if last else None, now),
        audit_head=audit.head(),
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = entry_hash(initiative.slug, entry)
    try:
        # Two schedulers at once: the unique constraints (one entry per day, one per
        # seq) let one insert win; the other's savepoint rolls back and adds nothing.
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        return None
    return entry


def publish_count_log(now: datetime) -> dict:
    """Publish, once per Brussels day, each collecting initiative's count and root."""
    candidates = db.session.scalars(
        select(Initiative)
        .where(Initiative.state.in_((InitiativeState.collecting, *STOPPED)))
        .order_by(Initiative.id)
    ).all()
    published = sum(publish_entry(i, now) is not None for i in candidates)
    return {"published": published}


def verify_count_log(initiative: Initiative) -> int | None:
    """Return the seq of the first entry that breaks the chain or the count; None if sound."""
    prev_count = 0

    def counts_on(entry: CountLogEntry) -> str | None:
        nonlocal prev_count
        changes = entry.changes or {}
        expected_count = (
            prev_count
            + changes.get("confirmations", 0)
            - changes.get("withdrawals", 0)
            - changes.get("invalidations", 0)
        )
        if entry.confirmed_count != expected_count:
            return "miscounted"
        prev_count = entry.confirmed_count
        return None

    found = chain.walk(
        entries(initiative),
        lambda entry: entry_hash(initiative.slug, entry),
        counts_on,
    )
    return found.broken_at
