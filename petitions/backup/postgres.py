"""PostgreSQL: pg_dump and pg_restore, with the password kept off their command lines.

Every user of the machine can read every process's arguments (``ps``): the programs
get the database's libpq URI without its password, and the password in a passfile
(0600, in a private folder, deleted when they end) that ``PGPASSFILE`` names.

The dump reads the snapshot that this module's own transaction exports
(``pg_dump --snapshot``), so the counts printed are those of the rows dumped. The
restore runs in a single transaction: it fails whole or not at all.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, Engine, text

from petitions.backup.contents import Contents, Refused, read_contents
from petitions.private_files import open_private

# pg_dump's custom format starts with these bytes.
MAGIC = b"PGDMP"
# Debian installs each major version's programs here, off the PATH.
DEBIAN_ROOT = Path("/usr/lib/postgresql")


def is_archive(path: Path) -> bool:
    """Say whether a file starts as pg_dump's custom format does."""
    with open(path, "rb") as file:
        return file.read(len(MAGIC)) == MAGIC


def _version(folder: Path) -> tuple[int, ...]:
    parts = folder.parent.name.split(".")
    return tuple(int(part) for part in parts) if all(map(str.isdigit, parts)) else ()


def find_program(
    name: str, search_path: str | None = None, debian_root: Path = DEBIAN_ROOT
) -> str:
    """Return pg_dump or pg_restore: on the PATH, else Debian's newest version's."""
    found = shutil.which(name, path=search_path)
    if found:
        return found
    folders = [
        folder
        for folder in debian_root.glob("*/bin")
        if _version(folder) and os.access(folder / name, os.X_OK)
    ]
    if not folders:
        raise Refused(
            f"{name} is neither on the PATH nor in {debian_root}/<version>/bin: "
            "install the PostgreSQL client programs (Debian: postgresql-client)"
        )
    return str(max(folders, key=_version) / name)


def libpq_uri(url: URL) -> str:
    """Return the configured URL as libpq reads it (``postgresql://``), password left out."""
    bare = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return bare.render_as_string(hide_password=False)


def passfile_line(password: str) -> str:
    """Return a passfile line that gives ``password`` to any host, database and user."""
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    return f"*:*:*:*:{escaped}\n"


@contextmanager
def password_environment(password: str | None) -> Iterator[dict[str, str]]:
    """Yield the programs' environment: PGPASSFILE names a 0600 file with the password.

    Without a password (peer or certificate authentication, or the operator's own
    ~/.pgpass) the environment is passed on unchanged.
    """
    environment = dict(os.environ)
    if password is None:
        yield environment
        return
    folder = tempfile.mkdtemp(prefix="petitions-pg-")  # 0700
    try:
        passfile = Path(folder) / "passfile"
        with open_private(passfile, "w") as file:
            file.write(passfile_line(password))
        # PGPASSWORD would win over the passfile: the configured password must.
        environment.pop("PGPASSWORD", None)
        yield environment | {"PGPASSFILE": str(passfile)}
    finally:
        shutil.rmtree(folder)


def dump_command(program: str, url: URL, snapshot: str, target: Path) -> list[str]:
    """Return pg_dump's arguments: custom format, from ``snapshot``, into ``target``."""
    return [
        program,
        "--format=custom",
        "--no-password",
        f"--snapshot={snapshot}",
        f"--file={target}",
        f"--dbname={libpq_uri(url)}",
    ]


def restore_command(program: str, url: URL, source: Path) -> list[str]:
    """Return pg_restore's arguments: ``source`` into the database, in one transaction.

    Owners and grants name the roles of the server that was dumped, which the target
    may not have: the restored tables belong to the configured role, which is all the
    service needs.
    """
    return [
        program,
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={libpq_uri(url)}",
        str(source),
    ]


def _run(arguments: list[str], password: str | None = None) -> str:
    """Run a program; return its output, or refuse with its own error lines.

    Only the lines the program signs with its name are repeated: the DETAIL and CONTEXT
    lines of a server error may quote a row.
    """
    with password_environment(password) as environment:
        # No shell: the arguments are built in this module, each one a word.
        finished = subprocess.run(  # noqa: S603
            arguments,
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
    if finished.returncode != 0:
        name = Path(arguments[0]).name
        own = [
            line.split("Command was:")[0].strip()
            for line in finished.stderr.splitlines()
            if line.startswith(f"{name}:")
        ]
        raise Refused(f"{name} failed: " + (" / ".join(own[-3:]) or "no message"))
    return finished.stdout


def dump(engine: Engine, target: Path) -> Contents:
    """Dump the configured database into ``target`` and count what the dump holds."""
    pg_dump = find_program("pg_dump")
    with engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        # The transaction's snapshot is taken at its first statement: this one.
        snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
        _run(dump_command(pg_dump, engine.url, snapshot, target), engine.url.password)
        contents = read_contents(connection)
        connection.rollback()
    return contents


def archive_revision(path: Path) -> str | None:
    """Read a custom-format archive's table of contents and its migration revision.

    pg_restore reads the archive without a database: a file it cannot read is refused,
    and one without an ``alembic_version`` table is not the service's.
    """
    pg_restore = find_program("pg_restore")
    try:
        listing = _run([pg_restore, "--list", str(path)])
        if not any(
            " TABLE DATA " in line and " alembic_version " in line
            for line in listing.splitlines()
        ):
            return None
        copied = _run(
            [
                pg_restore,
                "--data-only",
                "--table=alembic_version",
                "--file=-",
                str(path),
            ]
        )
    except Refused as refusal:
        raise Refused(
            f"{path} cannot be read as a PostgreSQL backup: {refusal}"
        ) from None
    lines = iter(copied.splitlines())
    for line in lines:
        if line.startswith("COPY "):
            first = next(lines, "\\.")
            return None if first == "\\." else first.strip()
    return None


def restore_from(path: Path, engine: Engine) -> None:
    """Restore a checked archive into the configured (empty) database."""
    arguments = restore_command(find_program("pg_restore"), engine.url, path)
    engine.dispose()
    try:
        _run(arguments, engine.url.password)
    except Refused as failure:
        raise Refused(
            f"the restore failed and was rolled back, nothing was written: {failure}"
        ) from None
