"""Who receives an initiative's mails: its representatives, the staff of given roles.

Each "send this mail to every one of them" is written here once.
"""

from sqlalchemy import select

from petitions.extensions import db
from petitions.mail.outbox import enqueue
from petitions.models import (
    Initiative,
    Staff,
    StaffRole,
)

# The secretariat works in French; a staff member's mails are in it.
STAFF_MAIL_LANGUAGE = "fr"


def mail_representatives(initiative: Initiative, template: str, now, **context) -> int:
    """Queue ``template`` to each representative, in their language; return how many."""
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
    return len(initiative.representatives)


def mail_staff(roles: tuple[StaffRole, ...], template: str, now, **context) -> int:
    """Queue ``template`` to every staff member holding one of ``roles``; return how many."""
    staff = staff_with(*roles)
    for member in staff:
        enqueue(template, STAFF_MAIL_LANGUAGE, member.email, now, **context)
    return len(staff)


def staff_with(*roles: StaffRole) -> list[Staff]:
    """Return the staff members holding any of ``roles``."""
    return list(
        db.session.scalars(
            select(Staff).where(Staff.role.in_(roles)).order_by(Staff.id)
        )
    )
