"""Two scheduler processes never run the same job at once: a lease in the database."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from petitions.extensions import db
from petitions.jobs.leases import acquire_lease, release_lease
from petitions.jobs.schedule import SCHEDULE
from petitions.models import JobRun

ROOT = Path(__file__).resolve().parent.parent


def test_a_lease_is_held_renewed_and_taken_over_only_once_expired(app, clock):
    now = clock.now
    assert acquire_lease("deliver-outbox", "a", now, 60)
    assert not acquire_lease("deliver-outbox", "b", now + timedelta(seconds=30), 60)
    assert acquire_lease("deliver-outbox", "a", now + timedelta(seconds=50), 60)
    assert not acquire_lease("deliver-outbox", "b", now + timedelta(seconds=100), 60)
    assert acquire_lease("deliver-outbox", "b", now + timedelta(seconds=111), 60)
    assert not acquire_lease("deliver-outbox", "a", now + timedelta(seconds=112), 60)


def test_a_released_lease_can_be_taken_at_once(app, clock):
    assert acquire_lease("purge-personal-data", "a", clock.now, 600)
    release_lease("purge-personal-data", "a")
    assert acquire_lease("purge-personal-data", "b", clock.now, 600)


def every_job_ran(times: int) -> bool:
    """Say whether every job of the table has finished ``times`` runs (a fresh read)."""
    finished = db.session.execute(
        select(JobRun.name, func.count())
        .where(JobRun.finished_at.is_not(None))
        .group_by(JobRun.name)
    ).all()
    # Outside a request the app's SQLite transactions take the write lock: let go of
    # it at once, the schedulers are writing.
    db.session.rollback()
    counts = dict(finished)
    return all(counts.get(name, 0) >= times for name in SCHEDULE)


def test_two_scheduler_processes_started_together_never_share_a_job(app, database_url):
    db.session.commit()
    db.session.close()
    env = {
        **os.environ,
        "PETITIONS_SECRET_KEY": json.dumps("lease-test-secret-" + "s" * 32),
        "PETITIONS_IDENTITY_KEY": json.dumps("lease-test-identity-" + "i" * 32),
        "PETITIONS_SQLALCHEMY_DATABASE_URI": json.dumps(database_url),
        "PETITIONS_MAIL_FILE_DIRECTORY": json.dumps(app.config["MAIL_FILE_DIRECTORY"]),
        "PETITIONS_SCHEDULE_OVERRIDES": json.dumps(dict.fromkeys(SCHEDULE, 1)),
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "scheduler"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    try:
        # Until every job ran three times (a loaded machine starts Python slowly), at
        # most a minute: the assertions below then say what was missing.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not every_job_ran(3):
            time.sleep(0.5)
    finally:
        # The first to stop releases its leases and the other may take them over
        # before its own signal lands: only runs over while both lived are compared.
        # (Not the runs begun: a run's start is read before it waits for SQLite's write
        # lock, and it may get the lease only once the other process let it go.)
        stopping = datetime.now(UTC)
        for process in processes:
            process.send_signal(signal.SIGTERM)
        errors = [p.communicate(timeout=20)[1].decode() for p in processes]
    assert all(p.returncode == 0 for p in processes), errors
    runs = db.session.scalars(
        select(JobRun).where(JobRun.finished_at < stopping).order_by(JobRun.started_at)
    ).all()
    for name in SCHEDULE:
        mine = [r for r in runs if r.name == name]
        assert len(mine) >= 3, (name, errors)
        assert len({r.holder for r in mine}) == 1, name
        for earlier, later in zip(mine, mine[1:], strict=False):
            assert earlier.finished_at <= later.started_at
