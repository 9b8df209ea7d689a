"""The `backup` and `restore` commands."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from petitions.backup.contents import Refused
from petitions.backup.operations import back_up, restore


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(out: Path):
    """Write a consistent copy of the database to OUT while the service runs.

    OUT holds personal data: it is written readable by its owner only, and never over
    an existing file.
    """
    try:
        written = back_up(out)
    except Refused as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(
        f"backup written to {written.path}: {written.size:,} bytes, "
        "readable by its owner only"
    )
    for line in written.contents.describe():
        click.echo(line)


@click.command("restore")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(source: Path):
    """Restore the backup IN into the configured database, which must be empty."""
    try:
        restored = restore(source)
    except Refused as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"restored {source}")
    for line in restored.contents.describe():
        click.echo(line)
    if restored.behind:
        click.echo(
            f"migration {restored.contents.revision} is behind the code's "
            f"{restored.head}: run `flask --app petitions db upgrade`"
        )
    else:
        click.echo("the database is at the code's newest migration")
