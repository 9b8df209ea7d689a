"""The `jobs` commands: run a sweep by hand, at a given instant if need be."""

import click
from flask.cli import AppGroup

from petitions.cli_options import parse_now
from petitions.jobs.registry import JOBS, run_job

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
