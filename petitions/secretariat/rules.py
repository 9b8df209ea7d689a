"""Pure decisions about staff sign-in: the growing wait after failures, how long a
session lives, who needs a second factor, which TOTP time steps a code may match; and
which batches of signatures the fraud view flags."""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from petitions.models.staff import StaffRole

K = TypeVar("K", bound=Hashable)

# The roles that change the record of an initiative must prove a second factor.
SECOND_FACTOR_ROLES = frozenset({StaffRole.secretariat, StaffRole.president})

# RFC 6238's step; a code of the step before or after is accepted too (clock drift).
TOTP_STEP_SECONDS = 30
TOTP_DRIFT_STEPS = 1

# Between the password and the second factor, a signed-in half way lasts this long.
PENDING_SIGN_IN = timedelta(minutes=5)


@dataclass(frozen=True)
class Throttle:
    """The throttle's settings (STAFF_THROTTLE_* in the configuration)."""

    free_failures: int
    base_seconds: int
    max_seconds: int
    forget_seconds: int


def throttle_delay(failures: int, throttle: Throttle) -> timedelta:
    """Return how long after the last failure the next attempt must wait.

    The first ``free_failures`` cost nothing (a typo, a caps lock); then the wait is
    ``base_seconds`` and doubles with every further failure, up to ``max_seconds``.
    A wait, unlike a lock, ends: the right password always gets in after it.
    """
    extra = failures - throttle.free_failures
    if extra < 0:
        return timedelta(0)
    # min() before the power: an attacker's thousandth failure must not overflow.
    seconds = throttle.base_seconds * 2 ** min(extra, 32)
    return timedelta(seconds=min(seconds, throttle.max_seconds))


def counted_failures(
    failures: int, last_failure_at: datetime, now: datetime, throttle: Throttle
) -> int:
    """Return the failures that still count: none once they are old enough."""
    if now - last_failure_at >= timedelta(seconds=throttle.forget_seconds):
        return 0
    return failures


def next_attempt_at(
    failures: int, last_failure_at: datetime, now: datetime, throttle: Throttle
) -> datetime | None:
    """Return when the next attempt may be made, or None if it may be made now."""
    counted = counted_failures(failures, last_failure_at, now, throttle)
    allowed = last_failure_at + throttle_delay(counted, throttle)
    return allowed if now < allowed else None


def is_session_expired(
    created_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    idle: timedelta,
    longest: timedelta,
) -> bool:
    """Say whether a staff session has ended: idle too long, or open too long."""
    return now - last_seen_at >= idle or now - created_at >= longest


def should_record_activity(last_seen_at: datetime, now: datetime) -> bool:
    """Say whether a request writes the session's last activity (once a minute)."""
    return now - last_seen_at >= timedelta(minutes=1)


def needs_second_factor(role: StaffRole, enrolled: bool) -> bool:
    """Say whether a staff member must give a second factor to sign in."""
    return enrolled or role in SECOND_FACTOR_ROLES


def is_pending_sign_in_valid(started_at: datetime, now: datetime) -> bool:
    """Say whether a password step is still fresh enough to finish with a code."""
    return timedelta(0) <= now - started_at < PENDING_SIGN_IN


def totp_steps(now: datetime) -> list[int]:
    """Return the TOTP time steps a code typed at ``now`` may belong to, oldest first."""
    current = int(now.timestamp()) // TOTP_STEP_SECONDS
    return list(range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1))


def is_fresh_step(step: int, last_step: int | None) -> bool:
    """Say whether a code's step comes after the last one used: a code is good once."""
    return last_step is None or step > last_step


def flagged_batches(
    counts: Mapping[K, int], factor: float, minimum: int, slots: int | None = None
) -> set[K]:
    """Return the batches (hours, mail domains or networks) that hold far more than their
    share: at least ``minimum`` signatures and more than ``factor`` times the average
    of the other batches.

    ``slots`` is how many batches there are in all (for hours: every hour of the
    collection so far, the empty ones too); by default the batches counted. A batch
    alone (every signature from one network) is compared with nothing, so an average
    of 0: it is flagged once it reaches ``minimum``.
    """
    slots = max(slots if slots is not None else len(counts), len(counts))
    total = sum(counts.values())
    flagged = set()
    for batch, count in counts.items():
        others = (total - count) / (slots - 1) if slots > 1 else 0.0
        if count >= minimum and count > factor * others:
            flagged.add(batch)
    return flagged
