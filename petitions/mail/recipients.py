"""Who receives an initiative's mails: its representatives, the staff of given roles."""

from sqlalchemy import select

from petitions.extensions import db
from petitions.mail.outbox import enqueue
from petitions.models import (
    Initiative,
    Staff,
    StaffRole,
)


def mail_representatives(initiative: Initiative, template: str, now, **context) -> None:
    for representative in initiative.representatives:
        enqueue(
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
