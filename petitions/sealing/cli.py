"""The `keys` commands: create or rotate the sealing and dossier signing key pairs."""

from pathlib import Path

import click
from flask import current_app, has_app_context

from petitions.sealing.keys import create_pairs, passphrase_from_file

# A plugin command as well (setup.cfg, flask.commands): it runs where the app itself
# would refuse to start, as on the secretariat's offline machine, which holds no
# production secrets.
keys_cli = click.Group("keys", help="Create the sealing and dossier signing key pairs.")


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
    directory = directory or _configured_keys_directory()
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


def _configured_keys_directory() -> Path:
    """Return KEYS_DIRECTORY, read as the app reads it, whether the app starts or not."""
    if has_app_context():
        return Path(current_app.config["KEYS_DIRECTORY"])
    from petitions import configured_app

    return Path(configured_app().config["KEYS_DIRECTORY"])
