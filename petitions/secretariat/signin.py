"""The steps of a staff sign-in, each throttled: the password, then the second factor
(a TOTP code or a recovery code), or its enrolment at the first sign-in.

Every step counts its failures per client address and per account. A browser that
completed a sign-in before carries a signed device cookie; its attempts count on that
account-and-device pair alone, so an attacker who keeps failing on an account slows
down only the attacker, never the staff member on their own browser (OWASP's "device
cookies"). The counters are cleared only when the whole
sign-in succeeds: a right password does not buy fresh guesses at the code.
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

from petitions.extensions import db
from petitions.models import Staff
from petitions.secretariat import second_factor, throttle
from petitions.secretariat.rules import is_pending_sign_in_valid, needs_second_factor
from petitions.secretariat.sessions import clear_browser_session, start_session
from petitions.secretariat.staff import check_credentials, find_staff
from petitions.web.cookies import cookie_name

DEVICE_COOKIE = "staff_device"
PENDING_KEY = "staff_pending"


@dataclass
class Attempt:
    """What a step decided: wait until, refused, or this staff member passed it."""

    staff: Staff | None = None
    wait_until: datetime | None = None
    recovery_codes: list[str] = field(default_factory=list)


def _device_serializer() -> URLSafeTimedSerializer:
    config = current_app.config
    # Newest key last: old keys in SECRET_KEY_FALLBACKS still verify.
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt="staff-device")


def _device_max_age() -> int:
    days = current_app.config["STAFF_DEVICE_COOKIE_DAYS"]
    return int(timedelta(days=days).total_seconds())


def _device(staff: Staff | None) -> str | None:
    """Return this browser's device id if it signed in to ``staff`` before."""
    cookie = request.cookies.get(cookie_name(DEVICE_COOKIE))
    if staff is None or not cookie:
        return None
    try:
        value = _device_serializer().loads(cookie, max_age=_device_max_age())
    except BadSignature:
        return None
    if not isinstance(value, dict) or value.get("staff") != staff.id:
        return None
    device = value.get("device")
    return device if isinstance(device, str) else None


def _keys(email: str, staff: Staff | None) -> list[str]:
    device = _device(staff)
    if staff is not None and device is not None:
        # A trusted device counts on its own: neither an attacker's failures on the
        # account nor those of a shared address (an office, a proxy) slow it down.
        return [throttle.device_key(staff.id, device)]
    return [throttle.address_key(request.remote_addr), throttle.account_key(email)]


def password_step(email: str, password: str, now: datetime) -> Attempt:
    """Check an address and password, unless this client or account must wait first.

    A wrong password, an unknown address and a disabled account fail alike and count.
    """
    staff = find_staff(email)
    keys = _keys(email, staff)
    wait = throttle.wait_until(keys, now)
    if wait is not None:
        # No password is checked while waiting: not even the right one is tried, so a
        # guess made now tells nothing, and the wait stays short and ends.
        return Attempt(wait_until=wait)
    if not check_credentials(staff, password):
        throttle.record_failure(keys, now)
        return Attempt()
    assert staff is not None
    if not needs_second_factor(staff.role, second_factor.is_enrolled(staff)):
        throttle.clear(keys)
    return Attempt(staff=staff)


def code_step(staff: Staff, code: str, now: datetime) -> Attempt:
    """Check a TOTP code or, failing that, an unused recovery code."""
    keys = _keys(staff.email, staff)
    wait = throttle.wait_until(keys, now)
    if wait is not None:
        return Attempt(wait_until=wait)
    if second_factor.is_enrolled(staff) and (
        second_factor.check_totp(staff, code, now)
        or second_factor.use_recovery_code(staff, code, now)
    ):
        throttle.clear(keys)
        return Attempt(staff=staff)
    throttle.record_failure(keys, now)
    return Attempt()


def enrolment_step(staff: Staff, code: str, now: datetime) -> Attempt:
    """Confirm a new second factor with its first code; hand out the recovery codes."""
    keys = _keys(staff.email, staff)
    wait = throttle.wait_until(keys, now)
    if wait is not None:
        return Attempt(wait_until=wait)
    codes = second_factor.confirm_enrolment(staff, code, now)
    if codes is None:
        throttle.record_failure(keys, now)
        return Attempt()
    throttle.clear(keys)
    return Attempt(staff=staff, recovery_codes=codes)


def needs_code(staff: Staff) -> bool:
    """Say whether this staff member still has a second factor to give."""
    return needs_second_factor(staff.role, second_factor.is_enrolled(staff))


def hold_pending(staff: Staff, now: datetime) -> None:
    """Remember, on a new session, that this browser passed the password step."""
    clear_browser_session()
    session[PENDING_KEY] = {"staff": staff.id, "at": now.timestamp()}


def pending_staff(now: datetime) -> Staff | None:
    """Return the staff member half-way through signing in on this browser, if fresh."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    started = datetime.fromtimestamp(float(pending.get("at", 0)), UTC)
    if not is_pending_sign_in_valid(started, now):
        return None
    staff = db.session.get(Staff, pending.get("staff"))
    if staff is None or staff.disabled_at is not None:
        return None
    return staff


def finish(staff: Staff, now: datetime) -> None:
    """Open the staff member's session (the pending step is forgotten with the rest)."""
    start_session(staff, now)


def remember_device(response, staff: Staff) -> None:
    """Give this browser a device cookie for the account it just signed in to."""
    device = _device(staff) or secrets.token_urlsafe(16)
    value = _device_serializer().dumps({"staff": staff.id, "device": device})
    response.set_cookie(
        cookie_name(DEVICE_COOKIE),
        value,
        max_age=_device_max_age(),
        # The whole site: a __Host- cookie must be (it is sent with staff pages alone
        # in practice, and it says nothing but which browser signed in before).
        path="/",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
