"""The service's key files: where they are, how they are read and created.

Two key pairs: the secretariat's sealing pair (X25519), to which every signature's
personal data is sealed, and the City's dossier signing pair (Ed25519). Private keys are
PEM files encrypted with a passphrase; the web server reads only the public keys.

Rotation: `keys create --rotate` moves the current files aside under their key id and
writes a new pair. Records sealed before stay readable with the old private key (each
sealed record names the key id it was sealed to); new records use the new public key.
"""

import os
import secrets
from functools import cache
from pathlib import Path

import click
from flask import current_app

from verification.keys import (
    generate_sealing_key,
    generate_signing_key,
    key_id,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_pem,
)

PAIRS = {"sealing": generate_sealing_key, "dossier": generate_signing_key}


class MissingKey(RuntimeError):
    """A key file the service needs is not there."""


@cache
def _public_key_from(path: str, modified: float):
    return load_public_key(Path(path).read_bytes())


def public_key(config_key: str):
    """Return the public key named by a configuration key (read once per file version)."""
    path = current_app.config[config_key]
    try:
        modified = os.path.getmtime(path)
    except OSError:
        raise MissingKey(
            f"{path} is missing: run `flask --app petitions keys create`"
        ) from None
    return _public_key_from(path, modified)


def sealing_public_key():
    """Return the secretariat's public sealing key."""
    return public_key("SEALING_PUBLIC_KEY_FILE")


def read_private_keys(paths: list[str], passphrase: str) -> list:
    """Load private key files with one passphrase (raises the verification key errors)."""
    return [load_private_key(Path(p).read_bytes(), passphrase.encode()) for p in paths]


def _write(path: Path, content: bytes, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def passphrase_from_file(path: Path) -> str:
    """Read a passphrase file, creating it with a random passphrase when missing.

    Only the embedded default uses this (`make run`): a passphrase beside its keys
    protects nothing, so production asks for it at the prompt instead.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, secrets.token_urlsafe(32).encode(), 0o600)
    return path.read_text().strip()


def create_pairs(
    directory: Path, passphrase: str, rotate: bool = False
) -> dict[str, str]:
    """Write both key pairs into ``directory``; return each pair's key id."""
    directory.mkdir(parents=True, exist_ok=True)
    created = {}
    for name, generate in PAIRS.items():
        private_path = directory / f"{name}-private.pem"
        public_path = directory / f"{name}-public.pem"
        if private_path.exists() or public_path.exists():
            if not rotate:
                raise click.ClickException(
                    f"{public_path} exists; use --rotate to make a new pair"
                )
            old_id = key_id(load_public_key(public_path.read_bytes()))
            public_path.rename(directory / f"{name}-public-{old_id}.pem")
            if private_path.exists():
                private_path.rename(directory / f"{name}-private-{old_id}.pem")
        key = generate()
        _write(private_path, private_key_pem(key, passphrase.encode()), 0o600)
        _write(public_path, public_key_pem(key), 0o644)
        created[name] = key_id(key.public_key())
    return created
