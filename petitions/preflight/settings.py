"""The preflight's checks of the configuration and of the files it names."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from flask import Flask

from verification.keys import KeyFileError, load_public_key

# Each public key the web server reads, and the kind of key it must be.
PUBLIC_KEYS = {
    "SEALING_PUBLIC_KEY_FILE": (X25519PublicKey, "sealing (X25519)", "sealing"),
    "DOSSIER_PUBLIC_KEY_FILE": (
        Ed25519PublicKey,
        "dossier signing (Ed25519)",
        "dossier",
    ),
}
CREATE_KEYS = (
    "create the pairs on the secretariat's machine (`flask --app petitions keys "
    "create --dir DIR`) and copy only the *-public.pem files to the server"
)
# The framing of every PEM private key, encrypted or not.
PRIVATE_KEY_MARK = b"PRIVATE KEY-----"


def setting_problems(config) -> list[str]:
    """Say which plain settings are wrong for production: development, mail, address."""
    problems = []
    if config.get("DEVELOPMENT"):
        problems.append(
            "DEVELOPMENT is on: cookies go over plain HTTP without the __Host- prefix "
            "and any secret is accepted; remove it from instance/config.py and the "
            "environment (PETITIONS_DEVELOPMENT)"
        )
    if config.get("MAIL_TRANSPORT") == "file":
        problems.append(
            'MAIL_TRANSPORT is "file": mails are written to MAIL_FILE_DIRECTORY and '
            'never sent; set MAIL_TRANSPORT = "smtp" and MAIL_SERVER'
        )
    base = str(config.get("PUBLIC_BASE_URL") or "")
    if urlsplit(base).scheme != "https" or not urlsplit(base).netloc:
        problems.append(
            f"PUBLIC_BASE_URL {base!r} is not an https:// address: set the site's "
            "public https:// address (every link in an e-mail starts with it)"
        )
    return problems


def key_problems(config) -> list[str]:
    """Say which public key files are missing or wrong, and which private keys are here."""
    problems = []
    for setting, (kind, name, pair) in PUBLIC_KEYS.items():
        path = Path(config[setting])
        try:
            key = load_public_key(path.read_bytes())
        except OSError:
            problems.append(f"{setting}: {path} is missing; {CREATE_KEYS}")
            continue
        except KeyFileError:
            problems.append(
                f"{setting}: {path} is not a public key file; {CREATE_KEYS}"
            )
            continue
        if not isinstance(key, kind):
            problems.append(
                f"{setting}: {path} is not a {name} public key; point it at the "
                f"{pair}-public.pem file of the pairs"
            )
    problems.extend(
        f"KEYS_DIRECTORY holds the private key {path}: private keys belong off the "
        "server, with the secretariat and the City; move it away (next time "
        f"{CREATE_KEYS})"
        for path in private_key_files(Path(config["KEYS_DIRECTORY"]))
    )
    return problems


def private_key_files(directory: Path) -> list[Path]:
    """Return the files of ``directory`` that hold a private key (rotated ones too)."""
    if not directory.is_dir():
        return []
    return [
        path
        for path in sorted(directory.iterdir())
        if path.is_file() and PRIVATE_KEY_MARK in path.read_bytes()
    ]


def catalog_problems(app: Flask) -> list[str]:
    """Say which served language lacks its compiled catalog (.mo), or has a stale one.

    Flask-Babel reads only the compiled catalogs: a .po edited after its compilation
    serves the old texts, a missing .mo serves none (English source texts instead).
    """
    config = app.config
    folders = [
        Path(app.root_path, folder)
        for folder in str(config["BABEL_TRANSLATION_DIRECTORIES"]).split(";")
    ]
    compile_them = "run `pybabel compile -d translations` (`make translations`)"
    problems = []
    for language in config["LANGUAGES"]:
        sources = [
            path
            for folder in folders
            if (path := folder / language / "LC_MESSAGES" / "messages.po").is_file()
        ]
        if not sources:
            problems.append(
                f"LANGUAGES names {language!r} but no catalog of it is in "
                f"{', '.join(str(folder) for folder in folders)}: remove it from "
                "LANGUAGES or add its messages.po"
            )
        for source in sources:
            compiled = source.with_suffix(".mo")
            if not compiled.is_file():
                problems.append(f"{compiled} is missing: {compile_them}")
            elif os.path.getmtime(compiled) < os.path.getmtime(source):
                problems.append(
                    f"{compiled} is older than its messages.po: {compile_them}"
                )
    return problems
