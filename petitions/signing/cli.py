"""The `streets` command: replace the street register that decides residency."""

from pathlib import Path

import click
from flask.cli import AppGroup

from petitions.extensions import db
from petitions.signing.streets import (
    StreetFileError,
    read_street_rows,
    replace_register,
)

SAMPLE_STREETS = Path(__file__).resolve().parents[2] / "data" / "streets-sample.csv"

streets_cli = AppGroup("streets", help="Manage the street register.")


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
