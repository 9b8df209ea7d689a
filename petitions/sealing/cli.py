"""The `keys` commands: create or rotate the sealing and dossier signing key pairs."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from petitions.sealing.keys import create_pairs, passphrase_from_file

keys_cli = AppGroup("keys", help="Create the sealing and dossier signing key pairs.")


@keys_cli.command("create")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    help="Default: instance/keys.",
)
@click.option(
    "--passphrase-file",
    type=click.Path(path_type=Path),
    help="Development only: read (or create) the passphrase from this file.",
)
@click.option(
    "--rotate",
    is_flag=True,
    help="Keep the current pairs under their key id and make new ones.",
)
def keys_create(directory: Path | None, passphrase_file: Path | None, rotate: bool):
    """Create the sealing (X25519) and dossier signing (Ed25519) key pairs."""
    directory = directory or Path(current_app.config["KEYS_DIRECTORY"])
    if passphrase_file:
        passphrase = passphrase_from_file(passphrase_file)
    else:
        passphrase = click.prompt(
            "Passphrase for the private keys", hide_input=True, confirmation_prompt=True
        )
    if len(passphrase) < 12:
        raise click.ClickException("the passphrase needs at least 12 characters")
    for name, identifier in create_pairs(directory, passphrase, rotate).items():
        click.echo(f"{name} key pair {identifier} written to {directory}")
