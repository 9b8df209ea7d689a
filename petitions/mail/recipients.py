"""TODO module docstring."""

from sqlalchemy import select

from petitions.extensions import db
from petitions.mail import outbox as mail
from petitions.models import (
    Initiative,
    Staff,
    StaffRole,
)


def mail_representatives(initiative: Initiative, template: str, now, **context) -> None:
    for representative in initiative.representatives:
        mail.enqueue(
            template,
            representative.language,
            representative.email,
            now,
            initiative_id=initiative.id,
            representative_id=representative.id,
            **context,
        )


def staff_with(*roles: StaffRole) -> list[Staff]:
    """Return the staff members holding any of ``roles``."""
    return list(
        db.session.scalars(
            select(Staff).where(Staff.role.in_(roles)).order_by(Staff.id)
        )
    )
