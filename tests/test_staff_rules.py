"""The staff sign-in rules (secretariat/rules.py): pure functions of ``now``."""

from datetime import UTC, datetime, timedelta

import pytest

from petitions.models import StaffRole
from petitions.secretariat.rules import (
    Throttle,
    is_fresh_step,
    is_pending_sign_in_valid,
    is_session_expired,
    needs_second_factor,
    next_attempt_at,
    throttle_delay,
    totp_steps,
)

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
THROTTLE = Throttle(
    free_failures=3, base_seconds=5, max_seconds=900, forget_seconds=86400
)
IDLE, LONGEST = timedelta(minutes=30), timedelta(hours=12)


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (2, 0), (3, 5), (4, 10), (5, 20), (10, 640), (11, 900), (10**6, 900)],
)
def test_the_wait_doubles_after_the_free_failures_up_to_the_maximum(failures, seconds):
    assert throttle_delay(failures, THROTTLE) == timedelta(seconds=seconds)


def test_the_next_attempt_waits_from_the_last_failure_and_old_failures_are_forgotten():
    last = NOW - timedelta(seconds=4)
    assert next_attempt_at(3, last, NOW, THROTTLE) == NOW + timedelta(seconds=1)
    assert next_attempt_at(3, NOW - timedelta(seconds=5), NOW, THROTTLE) is None
    forgotten = NOW - timedelta(days=1)
    assert next_attempt_at(50, forgotten, NOW, THROTTLE) is None
    recent = NOW - timedelta(seconds=10)
    assert next_attempt_at(50, recent, NOW, THROTTLE) == recent + timedelta(minutes=15)


@pytest.mark.parametrize(
    ("since_sign_in", "since_last_request", "expired"),
    [
        (timedelta(minutes=29, seconds=59), timedelta(minutes=29, seconds=59), False),
        (timedelta(minutes=30), timedelta(minutes=30), True),
        (timedelta(hours=12) - timedelta(seconds=1), timedelta(0), False),
        (timedelta(hours=12), timedelta(0), True),
    ],
)
def test_a_session_expires_idle_or_at_its_longest(
    since_sign_in, since_last_request, expired
):
    created, seen = NOW - since_sign_in, NOW - since_last_request
    assert is_session_expired(created, seen, NOW, IDLE, LONGEST) is expired


@pytest.mark.parametrize(
    ("role", "enrolled", "needed"),
    [
        (StaffRole.secretariat, False, True),
        (StaffRole.president, False, True),
        (StaffRole.viewer, False, False),
        (StaffRole.viewer, True, True),
    ],
)
def test_the_second_factor_is_required_for_the_two_roles(role, enrolled, needed):
    assert needs_second_factor(role, enrolled) is needed


def test_a_code_matches_the_step_before_now_and_after_and_is_good_once():
    step = int(NOW.timestamp()) // 30
    assert totp_steps(NOW) == [step - 1, step, step + 1]
    assert is_fresh_step(step, None) and is_fresh_step(step, step - 1)
    assert not is_fresh_step(step, step) and not is_fresh_step(step - 1, step)


def test_the_password_step_is_fresh_for_five_minutes():
    assert is_pending_sign_in_valid(
        NOW - timedelta(minutes=5) + timedelta(seconds=1), NOW
    )
    assert not is_pending_sign_in_valid(NOW - timedelta(minutes=5), NOW)
    assert not is_pending_sign_in_valid(NOW + timedelta(seconds=1), NOW)
