"""The second factor: a TOTP secret (RFC 6238, any authenticator app) enrolled by QR
code at the first sign-in, and one-time recovery codes, shown once and kept hashed."""

import hashlib
import hmac
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, select

from petitions.extensions import db
from petitions.initiatives import audit
from petitions.models import RecoveryCode, Staff
from petitions.secretariat.rules import is_fresh_step, totp_steps
from verification.codes import new_code, normalise_code

ISSUER = "Bruxelles - Initiatives citoyennes"
RECOVERY_CODES = 10
# 16 characters from 31 give about 79 bits: a SHA-256 of them is safe to keep.
RECOVERY_CODE_LENGTH = 16


def actor(staff: Staff) -> str:
    """Return how the audit log names a staff member (never by address)."""
    return f"staff:{staff.id}:{staff.role.value}"


def is_enrolled(staff: Staff) -> bool:
    """Say whether a staff member's second factor is in force."""
    return staff.totp_enabled_at is not None and staff.totp_secret is not None


def begin_enrolment(staff: Staff) -> str:
    """Give an account a new TOTP secret to confirm, unless it has one waiting."""
    if staff.totp_secret is None or staff.totp_enabled_at is not None:
        staff.totp_secret = pyotp.random_base32()
        staff.totp_enabled_at = None
        staff.totp_last_step = None
        db.session.flush()
    return staff.totp_secret


def provisioning_uri(staff: Staff) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(staff.totp_secret).provisioning_uri(
        name=staff.email, issuer_name=ISSUER
    )


def qr_svg(staff: Staff, title: str) -> str:
    """Return the enrolment QR code as inline SVG with a ``<title>``."""
    qr = segno.make(provisioning_uri(staff), error="m", micro=False)
    return qr.svg_inline(scale=5, border=4, title=title, dark="#000", light="#fff")


def spaced_secret(secret: str) -> str:
    """Return a secret in groups of four, easier to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    found = None
    for step in totp_steps(now):
        # Compare every step, in constant time: no early answer to time.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def check_totp(staff: Staff, code: str, now: datetime) -> bool:
    """Accept a TOTP code once: a code already used, or an older one, is refused."""
    code = "".join(code.split())
    if staff.totp_secret is None or not code.isdigit():
        return False
    step = _matching_step(staff.totp_secret, code, now)
    if step is None or not is_fresh_step(step, staff.totp_last_step):
        return False
    staff.totp_last_step = step
    db.session.flush()
    return True


def confirm_enrolment(staff: Staff, code: str, now: datetime) -> list[str] | None:
    """Turn the second factor on with a first good code; return new recovery codes."""
    if not check_totp(staff, code, now):
        return None
    staff.totp_enabled_at = now
    codes = new_recovery_codes(staff)
    audit.record(actor(staff), "staff-second-factor-enrolled", now)
    return codes


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_recovery_codes(staff: Staff) -> list[str]:
    """Replace an account's recovery codes; return them, in clear, this once only."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    codes = [new_code(RECOVERY_CODE_LENGTH) for _ in range(RECOVERY_CODES)]
    db.session.add_all(
        RecoveryCode(staff_id=staff.id, code_hash=_code_hash(code)) for code in codes
    )
    db.session.flush()
    return codes


def use_recovery_code(staff: Staff, code: str, now: datetime) -> bool:
    """Accept an unused recovery code of this account once, and mark it used."""
    if len(normalise_code(code)) != RECOVERY_CODE_LENGTH:
        return False
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.staff_id == staff.id,
            RecoveryCode.code_hash == _code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = now
    audit.record(actor(staff), "staff-recovery-code-used", now)
    db.session.flush()
    return True


def unused_recovery_codes(staff: Staff) -> int:
    """Return how many recovery codes an account has left."""
    rows = db.session.scalars(
        select(RecoveryCode.id).where(
            RecoveryCode.staff_id == staff.id, RecoveryCode.used_at.is_(None)
        )
    )
    return len(rows.all())


def reset_second_factor(staff: Staff) -> None:
    """Remove an account's second factor and recovery codes (enrolled anew at sign-in)."""
    staff.totp_secret = staff.totp_enabled_at = staff.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    db.session.flush()
