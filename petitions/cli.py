"""Command line: ``flask --app petitions <group> <command>``."""

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from .extensions import db
from .jobs import JOBS, run_job
from .models import Street
from .streets import StreetFileError, read_street_rows, replace_register

SAMPLE_STREETS = Path(__file__).resolve().parent.parent / "data" / "streets-sample.csv"

jobs_cli = AppGroup("jobs", help="Run the scheduled sweeps by hand.")
streets_cli = AppGroup("streets", help="Manage the street register.")
audit_cli = AppGroup("audit", help="Check the audit log.")


def parse_now(value: str | None) -> datetime:
    """Return ``value`` (ISO 8601) as an aware UTC instant, or the clock's now."""
    if not value:
        return current_app.config["CLOCK"]()
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise click.BadParameter(
            "give a time zone, e.g. 2027-03-01T09:00:00+01:00 or Z"
        )
    return moment.astimezone(UTC)


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


def import_streets(path: Path) -> int:
    """Replace the street register with the file's rows and commit."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = read_street_rows(handle)
    count = replace_register(rows)
    db.session.commit()
    return count


@streets_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def streets_import(file: Path):
    """Replace the street register with an export in the documented format (data/README.md)."""
    try:
        count = import_streets(file)
    except StreetFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{count} street rows imported")


@audit_cli.command("verify")
def audit_verify():
    """Check every link of the audit log's hash chain; name the first broken one."""
    from .audit import verify_chain

    report = verify_chain()
    if not report.ok:
        raise click.ClickException(f"audit log broken: {report.problem}")
    click.echo(f"audit log intact: {report.entries} entries")


decision_cli = AppGroup("decision", help="The council's decision, to the signatories.")


@decision_cli.command("mail")
@click.argument("slug")
@click.option(
    "--key",
    "key_files",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The secretariat's private sealing key (several after a rotation).",
)
def decision_mail(slug: str, key_files: tuple[str, ...]):
    """Mail the council's decision to the signatories who asked for it (once)."""
    from .lifecycle import TransitionRefused, mail_decision_to_signatories

    initiative = _initiative_or_fail(slug)
    passphrase = click.prompt("Passphrase of the private key", hide_input=True)
    keys = _private_keys_or_fail(key_files, passphrase)
    try:
        sent = mail_decision_to_signatories(initiative, keys, parse_now(None))
    except TransitionRefused as refusal:
        raise click.ClickException(f"refused: {refusal.code}") from None
    db.session.commit()
    click.echo(f"{sent} decision e-mails queued")


def _initiative_or_fail(slug: str):
    from .models import Initiative

    initiative = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
    if initiative is None:
        raise click.ClickException(f"no initiative {slug}")
    return initiative


def _private_keys_or_fail(key_files, passphrase: str) -> list:
    from verification.keys import KeyFileError, WrongPassphrase

    from .keys import read_private_keys

    try:
        return read_private_keys(list(key_files), passphrase)
    except WrongPassphrase:
        raise click.ClickException("wrong passphrase for the private key") from None
    except KeyFileError:
        raise click.ClickException(
            "this file is not a private key of the service"
        ) from None


@click.command("setup")
@with_appcontext
@click.option(
    "--demo/--no-demo", default=True, help="Add a demo initiative in collection."
)
def setup(demo: bool):
    """Prepare the database: migrations, sample streets if empty, a demo initiative."""
    upgrade()
    if not db.session.scalar(select(func.count()).select_from(Street)):
        click.echo(f"{import_streets(SAMPLE_STREETS)} sample street rows imported")
    if demo:
        from .demo import add_demo_initiative

        if add_demo_initiative(current_app.config["CLOCK"]()):
            click.echo("demo initiative added")
        db.session.commit()
    click.echo("ready")


def register_cli(app) -> None:
    """Attach the command groups to the app."""
    from .keys import keys_cli
    from .staff import staff_cli

    app.cli.add_command(keys_cli)
    app.cli.add_command(decision_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(streets_cli)
    app.cli.add_command(setup)
