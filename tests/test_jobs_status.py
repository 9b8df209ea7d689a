"""`jobs status`: what an operator (or the City's monitoring) sees of the sweeps."""

from datetime import timedelta

from petitions.extensions import db
from petitions.jobs.schedule import SCHEDULE
from petitions.models import JobLease, JobRun


def ran(name: str, finished_at, result: str = "{'sent': 0}", holder="node-a:12:ab"):
    db.session.add(
        JobRun(
            name=name,
            holder=holder,
            started_at=finished_at - timedelta(seconds=1),
            finished_at=finished_at,
            result=result,
        )
    )


def status(app, clock):
    return app.test_cli_runner().invoke(
        args=["jobs", "status", "--now", clock.now.isoformat()]
    )


def test_every_sweep_that_ran_lately_is_ok(app, clock):
    for name in SCHEDULE:
        ran(name, clock.now - timedelta(seconds=2))
    db.session.add(
        JobLease(
            name="deliver-outbox",
            holder="node-b:34:cd",
            expires_at=clock.now + timedelta(seconds=60),
        )
    )
    db.session.commit()
    result = status(app, clock)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 + len(SCHEDULE)
    (outbox,) = [line for line in lines if line.startswith("deliver-outbox")]
    assert " ok " in outbox and outbox.endswith("node-b:34:cd")


def test_a_sweep_that_never_ran_stopped_or_failed_is_reported(app, clock):
    for name in SCHEDULE:
        ran(name, clock.now - timedelta(seconds=2))
    # The outbox's last run is older than three intervals and a lease: no scheduler runs.
    stale = clock.now - timedelta(seconds=3 * SCHEDULE["deliver-outbox"] + 121)
    db.session.query(JobRun).filter_by(name="deliver-outbox").update(
        {"finished_at": stale}
    )
    # A newer run that failed hides an older success.
    ran("publish-count-log", clock.now - timedelta(seconds=1), result="failed")
    db.session.query(JobRun).filter_by(name="purge-personal-data").delete()
    db.session.commit()
    result = status(app, clock)
    assert result.exit_code == 1
    states = {
        line.split()[0]: line.split()[4 if "never" not in line else 3]
        for line in result.output.splitlines()[1:-1]
    }
    assert states["deliver-outbox"] == "late"
    assert states["publish-count-log"] == "failed"
    assert states["purge-personal-data"] == "late"
    assert {name for name, state in states.items() if state != "ok"} == {
        "deliver-outbox",
        "publish-count-log",
        "purge-personal-data",
    }
    assert result.output.splitlines()[-1] == (
        "Error: late or failed: deliver-outbox, purge-personal-data, publish-count-log"
    )


def test_a_run_still_under_way_does_not_count_as_the_last(app, clock):
    ran("deliver-outbox", clock.now - timedelta(hours=1))
    db.session.add(
        JobRun(name="deliver-outbox", holder="x", started_at=clock.now, result="")
    )
    db.session.commit()
    output = status(app, clock).output
    (outbox,) = [line for line in output.splitlines() if line.startswith("deliver")]
    assert " late " in outbox
