"""`flask --app petitions check`: every problem of a production configuration at once.

Each problem has its test on a clean production-like configuration (strong secrets,
public keys only, compiled catalogs, the migrated test database, SMTP, https) with one
thing spoilt; the command itself runs in a subprocess, as an operator types it.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import create_engine, text

from petitions import ConfigurationError, configured_app, create_app
from petitions.config import DEFAULT_SECRET
from petitions.preflight.cli import find_problems

from .support import POSTGRES_URL, REDIS_URL

ROOT = Path(__file__).resolve().parent.parent
FLASK = Path(sys.executable).parent / "flask"
STRONG = "a-strong-secret-for-the-preflight-0123456789"


def problems_of(config: dict, workers: int = 1) -> list[str]:
    return find_problems(configured_app(config), workers)


def about(problems: list[str], subject: str) -> list[str]:
    """Return the problems whose line starts with ``subject`` (a setting's name)."""
    return [problem for problem in problems if problem.startswith(subject)]


@pytest.fixture(scope="session")
def compiled_catalogs(tmp_path_factory) -> Path:
    """A copy of translations/ with every catalog compiled, as `make translations` does."""
    folder = tmp_path_factory.mktemp("translations")
    for source in sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po")):
        target = folder / source.relative_to(ROOT / "translations")
        target.parent.mkdir(parents=True)
        shutil.copyfile(source, target)
        with source.open("rb") as po, target.with_suffix(".mo").open("wb") as mo:
            write_mo(mo, read_po(po))
    return folder


@pytest.fixture
def public_keys(key_files, tmp_path) -> Path:
    """The server's key folder: the two public keys and nothing else."""
    folder = tmp_path / "keys"
    folder.mkdir()
    for name in ("sealing-public.pem", "dossier-public.pem"):
        shutil.copyfile(key_files / name, folder / name)
    return folder


@pytest.fixture
def production(database_url, public_keys, compiled_catalogs) -> dict:
    """A configuration the preflight finds nothing wrong with."""
    return {
        "SECRET_KEY": STRONG,
        "IDENTITY_KEY": STRONG + "-identity",
        "DEVELOPMENT": False,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "KEYS_DIRECTORY": str(public_keys),
        "SEALING_PUBLIC_KEY_FILE": str(public_keys / "sealing-public.pem"),
        "DOSSIER_PUBLIC_KEY_FILE": str(public_keys / "dossier-public.pem"),
        "BABEL_TRANSLATION_DIRECTORIES": str(compiled_catalogs),
        "MAIL_TRANSPORT": "smtp",
        "PUBLIC_BASE_URL": "https://initiatives.example",
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
    }


@pytest.fixture
def closed_port():
    """A loopback port held without listening: a connection to it is refused."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


@pytest.fixture
def empty_database_url(tmp_path):
    """A database of the test backend without any table."""
    if not POSTGRES_URL:
        path = tmp_path / "empty.sqlite3"
        path.touch()
        yield f"sqlite:///{path}"
        return
    name = f"petitions_empty_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_clean_production_configuration_has_no_problem(production):
    assert problems_of(production) == []


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("SECRET_KEY", DEFAULT_SECRET, "is the development default"),
        ("IDENTITY_KEY", "", "is the development default"),
        ("IDENTITY_KEY", "x" * 31, "is shorter than 32 bytes"),
        ("SECRET_KEY", "change-me-" + "x" * 40, "is the sample's placeholder"),
    ],
)
def test_a_weak_secret_is_a_problem(production, key, value, said):
    problems = problems_of({**production, key: value})
    (problem,) = problems
    assert problem.startswith(f"{key} {said}: set a long random value")


def test_missing_public_keys_are_problems(production, public_keys):
    for path in public_keys.iterdir():
        path.unlink()
    problems = problems_of(production)
    assert len(problems) == 2
    for setting in ("SEALING_PUBLIC_KEY_FILE", "DOSSIER_PUBLIC_KEY_FILE"):
        (problem,) = about(problems, setting)
        assert "is missing" in problem and "keys create --dir" in problem


def test_a_key_file_that_is_no_public_key_is_a_problem(production, tmp_path):
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key")
    problems = problems_of({**production, "DOSSIER_PUBLIC_KEY_FILE": str(garbage)})
    assert problems == [
        f"DOSSIER_PUBLIC_KEY_FILE: {garbage} is not a public key file; create the "
        "pairs on the secretariat's machine (`flask --app petitions keys create "
        "--dir DIR`) and copy only the *-public.pem files to the server"
    ]


def test_a_public_key_of_the_other_pair_is_a_problem(production, public_keys):
    swapped = {
        "SEALING_PUBLIC_KEY_FILE": str(public_keys / "dossier-public.pem"),
        "DOSSIER_PUBLIC_KEY_FILE": str(public_keys / "sealing-public.pem"),
    }
    problems = problems_of({**production, **swapped})
    (sealing,) = about(problems, "SEALING_PUBLIC_KEY_FILE")
    (dossier,) = about(problems, "DOSSIER_PUBLIC_KEY_FILE")
    assert "is not a sealing (X25519) public key" in sealing
    assert "is not a dossier signing (Ed25519) public key" in dossier


def test_private_keys_on_the_server_are_problems(production, public_keys, key_files):
    shutil.copyfile(
        key_files / "sealing-private.pem", public_keys / "sealing-private.pem"
    )
    rotated = public_keys / "dossier-private-0123456789abcdef.pem"
    shutil.copyfile(key_files / "dossier-private.pem", rotated)
    problems = problems_of(production)
    assert problems == [
        f"KEYS_DIRECTORY holds the private key {path}: private keys belong off the "
        "server, with the secretariat and the City; move it away (next time create "
        "the pairs on the secretariat's machine (`flask --app petitions keys create "
        "--dir DIR`) and copy only the *-public.pem files to the server)"
        for path in (rotated, public_keys / "sealing-private.pem")
    ]


def test_missing_and_stale_compiled_catalogs_are_problems(
    production, compiled_catalogs, tmp_path
):
    catalogs = tmp_path / "translations"
    shutil.copytree(compiled_catalogs, catalogs)
    (catalogs / "fr/LC_MESSAGES/messages.mo").unlink()
    dutch = catalogs / "nl/LC_MESSAGES/messages.po"
    compiled = os.path.getmtime(dutch.with_suffix(".mo"))
    os.utime(dutch, (compiled + 60, compiled + 60))  # edited after its compilation
    config = {**production, "BABEL_TRANSLATION_DIRECTORIES": str(catalogs)}
    problems = problems_of({**config, "LANGUAGES": ("fr", "nl", "en", "de")})
    assert problems[:2] == [
        f"{catalogs}/fr/LC_MESSAGES/messages.mo is missing: run `pybabel compile -d "
        "translations` (`make translations`)",
        f"{catalogs}/nl/LC_MESSAGES/messages.mo is older than its messages.po: run "
        "`pybabel compile -d translations` (`make translations`)",
    ]
    (german,) = about(problems, "LANGUAGES names 'de'")
    assert len(problems) == 3 and "add its messages.po" in german


def test_a_missing_sqlite_file_is_a_problem_and_is_not_created(production, tmp_path):
    path = tmp_path / "nowhere" / "petitions.sqlite3"
    problems = problems_of(
        {**production, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    )
    assert problems == [
        f"SQLALCHEMY_DATABASE_URI sqlite:///{path}: no such file; run "
        "`flask --app petitions db upgrade`"
    ]
    assert not path.parent.exists()


def test_a_database_server_that_does_not_answer_is_a_problem(production, closed_port):
    url = f"postgresql+psycopg://petitions:s3cret@127.0.0.1:{closed_port}/petitions"
    (problem,) = problems_of({**production, "SQLALCHEMY_DATABASE_URI": url})
    assert problem.startswith(
        f"SQLALCHEMY_DATABASE_URI postgresql+psycopg://petitions:***@127.0.0.1:"
        f"{closed_port}/petitions cannot be reached ("
    )
    assert "s3cret" not in problem


@pytest.mark.parametrize("uri", ["not an address", "nosuchdialect://host/db"])
def test_an_address_that_names_no_database_is_a_problem(production, uri):
    (problem,) = problems_of({**production, "SQLALCHEMY_DATABASE_URI": uri})
    assert problem.startswith("SQLALCHEMY_DATABASE_URI ")


def test_a_database_without_the_migrations_is_a_problem(production, empty_database_url):
    problems = problems_of(
        {**production, "SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    head = ScriptDirectory(ROOT / "migrations").get_current_head()
    assert problems == [
        f"the database is at revision none, not at the migrations' head {head}: run "
        "`flask --app petitions db upgrade`"
    ]


def test_a_database_behind_the_migrations_is_a_problem(production, empty_database_url):
    script = ScriptDirectory(ROOT / "migrations")
    head = script.get_revision(script.get_current_head())
    engine = create_engine(empty_database_url)
    with engine.begin() as connection:
        MigrationContext.configure(connection).stamp(script, head.down_revision)
    engine.dispose()
    problems = problems_of(
        {**production, "SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    assert problems == [
        f"the database is at revision {head.down_revision}, not at the migrations' "
        f"head {head.revision}: run `flask --app petitions db upgrade`"
    ]


def test_the_file_mail_transport_is_a_problem(production):
    (problem,) = problems_of({**production, "MAIL_TRANSPORT": "file"})
    assert problem.startswith('MAIL_TRANSPORT is "file"')


def test_counting_limits_in_memory_for_several_workers_is_a_problem(production):
    assert problems_of(production, workers=1) == []
    (problem,) = problems_of(production, workers=3)
    assert problem.startswith("RATELIMIT_STORAGE_URI is memory:// with 3 web workers")


def test_a_limits_storage_that_does_not_answer_is_a_problem(production, closed_port):
    uri = f"redis://:s3cret@127.0.0.1:{closed_port}/0"
    problems = problems_of({**production, "RATELIMIT_STORAGE_URI": uri}, workers=4)
    assert problems == [
        f"RATELIMIT_STORAGE_URI redis://127.0.0.1:{closed_port} does not answer: "
        "start it or correct the address"
    ]


def test_a_limits_storage_the_limits_library_does_not_know_is_a_problem(production):
    config = {**production, "RATELIMIT_STORAGE_URI": "carrier-pigeon://loft"}
    (problem,) = problems_of(config)
    assert problem.startswith(
        "RATELIMIT_STORAGE_URI carrier-pigeon://loft is not usable"
    )


if REDIS_URL:  # only where a Redis server is given (.ci/run starts one)

    def test_a_redis_storage_that_answers_is_no_problem(production):
        config = {**production, "RATELIMIT_STORAGE_URI": REDIS_URL}
        assert problems_of(config, workers=9) == []


@pytest.mark.parametrize(
    "address", ["http://initiatives.example", "https://", "initiatives.example", None]
)
def test_a_public_address_without_https_is_a_problem(production, address):
    (problem,) = problems_of({**production, "PUBLIC_BASE_URL": address})
    assert problem.startswith(f"PUBLIC_BASE_URL {address or ''!r} is not an https://")


def test_development_on_is_a_problem(production):
    (problem,) = problems_of({**production, "DEVELOPMENT": True})
    assert problem.startswith("DEVELOPMENT is on")


def test_unknown_log_settings_are_problems(production):
    problems = problems_of({**production, "LOG_LEVEL": "LOUD", "LOG_FORMAT": "xml"})
    assert [problem.split()[0] for problem in problems] == ["LOG_LEVEL", "LOG_FORMAT"]


def check(config: dict, *options: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run `flask --app petitions check` with ``config`` as PETITIONS_* variables."""
    environment = {
        **os.environ,
        **{f"PETITIONS_{key}": json.dumps(value) for key, value in config.items()},
    }
    environment.pop("PETITIONS_WEB_WORKERS", None)
    return subprocess.run(
        [str(FLASK), "--app", "petitions", "check", *options],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_reports_every_problem_at_once_though_the_app_would_not_start(
    production, tmp_path
):
    spoilt = {
        **production,
        "SECRET_KEY": DEFAULT_SECRET,
        "MAIL_TRANSPORT": "file",
        "PUBLIC_BASE_URL": "http://initiatives.example",
        "KEYS_DIRECTORY": str(tmp_path / "no-keys"),
        "SEALING_PUBLIC_KEY_FILE": str(tmp_path / "no-keys/sealing-public.pem"),
    }
    with pytest.raises(ConfigurationError):
        create_app(spoilt)
    result = check(spoilt, "--workers", "4", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines] == [
        "SECRET_KEY",
        "MAIL_TRANSPORT",
        "PUBLIC_BASE_URL",
        "SEALING_PUBLIC_KEY_FILE:",
        "RATELIMIT_STORAGE_URI",
    ]
    assert all(line.startswith("problem: ") for line in lines)
    assert "5 problem(s) found" in result.stderr


def test_the_command_finds_no_problem_in_a_clean_configuration(production, tmp_path):
    result = check(production, "--workers", "1", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "no problem found\n"), (
        result.stderr
    )
