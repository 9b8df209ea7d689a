"""Staff accounts: creation, the password check of a sign-in, disabling an account and
resetting its password. Sessions are in sessions.py, the second factor in
second_factor.py, the sign-in steps in signin.py."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from petitions.extensions import db
from petitions.initiatives import audit
from petitions.models import Staff, StaffRole, StaffSession
from petitions.secretariat import passwords
from verification.addresses import InvalidAddress, checked_address, comparable_address

ALL_ROLES = tuple(StaffRole)

ROLE_LABELS = {
    StaffRole.secretariat: _l("council secretariat"),
    StaffRole.president: _l("council president"),
    StaffRole.viewer: _l("viewer (read only)"),
}


class StaffRefused(Exception):
    """The account cannot be created or changed as asked; ``code`` names why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def find_staff(email: str) -> Staff | None:
    """Return the staff account of an address (any case), or None."""
    return db.session.scalar(
        select(Staff).where(func.lower(Staff.email) == comparable_address(email))
    )


def _checked_password(password: str) -> str:
    problem = passwords.password_problem(password)
    if problem is not None:
        raise StaffRefused(problem)
    return passwords.hash_password(password)


def create_staff(email: str, password: str, role: str, now: datetime) -> Staff:
    """Create a staff account with a scrypt hash of its password (never the password)."""
    try:
        checked = checked_address(email.strip())
    except InvalidAddress:
        raise StaffRefused("invalid_email") from None
    # Unlike a representative's, a staff address is stored in its comparable form: it
    # is an account name, typed at every sign-in, never an address shown back.
    email = comparable_address(checked)
    password_hash = _checked_password(password)
    if find_staff(email) is not None:
        raise StaffRefused("duplicate")
    staff = Staff(
        email=email, password_hash=password_hash, role=StaffRole(role), created_at=now
    )
    db.session.add(staff)
    db.session.flush()
    audit.record("cli", "staff-created", now, staff_id=staff.id, role=role)
    return staff


def check_credentials(staff: Staff | None, password: str) -> bool:
    """Say whether the password opens this account; upgrade an old hash when it does.

    An unknown or disabled account takes as long as a wrong password and fails alike.
    """
    if not passwords.check_password(staff.password_hash if staff else None, password):
        return False
    if staff is None or staff.disabled_at is not None:
        return False
    if passwords.needs_rehash(staff.password_hash):
        # The only moment the password is at hand: today's cost replaces the old one.
        staff.password_hash = passwords.hash_password(password)
        db.session.flush()
    return True


def revoke_sessions(staff: Staff) -> int:
    """End every session of a staff member; return how many were open."""
    result = db.session.execute(
        delete(StaffSession).where(StaffSession.staff_id == staff.id)
    )
    return result.rowcount


def disable_staff(staff: Staff, now: datetime) -> int:
    """Disable an account and end its sessions; return how many sessions ended."""
    if staff.disabled_at is None:
        staff.disabled_at = now
    ended = revoke_sessions(staff)
    audit.record("cli", "staff-disabled", now, staff_id=staff.id, sessions=ended)
    db.session.flush()
    return ended


def reset_password(staff: Staff, password: str, now: datetime) -> int:
    """Give an account a new password and end its sessions; return how many ended."""
    staff.password_hash = _checked_password(password)
    ended = revoke_sessions(staff)
    audit.record("cli", "staff-password-reset", now, staff_id=staff.id, sessions=ended)
    db.session.flush()
    return ended
