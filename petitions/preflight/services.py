"""The preflight's checks of the servers the configuration names: database, limits."""

from pathlib import Path
from urllib.parse import urlsplit

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from limits.errors import ConfigurationError as StorageError
from limits.storage import storage_from_string
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from petitions import migrations_directory

# A server that does not answer within this many seconds is reported, not waited for.
TIMEOUT_SECONDS = 5
UPGRADE = "run `flask --app petitions db upgrade`"


def database_problems(app: Flask) -> list[str]:
    """Say whether the database cannot be reached or is not at the migrations' head."""
    try:
        url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    except ArgumentError:
        return [
            "SQLALCHEMY_DATABASE_URI is not a database address: set one such as "
            "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"
        ]
    shown = url.render_as_string(hide_password=True)
    # Connecting to a SQLite file that is not there would create an empty one.
    if is_missing_sqlite_file(url):
        return [f"SQLALCHEMY_DATABASE_URI {shown}: no such file; {UPGRADE}"]
    try:
        current = revisions_of(url)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return [
            f"SQLALCHEMY_DATABASE_URI {shown} cannot be reached ({reason}): start "
            "the database, create it or correct the address"
        ]
    heads = set(ScriptDirectory(migrations_directory(app)).get_heads())
    if current != heads:
        return [
            f"the database is at revision {', '.join(sorted(current)) or 'none'}, not "
            f"at the migrations' head {', '.join(sorted(heads))}: {UPGRADE}"
        ]
    return []


def revisions_of(url) -> set[str]:
    """Return the migration revisions the database at ``url`` is at (none: empty)."""
    options = {}
    if url.get_backend_name() == "postgresql":
        options["connect_args"] = {"connect_timeout": TIMEOUT_SECONDS}
    engine = create_engine(url, **options)
    try:
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()


def is_missing_sqlite_file(url) -> bool:
    """Say whether ``url`` names a SQLite file that does not exist."""
    return (
        url.get_backend_name() == "sqlite"
        and url.database not in (None, "", ":memory:")
        and not Path(url.database).is_file()
    )


def limiter_problems(config, workers: int) -> list[str]:
    """Say whether the limits' counters would be split between workers, or unreachable.

    In memory, each web worker counts apart: with four workers a client gets four
    times every limit. A shared storage (Redis) must answer, or no post is accepted.
    """
    uri = str(config["RATELIMIT_STORAGE_URI"])
    scheme = urlsplit(uri).scheme
    if scheme == "memory":
        if workers > 1:
            return [
                f"RATELIMIT_STORAGE_URI is memory:// with {workers} web workers: each "
                "counts apart, so every limit is that many times looser; set "
                '"redis://HOST:6379/0" (or run one worker: PETITIONS_WEB_WORKERS=1)'
            ]
        return []
    options = {}
    if scheme.startswith("redis"):
        options = {
            "socket_connect_timeout": TIMEOUT_SECONDS,
            "socket_timeout": TIMEOUT_SECONDS,
        }
    # The address without its password, if it has one.
    where = f"{scheme}://{urlsplit(uri).netloc.rpartition('@')[2]}"
    try:
        answers = storage_from_string(uri, **options).check()
    except StorageError as error:
        return [f"RATELIMIT_STORAGE_URI {where} is not usable ({error}): correct it"]
    if not answers:
        return [
            f"RATELIMIT_STORAGE_URI {where} does not answer: start it or correct the "
            "address"
        ]
    return []
