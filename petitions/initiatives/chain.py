"""The hash chain that both append-only logs share: the audit log and the count log.

Each entry carries ``prev_hash`` (the previous entry's ``hash``, or ``GENESIS`` for the
first) and ``hash``, the SHA-256 (hex) of the canonical JSON of its fields: keys sorted,
no spaces, UTF-8. Changing, removing or inserting an entry afterwards breaks every link
after it. Which fields a log's hash covers is each log's own (the stored hashes depend
on it, byte for byte); the serialisation, the link and the walk are shared here.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

GENESIS = "0" * 64

# Why a link broke, in the order the walk checks them.
MISSING = "missing"
OUT_OF_PLACE = "out of place"
ALTERED = "altered"


class Link(Protocol):
    seq: int
    prev_hash: str
    hash: str


Entry = TypeVar("Entry", bound=Link)


def canonical_json(fields: Mapping[str, Any]) -> str:
    """Return the canonical JSON of an entry's fields: keys sorted, no spaces."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def link_hash(fields: Mapping[str, Any]) -> str:
    """Return the SHA-256 (hex) of the UTF-8 canonical JSON of an entry's fields."""
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


@dataclass(frozen=True)
class Walk:
    """What walking a chain found: the entries read, and where and why it broke."""

    entries: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def walk(
    entries: Iterable[Entry],
    digest: Callable[[Entry], str],
    check: Callable[[Entry], str | None] | None = None,
) -> Walk:
    """Walk a log in seq order (1, 2, 3…) and stop at its first broken link.

    ``digest`` recomputes an entry's hash from its fields; ``check``, if given, adds a
    log's own condition once an entry's link holds: it returns the reason the entry
    breaks the log, or None when the entry is sound.
    """
    prev_hash, expected_seq, read = GENESIS, 1, 0
    for entry in entries:
        read += 1
        if entry.seq != expected_seq:
            return Walk(read, expected_seq, MISSING)
        if entry.prev_hash != prev_hash:
            return Walk(read, entry.seq, OUT_OF_PLACE)
        if entry.hash != digest(entry):
            return Walk(read, entry.seq, ALTERED)
        reason = check(entry) if check is not None else None
        if reason is not None:
            return Walk(read, entry.seq, reason)
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    return Walk(read)
