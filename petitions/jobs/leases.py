"""Job leases in the database: of several scheduler processes, one runs each job."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from petitions.extensions import db
from petitions.models import JobLease


def acquire_lease(name: str, holder: str, now: datetime, seconds: int) -> bool:
    """Take or renew the lease of job ``name`` for ``holder``; say whether it is ours.

    The holder renews its lease at every run; another process takes it over only once
    it has expired, that is when the holder stopped running the job.
    """
    expires = now + timedelta(seconds=seconds)
    renewed = db.session.execute(
        update(JobLease)
        .where(
            JobLease.name == name,
            or_(JobLease.holder == holder, JobLease.expires_at < now),
        )
        .values(holder=holder, expires_at=expires)
    ).rowcount
    if renewed:
        return True
    try:
        with db.session.begin_nested():
            db.session.add(JobLease(name=name, holder=holder, expires_at=expires))
    except IntegrityError:
        return False
    return True


def release_lease(name: str, holder: str) -> None:
    """Give a lease up (a process that stops lets the others take over at once)."""
    db.session.execute(
        update(JobLease)
        .where(JobLease.name == name, JobLease.holder == holder)
        .values(expires_at=datetime(1970, 1, 1, tzinfo=UTC))
    )
