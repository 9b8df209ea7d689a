"""Staff accounts and their roles, their sessions, second factor and sign-in failures."""

import enum
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from petitions.extensions import db
from petitions.models.types import UTCDateTime, enum_column


class StaffRole(enum.Enum):
    secretariat = "secretariat"
    president = "president"
    viewer = "viewer"


class Staff(db.Model):
    """A member of the council secretariat, the president, or a viewer."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(db.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(db.String(255))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A disabled account opens no session; `flask staff disable` sets it.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The TOTP secret (base32), kept from the start of enrolment; the second factor is
    # in force once a first code confirmed it (totp_enabled_at).
    totp_secret: Mapped[str | None] = mapped_column(db.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time step of the last code accepted: a code is good once (no replay).
    totp_last_step: Mapped[int | None] = mapped_column(db.BigInteger)


class StaffSession(db.Model):
    """A signed-in browser: the cookie holds a random id, the table only its SHA-256."""

    __tablename__ = "staff_session"

    id_hash: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        db.ForeignKey("staff.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecoveryCode(db.Model):
    """A one-time code that replaces the second factor once (stored as its SHA-256)."""

    __tablename__ = "staff_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        db.ForeignKey("staff.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(db.String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInFailures(db.Model):
    """Failed sign-ins of one client address or one account, by a keyed hash of it.

    In the database, not in a process: every web node sees the same count.
    """

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
