"""Command line: ``flask --app petitions <group> <command>``.

Each feature keeps its commands beside it (``<feature>/cli.py``); this module adds the
top-level ``setup`` and attaches every group to the app.
"""

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from petitions.backup.cli import backup_command, restore_command
from petitions.dossier.cli import dossier_cli
from petitions.extensions import db
from petitions.initiatives.cli import audit_cli, decision_cli
from petitions.initiatives.demo import add_demo_initiative
from petitions.jobs.cli import jobs_cli
from petitions.models import Street
from petitions.sealing.cli import keys_cli
from petitions.secretariat.cli import register_check_cli, staff_cli
from petitions.signing.cli import SAMPLE_STREETS, import_streets, streets_cli


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
        if add_demo_initiative(current_app.config["CLOCK"]()):
            click.echo("demo initiative added")
        db.session.commit()
    click.echo("ready")


def register_cli(app) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(keys_cli)
    app.cli.add_command(decision_cli)
    app.cli.add_command(dossier_cli)
    app.cli.add_command(register_check_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(streets_cli)
    app.cli.add_command(setup)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
