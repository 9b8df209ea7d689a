"""The initiators' dashboard: its figures, read from the database, and its SVG chart."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from petitions import dates
from petitions.extensions import db
from petitions.initiatives.labels import MAIL_LABELS, REASON_LABELS, REASONS
from petitions.models import (
    Initiative,
    OutboxMessage,
    Signature,
    SignatureState,
)
from petitions.models.signatures import still_counts

# Below this, a count per neighbourhood could point at a few neighbours: shown as "< 10".
SMALL_CELL = 10


def pending_count(initiative: Initiative) -> int:
    """Return the signatures waiting for their signatory's confirmation."""
    return db.session.scalar(
        select(func.count(Signature.id)).where(
            Signature.initiative_id == initiative.id,
            Signature.state == SignatureState.pending,
        )
    )


def _last_chart_day(initiative: Initiative, now: datetime) -> date:
    last = dates.day_of(now)
    if initiative.collection_ends_on:
        last = min(last, initiative.collection_ends_on)
    if initiative.filed_at:
        last = min(last, dates.day_of(initiative.filed_at))
    return last


def signatures_per_day(initiative: Initiative, now: datetime) -> list[tuple[date, int]]:
    """Return the confirmed signatures per legal day, from the first one's day on.

    Days without a signature count as 0, so that the chart and the table show the
    pace of the collection; the series runs until today, or the end of collection.
    """
    instants = db.session.scalars(
        select(Signature.confirmed_at).where(
            Signature.initiative_id == initiative.id,
            still_counts(),
            Signature.confirmed_at.is_not(None),
        )
    ).all()
    per_day = Counter(dates.day_of(moment) for moment in instants)
    if not per_day:
        return []
    first = min(per_day)
    last = max(max(per_day), _last_chart_day(initiative, now))
    return [
        (first + timedelta(days=n), per_day.get(first + timedelta(days=n), 0))
        for n in range((last - first).days + 1)
    ]


@dataclass
class NeighbourhoodCount:
    name: str | None  # None: signatures whose neighbourhood is not known
    kind: str  # "count" (shown), "small" (1-9, shown as "< 10") or "hidden"
    count: int | None = None  # only for "count": a masked figure never leaves here


def _gives_away_a_small_count(small: list[int], hidden: list[int]) -> bool:
    # The total is on the page; the unknown cells therefore add up to a known sum.
    # Small cells (1-9) and hidden large ones (10+) are unknown: a small one is given
    # away when only one value fits, e.g. a single "< 10" cell, or two cells of 1.
    if not small:
        return False
    total, cells = sum(small), len(small)
    if not hidden:
        return cells == 1 or total == cells or total == (SMALL_CELL - 1) * cells
    return total == cells and all(h == SMALL_CELL for h in hidden)


def neighbourhood_counts(initiative: Initiative) -> list[NeighbourhoodCount] | None:
    """Return the confirmed signatures per neighbourhood, small counts masked.

    Counts of 1 to 9 show as "< 10"; when the total and the other cells would give a
    small count away, the smallest large counts are hidden too. None when no safe
    table exists (nothing to show, or every cell would have to be hidden).
    """
    rows = db.session.execute(
        select(Signature.neighbourhood, func.count(Signature.id))
        .where(Signature.initiative_id == initiative.id, still_counts())
        .group_by(Signature.neighbourhood)
    ).all()
    if not rows:
        return None
    small = [count for _name, count in rows if count < SMALL_CELL]
    large = sorted(count for _name, count in rows if count >= SMALL_CELL)
    hidden: list[int] = []
    while _gives_away_a_small_count(small, hidden):
        if not large:
            return None
        hidden.append(large.pop(0))
    cells = []
    for name, count in sorted(rows, key=lambda row: (row[0] is None, row[0] or "")):
        if count < SMALL_CELL:
            cells.append(NeighbourhoodCount(name, "small"))
        elif count in hidden:
            hidden.remove(count)
            cells.append(NeighbourhoodCount(name, "hidden"))
        else:
            cells.append(NeighbourhoodCount(name, "count", count))
    return cells


@dataclass
class VerdictCounts:
    valid: int
    invalid: list[tuple[str, str, int]]  # (reason code, label, count), every reason

    @property
    def invalid_total(self) -> int:
        return sum(count for _code, _label, count in self.invalid)


def verdict_counts(initiative: Initiative) -> VerdictCounts | None:
    """Return the register check's verdicts as counts per reason code (None before).

    Only counts, never who: the verdicts of single signatures stay with the secretariat.
    """
    rows = db.session.execute(
        select(Signature.verdict, Signature.verdict_reason, func.count(Signature.id))
        .where(
            Signature.initiative_id == initiative.id,
            Signature.state == SignatureState.confirmed,
            Signature.verdict.is_not(None),
            # The register check's verdicts: the secretariat's batches are on the
            # timeline, and no longer count.
            Signature.invalidated_at.is_(None),
        )
        .group_by(Signature.verdict, Signature.verdict_reason)
    ).all()
    if not rows:
        return None
    valid = sum(count for verdict, _reason, count in rows if verdict == "valid")
    per_reason = Counter(
        {reason: count for verdict, reason, count in rows if verdict == "invalid"}
    )
    return VerdictCounts(
        valid=valid,
        invalid=[(code, REASON_LABELS[code], per_reason[code]) for code in REASONS],
    )


@dataclass
class SentMail:
    label: str
    recipient_name: str
    created_at: datetime
    sent_at: datetime | None


def sent_mails(initiative: Initiative) -> list[SentMail]:
    """Return every mail the service wrote to the initiative's representatives."""
    names = {r.id: r.name for r in initiative.representatives}
    if not names:
        return []
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.representative_id.in_(names))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [
        SentMail(
            label=MAIL_LABELS.get(m.template, m.template),
            recipient_name=names[m.representative_id],
            created_at=m.created_at,
            sent_at=m.sent_at,
        )
        for m in messages
    ]


# The chart's drawing area, in viewBox units. The SVG takes the width of its container
# up to 32rem (.chart in style.css): on a 360 px phone the labels stay about 13 px high, on a wide
# screen they do not grow past about 21 px.
