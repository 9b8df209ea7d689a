"""Staff accounts: creation, password checks with lockout, the signed-in session and
the role check of every staff page."""

import functools
from datetime import datetime, timedelta
from functools import cache

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from petitions.extensions import db
from petitions.initiatives import audit
from petitions.models import Staff, StaffRole
from verification.addresses import InvalidAddress, checked_address, comparable_address

MIN_PASSWORD_LENGTH = 12

HASH_METHOD = "scrypt"

SESSION_KEY = "staff_id"

ALL_ROLES = tuple(StaffRole)

ROLE_LABELS = {
    StaffRole.secretariat: _l("council secretariat"),
    StaffRole.president: _l("council president"),
    StaffRole.viewer: _l("viewer (read only)"),
}


class StaffRefused(Exception):
    """The account cannot be created as asked; ``code`` names why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def find_staff(email: str) -> Staff | None:
    """Return the staff account of an address (any case), or None."""
    return db.session.scalar(
        select(Staff).where(func.lower(Staff.email) == comparable_address(email))
    )


def create_staff(email: str, password: str, role: str, now: datetime) -> Staff:
    """Create a staff account with a scrypt hash of its password (never the password)."""
    try:
        checked = checked_address(email.strip())
    except InvalidAddress:
        raise StaffRefused("invalid_email") from None
    # Unlike a representative's, a staff address is stored in its comparable form: it
    # is an account name, typed at every sign-in, never an address shown back.
    email = comparable_address(checked)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffRefused("short_password")
    if find_staff(email) is not None:
        raise StaffRefused("duplicate")
    staff = Staff(
        email=email,
        password_hash=generate_password_hash(password, method=HASH_METHOD),
        role=StaffRole(role),
        failed_logins=0,
        created_at=now,
    )
    db.session.add(staff)
    db.session.flush()
    audit.record("cli", "staff-created", now, staff_id=staff.id, role=role)
    return staff


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password of anyone", method=HASH_METHOD)


def is_locked(staff: Staff, now: datetime) -> bool:
    """Say whether an account refuses every password until its lock ends."""
    return staff.locked_until is not None and now < staff.locked_until


def authenticate(email: str, password: str, now: datetime) -> Staff | None:
    """Return the staff member whose address and password these are, else None.

    Failures are counted; after STAFF_LOCKOUT_ATTEMPTS in a row the account refuses
    every password, the right one too, for STAFF_LOCKOUT_MINUTES. The caller commits
    either way, so that failures count.
    """
    staff = find_staff(email)
    if staff is None:
        # Hash anyway: an unknown address must take as long as a wrong password.
        check_password_hash(_dummy_hash(), password)
        return None
    if is_locked(staff, now):
        # Hash here too: the time taken must not tell a locked account apart.
        check_password_hash(_dummy_hash(), password)
        return None
    if check_password_hash(staff.password_hash, password):
        staff.failed_logins, staff.locked_until = 0, None
        return staff
    staff.failed_logins = (staff.failed_logins or 0) + 1
    if staff.failed_logins >= current_app.config["STAFF_LOCKOUT_ATTEMPTS"]:
        minutes = current_app.config["STAFF_LOCKOUT_MINUTES"]
        staff.failed_logins = 0
        staff.locked_until = now + timedelta(minutes=minutes)
        audit.record(
            f"staff:{staff.id}:{staff.role.value}", "staff-locked", now, minutes=minutes
        )
    db.session.flush()
    return None


def _clear_session() -> None:
    session.clear()
    # Flask-WTF keeps the request's CSRF token in ``g``: it belonged to the old session.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def start_session(staff: Staff) -> None:
    """Sign a staff member in on a new session: nothing set before survives (fixation)."""
    _clear_session()
    session[SESSION_KEY] = staff.id


def end_session() -> None:
    """Sign out: forget everything the session held."""
    _clear_session()


def current_staff() -> Staff | None:
    """Return the signed-in staff member of this request, or None."""
    # No cache in ``g``: the session's identity map already answers repeated calls.
    staff_id = session.get(SESSION_KEY)
    return db.session.get(Staff, staff_id) if staff_id is not None else None


def requires_role(*roles: StaffRole):
    """Let a view run only for a signed-in staff member holding one of ``roles``.

    Nobody signed in: to the sign-in page. Another role: 403 with a page that says so.
    The check runs on the server for every request, GET and POST alike.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                target = request.path if request.method == "GET" else None
                return redirect(url_for("secretariat.login", next=target), code=303)
            if staff.role not in roles:
                page = render_template(
                    "secretariat/forbidden.html",
                    role=ROLE_LABELS[staff.role],
                    allowed=[ROLE_LABELS[r] for r in roles],
                )
                return page, 403
            return view(*args, **kwargs)

        return wrapped

    return decorator
