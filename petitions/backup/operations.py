"""Write a backup of the configured database; restore one into an empty database.

A backup is written in a private folder beside its destination and linked to its name
only once whole: a name that exists is never replaced, and a failed backup leaves no
file behind. A restore checks the file and the target before it writes anything.
"""

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from petitions.backup import postgres, sqlite
from petitions.backup.contents import (
    NAMES,
    Contents,
    Refused,
    check_revision,
    is_empty,
    migration_head,
    read_contents,
)
from petitions.extensions import db
from petitions.private_files import PRIVATE_MODE, create_private


@dataclass(frozen=True)
class Written:
    """A backup file and what it holds."""

    path: Path
    size: int
    contents: Contents


@dataclass(frozen=True)
class Restored:
    """What the database holds after a restore, and the code's newest migration."""

    contents: Contents
    head: str

    @property
    def behind(self) -> bool:
        return self.contents.revision != self.head


def _exists(out: Path) -> Refused:
    return Refused(
        f"{out} exists already: a backup never replaces a file. Choose another name, "
        "or move that file away first."
    )


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def back_up(out: Path) -> Written:
    """Write one consistent copy of the configured database to ``out`` (0600)."""
    if out.exists() or out.is_symlink():
        raise _exists(out)
    if not out.parent.is_dir():
        raise Refused(f"no folder {out.parent} to write the backup into")
    folder = Path(tempfile.mkdtemp(prefix=".backup-", dir=out.parent))  # 0700
    try:
        part = folder / "backup"
        create_private(part)
        if db.engine.dialect.name == "sqlite":
            contents = sqlite.copy_to(db.engine, part)
        else:
            contents = postgres.dump(db.engine, part)
        os.chmod(part, PRIVATE_MODE)
        with open(part, "rb") as file:
            os.fsync(file.fileno())
        try:
            # A link, unlike a rename, never replaces a file that appeared meanwhile.
            os.link(part, out)
        except FileExistsError:
            raise _exists(out) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _sync_folder(out.parent)
    return Written(out, out.stat().st_size, contents)


def _kind(source: Path) -> str:
    if sqlite.is_sqlite_file(source):
        return "sqlite"
    if postgres.is_archive(source):
        return "postgresql"
    raise Refused(
        f"{source} is not a backup of this service: neither a SQLite database nor a "
        "pg_dump custom-format archive"
    )


def check_backup(source: Path, dialect: str) -> None:
    """Refuse a file that is not a whole backup of this service for this database."""
    if not source.is_file():
        raise Refused(f"no file {source}")
    kind = _kind(source)
    if kind != dialect:
        theirs, ours = NAMES[kind], NAMES.get(dialect, dialect)
        raise Refused(
            f"{source} is a {theirs} backup and the configured database is {ours}: "
            f"restore it into a {theirs} database (SQLALCHEMY_DATABASE_URI)"
        )
    if kind == "sqlite":
        revision = sqlite.check_backup(source).revision
    else:
        revision = postgres.archive_revision(source)
    check_revision(revision, str(source))


def restore(source: Path) -> Restored:
    """Restore a backup into the configured database, which must hold no table yet."""
    engine = db.engine
    check_backup(source, engine.dialect.name)
    with engine.connect() as connection:
        if not is_empty(connection):
            raise Refused(
                "the configured database is not empty: a backup is restored into a "
                "fresh database only. Create a new, empty database (or point "
                "SQLALCHEMY_DATABASE_URI at a new SQLite file) and run restore again."
            )
    if engine.dialect.name == "sqlite":
        sqlite.restore_from(source, engine)
    else:
        postgres.restore_from(source, engine)
    with engine.connect() as connection:
        contents = read_contents(connection)
    return Restored(contents, migration_head())
