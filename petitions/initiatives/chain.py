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
    """What walking a chain found: the entries read, and every link that broke."""

    entries: int
    breaks: tuple[tuple[int, str], ...] = ()

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def broken_at(self) -> int | None:
        """Return the seq of the first broken link, None if the chain holds."""
        return self.breaks[0][0] if self.breaks else None

    @property
    def reason(self) -> str:
        return self.breaks[0][1] if self.breaks else ""


def _break(entry: Entry, expected_seq: int, prev_hash: str, digest) -> tuple | None:
    if entry.seq != expected_seq:
        return (expected_seq, MISSING)
    if entry.prev_hash != prev_hash:
        return (entry.seq, OUT_OF_PLACE)
    if entry.hash != digest(entry):
        return (entry.seq, ALTERED)
    return None


def walk(
    entries: Iterable[Entry],
    digest: Callable[[Entry], str],
    check: Callable[[Entry], str | None] | None = None,
) -> Walk:
    """Walk a log in seq order (1, 2, 3…) and report every broken link.

    ``digest`` recomputes an entry's hash from its fields; ``check``, if given, adds a
    log's own condition once an entry's link holds: it returns the reason the entry
    breaks the log, or None when the entry is sound. After a break the walk goes on
    from the entry as it stands, so that each later break is reported once, by itself.
    """
    prev_hash, expected_seq, read, breaks = GENESIS, 1, 0, []
    for entry in entries:
        read += 1
        found = _break(entry, expected_seq, prev_hash, digest)
        if found is None and check is not None:
            reason = check(entry)
            found = (entry.seq, reason) if reason is not None else None
        if found is not None:
            breaks.append(found)
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    return Walk(read, tuple(breaks))
