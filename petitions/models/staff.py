"""Staff accounts and their roles."""

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
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
