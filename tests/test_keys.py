"""The keys commands: creation, no overwrite, rotation; the web server needs public keys only."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from petitions import create_app
from petitions.extensions import db
from petitions.models import Signature
from petitions.sealing.keys import read_private_keys
from petitions.sealing.records import open_signature
from verification.keys import WrongPassphrase
from verification.sealing import SealedDataError

from .support import KEY_PASSPHRASE, csrf_token, signatory

FLASK = str(Path(sys.executable).parent / "flask")
PASSPHRASE_INPUT = f"{KEY_PASSPHRASE}\n{KEY_PASSPHRASE}\n"


def keys_command(app, *args, passphrase_input=PASSPHRASE_INPUT):
    return app.test_cli_runner().invoke(
        args=["keys", "create", *args], input=passphrase_input
    )


def test_keys_create_writes_two_encrypted_pairs_and_never_overwrites(app, tmp_path):
    folder = tmp_path / "keys"
    result = keys_command(app, "--dir", str(folder))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "dossier-private.pem",
        "dossier-public.pem",
        "sealing-private.pem",
        "sealing-public.pem",
    ]
    assert b"ENCRYPTED PRIVATE KEY" in (folder / "sealing-private.pem").read_bytes()
    assert oct((folder / "sealing-private.pem").stat().st_mode)[-3:] == "600"
    again = keys_command(app, "--dir", str(folder))
    assert again.exit_code == 1 and "--rotate" in again.output
    with pytest.raises(WrongPassphrase):
        read_private_keys([str(folder / "sealing-private.pem")], "not the passphrase")


def test_a_short_passphrase_is_refused(app, tmp_path):
    folder = tmp_path / "keys"
    result = keys_command(app, "--dir", str(folder), passphrase_input="short\nshort\n")
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert not folder.exists()


def test_after_a_rotation_old_records_open_with_the_old_key_and_new_ones_use_the_new(
    app_config, tmp_path, key_files, make_initiative, sign, app
):
    folder = tmp_path / "rotating"
    shutil.copytree(key_files, folder)
    app.config["KEYS_DIRECTORY"] = str(folder)
    app.config["SEALING_PUBLIC_KEY_FILE"] = str(folder / "sealing-public.pem")
    initiative = make_initiative()
    sign(initiative, surname="Avant")
    assert keys_command(app, "--dir", str(folder), "--rotate").exit_code == 0
    sign(initiative, surname="Après", email="apres@example.be")
    old_key = next(folder.glob("sealing-private-*.pem"))
    both = read_private_keys(
        [str(old_key), str(folder / "sealing-private.pem")], KEY_PASSPHRASE
    )
    first, second = db.session.scalars(select(Signature).order_by(Signature.id)).all()
    assert first.sealing_key_id != second.sealing_key_id
    assert [open_signature(s, both)["surname"] for s in (first, second)] == [
        "Avant",
        "Après",
    ]
    new_only = read_private_keys([str(folder / "sealing-private.pem")], KEY_PASSPHRASE)
    with pytest.raises(SealedDataError):
        open_signature(first, new_only)


def test_the_web_server_signs_with_the_public_keys_alone(
    app_config, tmp_path, key_files, make_initiative
):
    public_only = tmp_path / "public-only"
    public_only.mkdir()
    for name in ("sealing-public.pem", "dossier-public.pem"):
        shutil.copy(key_files / name, public_only / name)
    slug = make_initiative().slug
    db.session.close()  # the test's own session must not hold the write lock
    app_config["KEYS_DIRECTORY"] = str(public_only)
    server = create_app(app_config)
    with server.app_context():
        assert server.config["SEALING_PUBLIC_KEY_FILE"] == str(
            public_only / "sealing-public.pem"
        )
    client = server.test_client()
    path = f"/initiatives/{slug}"
    data = signatory() | {"csrf_token": csrf_token(client, path)}
    assert client.post(f"{path}/sign", data=data).status_code == 303
    with server.app_context():
        db.engine.dispose()  # this second app's connections close with the test


def test_keys_are_made_where_the_app_would_refuse_to_start(tmp_path):
    # The secretariat's offline machine has no production secrets: `keys create` needs
    # none, and takes KEYS_DIRECTORY from the configuration as the app would.
    passphrase = tmp_path / "passphrase.txt"
    passphrase.write_text(KEY_PASSPHRASE)
    folder = tmp_path / "secretariat-keys"
    settings = {"DEVELOPMENT": False, "SECRET_KEY": "", "KEYS_DIRECTORY": str(folder)}
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PETITIONS_")},
        **{f"PETITIONS_{key}": json.dumps(value) for key, value in settings.items()},
    }
    result = subprocess.run(
        [
            FLASK,
            "--app",
            "petitions",
            "keys",
            "create",
            "--passphrase-file",
            passphrase,
        ],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(list(folder.glob("*-private.pem"))) == 2
    # The app itself still refuses that configuration.
    served = subprocess.run(
        [FLASK, "--app", "petitions", "routes"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert served.returncode != 0 and "SECRET_KEY" in served.stderr
