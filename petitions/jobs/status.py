"""How the sweeps are doing: each one's last run, its lease holder, late or not."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.jobs.schedule import intervals
from petitions.models import JobLease, JobRun


@dataclass(frozen=True)
class JobStatus:
    name: str
    interval: int
    finished_at: datetime | None
    result: str
    holder: str | None
    state: str  # "ok", "late" or "failed"


def job_status(now: datetime) -> list[JobStatus]:
    """Return the status of every scheduled sweep at ``now``, in the table's order."""
    lease_seconds = current_app.config["JOB_LEASE_SECONDS"]
    last_ids = (
        select(func.max(JobRun.id))
        .where(JobRun.finished_at.is_not(None))
        .group_by(JobRun.name)
    )
    last = {
        run.name: run
        for run in db.session.scalars(select(JobRun).where(JobRun.id.in_(last_ids)))
    }
    holders = {
        lease.name: lease.holder
        for lease in db.session.scalars(
            select(JobLease).where(JobLease.expires_at >= now)
        )
    }
    statuses = []
    for name, seconds in intervals(current_app.config).items():
        run = last.get(name)
        if run is None:
            state = "late"
        elif run.result == "failed":
            state = "failed"
        elif now - run.finished_at > timedelta(seconds=3 * seconds + lease_seconds):
            state = "late"
        else:
            state = "ok"
        statuses.append(
            JobStatus(
                name=name,
                interval=seconds,
                finished_at=run.finished_at if run else None,
                result=run.result if run else "",
                holder=holders.get(name),
                state=state,
            )
        )
    return statuses
