"""SQLite: the online backup API, both ways.

The backup copies every page in one step (``pages=-1``): one read transaction, so one
consistent snapshot of the database and its write-ahead log at that instant, while the
web workers and the scheduler go on writing (in WAL mode readers and writers do not
wait for each other). A copy taken in several steps would restart whenever another
connection wrote; one step never does.

The copy is switched to a rollback journal, so that the backup is one self-contained
file. Restoring copies it into the configured database in one write transaction: it
fails whole or not at all.
"""

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine

from petitions.backup.contents import Contents, Refused, read_contents

HEADER = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    """Say whether a file starts as every SQLite database does."""
    with open(path, "rb") as file:
        return file.read(len(HEADER)) == HEADER


def _read_only(path: Path) -> sqlite3.Connection:
    # A URI, so that the file is opened read-only and never created nor changed.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def contents_of(path: Path) -> Contents:
    """Count what a SQLite file holds, opened read-only."""
    engine = create_engine("sqlite://", creator=lambda: _read_only(path))
    try:
        with engine.connect() as connection:
            return read_contents(connection)
    finally:
        engine.dispose()


def copy_to(engine: Engine, target: Path) -> Contents:
    """Copy the configured database into the empty file ``target``, as one snapshot."""
    source = engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            source.driver_connection.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    return contents_of(target)


def check_backup(path: Path) -> Contents:
    """Open a SQLite backup read-only, check that it is whole, and count what it holds."""
    try:
        connection = _read_only(path)
        try:
            (verdict,) = connection.execute("PRAGMA quick_check").fetchone()
        finally:
            connection.close()
        if verdict != "ok":
            raise Refused(f"{path} is a damaged SQLite file: {verdict}")
        return contents_of(path)
    except sqlite3.DatabaseError as error:
        raise Refused(f"{path} cannot be read as a SQLite backup: {error}") from None


def restore_from(path: Path, engine: Engine) -> None:
    """Copy a checked backup into the configured (empty) database, whole or not at all."""
    source = _read_only(path)
    try:
        target = engine.raw_connection()
        try:
            source.backup(target.driver_connection, pages=-1)
        except sqlite3.Error as error:
            raise Refused(
                f"the restore failed and was rolled back, nothing was written: {error}"
            ) from None
        finally:
            target.close()
    finally:
        source.close()
    # Connections opened before the restore knew the empty schema.
    engine.dispose()
