"""The `dossier` commands: export the certified dossier, verify one."""

from pathlib import Path

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import current_app
from flask.cli import AppGroup

from petitions.cli_options import (
    ask_passphrase,
    initiative_or_fail,
    parse_now,
    private_keys_or_fail,
    refusal_error,
    sealing_key_option,
)
from petitions.dossier.export import (
    EXPORTABLE,
    DossierRefused,
    export_dossier,
    signature_count,
)
from petitions.extensions import db
from petitions.private_files import open_private
from verification.dossier import DossierMismatch, verify_dossier
from verification.keys import KeyFileError, load_public_key

dossier_cli = AppGroup("dossier", help="The certified dossier for the council.")


@dossier_cli.command("export")
@click.argument("slug")
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The ZIP file to write.",
)
@sealing_key_option
@click.option(
    "--signing-key",
    "signing_key_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The City's private dossier signing key (dossier-private.pem).",
)
def dossier_export(
    slug: str, out_file: Path, key_files: tuple[str, ...], signing_key_file: str
):
    """Build the signed dossier ZIP of a filed initiative."""

    initiative = initiative_or_fail(slug)
    sealing = private_keys_or_fail(key_files, ask_passphrase("the sealing key"))
    (signing,) = private_keys_or_fail(
        (signing_key_file,),
        ask_passphrase("the dossier signing key"),
    )
    # Written beside the target, renamed on success: never a half dossier under its
    # name. Owner-only: the list holds personal data.
    partial = out_file.with_name(out_file.name + ".partial")
    try:
        with (
            open_private(partial) as handle,
            click.progressbar(
                length=signature_count(initiative), label="signatures"
            ) as bar,
        ):
            result = export_dossier(
                initiative, sealing, signing, handle, parse_now(None), "cli", bar.update
            )
    except DossierRefused as refusal:
        db.session.rollback()
        partial.unlink(missing_ok=True)
        raise refusal_error(initiative, refusal.code, EXPORTABLE) from None
    partial.replace(out_file)
    db.session.commit()
    click.echo(f"{out_file}: {result.leaf_count} signatures, Merkle root {result.root}")


def _dossier_public_key(path: Path) -> Ed25519PublicKey:
    """Return the dossier key of a file, or say in words what the file is instead."""
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise click.ClickException(
            f"{path} cannot be read ({error.strerror})"
        ) from None
    if b"PRIVATE KEY-----" in pem:
        raise click.ClickException(
            f"{path} is a private key: give the City's public dossier key "
            "(dossier-public.pem), which anyone may hold"
        )
    try:
        key = load_public_key(pem)
    except KeyFileError:
        raise click.ClickException(f"{path} is not a readable public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise click.ClickException(
            f"{path} is the public sealing key (X25519, which seals the signatures), "
            "not the dossier key (Ed25519, which signs the dossier): give "
            "dossier-public.pem"
        )
    return key


@dossier_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The City's public dossier key (default: DOSSIER_PUBLIC_KEY_FILE).",
)
def dossier_verify(file: Path, public_key_file: Path | None):
    """Check a dossier's signature, hashes and Merkle root; name the first mismatch."""

    path = public_key_file or Path(current_app.config["DOSSIER_PUBLIC_KEY_FILE"])
    key = _dossier_public_key(path)
    try:
        summary = verify_dossier(file, key)
    except DossierMismatch as mismatch:
        raise click.ClickException(f"dossier does not check: {mismatch}") from None
    number = summary.manifest["initiative"].get("register_number") or "-"
    click.echo(
        f"dossier intact: initiative {number}, {summary.leaf_count} signatures, "
        f"Merkle root {summary.root}, exported {summary.manifest['exported_at']}"
    )
