"""The `jobs` commands: run a sweep by hand, at a given instant if need be."""

import click
from flask.cli import AppGroup

from petitions.cli_options import parse_now
from petitions.jobs.registry import JOBS, run_job
from petitions.jobs.status import job_status

jobs_cli = AppGroup("jobs", help="Run the scheduled sweeps by hand.")


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(sorted(JOBS)))
@click.option("--now", "now_text", help="ISO 8601 instant to run the sweep at.")
def jobs_run(name: str, now_text: str | None):
    """Run one sweep now (or at --now)."""
    result = run_job(name, parse_now(now_text))
    click.echo(f"{name}: {result}")


@jobs_cli.command("list")
def jobs_list():
    """List the sweeps."""
    for name in sorted(JOBS):
        click.echo(name)


@jobs_cli.command("status")
@click.option("--now", "now_text", help="ISO 8601 instant to judge lateness at.")
def jobs_status(now_text: str | None):
    """Show each sweep's last run and lease holder; exit 1 when one is late or failed.

    Meant for the City's monitoring too: a sweep is late when its last finished run is
    older than three intervals plus a lease (a scheduler that stopped is replaced after
    a lease at most), or when it never ran.
    """
    now = parse_now(now_text)
    rows = job_status(now)
    click.echo(
        f"{'job':<27} {'every':>7}  {'last run (UTC)':<19}  {'state':<6}  holder"
    )
    for row in rows:
        finished = (
            row.finished_at.strftime("%Y-%m-%d %H:%M:%S")
            if row.finished_at
            else "never"
        )
        click.echo(
            f"{row.name:<27} {row.interval:>6}s  {finished:<19}  {row.state:<6}  "
            f"{row.holder or '-'}"
        )
    problems = [row.name for row in rows if row.state != "ok"]
    if problems:
        raise click.ClickException(f"late or failed: {', '.join(problems)}")
