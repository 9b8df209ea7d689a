"""Backup and restore refuse what is unsafe, and keep the password and the file private.

A restore checks the file and the target before it writes: a file that is not a whole
backup of this service, or a database that is not empty, is refused and nothing
changes. A backup never replaces a file, and what it writes is its owner's alone.
"""

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import make_url, text

from petitions.backup import postgres
from petitions.backup.contents import Refused
from petitions.extensions import db

from .support import POSTGRES_URL, run_command

OLDER = "0008_fraud_view"
HEAD = "0009_count_log_audit_head"


def table_count(app) -> int:
    """Count the tables of an app's database, straight from its catalogue."""
    if POSTGRES_URL:
        query = (
            "SELECT count(*) FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
    else:
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
    with app.app_context(), db.engine.connect() as connection:
        return connection.scalar(text(query))


def migrated_to(app_on, url: str, revision: str):
    """Return an app on ``url`` with its database migrated to ``revision``."""
    other = app_on(url)
    with other.app_context():
        upgrade(revision=revision)
    return other


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(
    app, tmp_path, make_initiative, make_signature
):
    make_signature(make_initiative())
    assert run_command(app, "backup", tmp_path / "mine.backup").exit_code == 0
    before = run_command(app, "backup", tmp_path / "before.backup").output.splitlines()[
        1:
    ]

    result = run_command(app, "restore", tmp_path / "mine.backup")

    assert result.exit_code == 1
    assert "the configured database is not empty" in result.output
    assert "Create a new, empty database" in result.output
    after = run_command(app, "backup", tmp_path / "after.backup").output.splitlines()[
        1:
    ]
    assert after == before and "signatures: 1 confirmed" in after


def a_foreign_sqlite_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.commit()
    connection.close()


# What each kind of file is answered, on SQLite and on PostgreSQL.
NOT_BACKUPS = {
    "csv": (
        lambda path: path.write_text("surname,first_names\nDupont,Marie\n"),
        "is not a backup of this service",
        "is not a backup of this service",
    ),
    "random bytes": (
        lambda path: path.write_bytes(bytes(range(256)) * 16),
        "is not a backup of this service",
        "is not a backup of this service",
    ),
    "another sqlite database": (
        a_foreign_sqlite_database,
        "records no migration revision",
        "is a SQLite backup and the configured database is PostgreSQL",
    ),
    "sqlite header, no database": (
        lambda path: path.write_bytes(b"SQLite format 3\x00" + b"\x01" * 400),
        "cannot be read as a SQLite backup",
        "is a SQLite backup and the configured database is PostgreSQL",
    ),
    "pg_dump header, no archive": (
        lambda path: path.write_bytes(b"PGDMP" + b"\x01" * 400),
        "is a PostgreSQL backup and the configured database is SQLite",
        # pg_restore reads it as an archive of nothing.
        "records no migration revision",
    ),
}


@pytest.mark.parametrize("kind", NOT_BACKUPS)
def test_restore_refuses_a_file_that_is_not_a_backup_and_writes_nothing(
    app_on, fresh_database, tmp_path, kind
):
    write, on_sqlite, on_postgres = NOT_BACKUPS[kind]
    target = app_on(fresh_database())
    source = tmp_path / "not-a-backup"
    write(source)

    result = run_command(target, "restore", source)

    assert result.exit_code == 1, result.output
    assert (on_postgres if POSTGRES_URL else on_sqlite) in result.output
    assert table_count(target) == 0


def test_a_damaged_backup_is_refused_and_leaves_the_database_empty(
    app, tmp_path, make_initiative, make_signature, app_on, fresh_database
):
    initiative = make_initiative()
    for _ in range(40):
        make_signature(initiative)
    whole = tmp_path / "whole.backup"
    assert run_command(app, "backup", whole).exit_code == 0
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(whole.read_bytes()[: whole.stat().st_size * 3 // 4])
    target = app_on(fresh_database())

    result = run_command(target, "restore", damaged)

    assert result.exit_code == 1
    # pg_restore may read the archive's table of contents and fail in its data.
    answers = (
        (
            "cannot be read as a PostgreSQL backup",
            "was rolled back, nothing was written",
        )
        if POSTGRES_URL
        else ("cannot be read as a SQLite backup",)
    )
    assert any(answer in result.output for answer in answers), result.output
    assert table_count(target) == 0


def test_a_restore_that_fails_leaves_the_database_as_it_was(
    app, tmp_path, make_initiative, make_signature, app_on, fresh_database
):
    make_signature(make_initiative())
    assert run_command(app, "backup", tmp_path / "whole.backup").exit_code == 0
    url = fresh_database()
    if POSTGRES_URL:
        target = app_on(url)
        # Not a table: the target counts as empty. pg_restore creates the first
        # tables, then meets this name.
        with target.app_context(), db.engine.begin() as connection:
            connection.execute(text("CREATE SEQUENCE staff_id_seq"))
    else:
        # SQLite refuses to copy pages of another size into a database in WAL mode.
        connection = sqlite3.connect(make_url(url).database)
        connection.execute("PRAGMA page_size=1024")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.close()
        target = app_on(url)

    result = run_command(target, "restore", tmp_path / "whole.backup")

    assert result.exit_code == 1
    assert (
        "the restore failed and was rolled back, nothing was written" in result.output
    )
    assert table_count(target) == 0


def test_a_backup_of_an_unknown_migration_is_refused(app_on, fresh_database, tmp_path):
    newer = migrated_to(app_on, fresh_database(), HEAD)
    with newer.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '0099_x'"))
        db.session.commit()
    assert run_command(newer, "backup", tmp_path / "newer.backup").exit_code == 0
    target = app_on(fresh_database())

    result = run_command(target, "restore", tmp_path / "newer.backup")

    assert result.exit_code == 1
    assert "this code does not know its migration 0099_x" in result.output
    assert table_count(target) == 0


def test_a_restore_says_when_the_backup_is_behind_the_code(
    app_on, fresh_database, tmp_path
):
    older = migrated_to(app_on, fresh_database(), OLDER)
    assert run_command(older, "backup", tmp_path / "older.backup").exit_code == 0
    target = app_on(fresh_database())

    result = run_command(target, "restore", tmp_path / "older.backup")

    assert result.exit_code == 0, result.output
    assert f"database at migration {OLDER}" in result.output
    assert (
        f"migration {OLDER} is behind the code's {HEAD}: "
        "run `flask --app petitions db upgrade`"
    ) in result.output
    assert run_command(target, "db", "upgrade").exit_code == 0
    with target.app_context():
        assert (
            db.session.scalar(text("SELECT version_num FROM alembic_version")) == HEAD
        )


def test_a_backup_never_replaces_a_file(app, tmp_path):
    out = tmp_path / "backups" / "today.backup"
    out.parent.mkdir()
    out.write_text("yesterday's backup")

    result = run_command(app, "backup", out)

    assert result.exit_code == 1
    assert "exists already: a backup never replaces a file" in result.output
    assert out.read_text() == "yesterday's backup"
    assert os.listdir(out.parent) == ["today.backup"]


def test_the_backup_is_readable_by_its_owner_only_whatever_the_umask(app, tmp_path):
    out = tmp_path / "backups" / "today.backup"
    out.parent.mkdir()
    previous = os.umask(0)
    try:
        result = run_command(app, "backup", out)
    finally:
        os.umask(previous)

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert f"backup written to {out}: {out.stat().st_size:,} bytes" in result.output
    # Nothing else is left beside it (the private folder it was written in is gone).
    assert os.listdir(out.parent) == ["today.backup"]


URL = make_url(
    "postgresql+psycopg://petitions:s3cr%3At%5Cpw%40@db.example:5433/petitions"
    "?sslmode=require"
)
PASSWORD = "s3cr:t\\pw@"


def test_pg_dump_and_pg_restore_never_see_the_password_on_their_command_line():
    dump = postgres.dump_command("pg_dump", URL, "00000003-1", Path("/b/x.backup"))
    restore = postgres.restore_command("pg_restore", URL, Path("/b/x.backup"))

    assert URL.password == PASSWORD
    for arguments in (dump, restore):
        assert not any(PASSWORD in word or "s3cr" in word for word in arguments)
        assert (
            "--dbname=postgresql://petitions@db.example:5433/petitions?sslmode=require"
            in arguments
        )
    assert "--format=custom" in dump and "--snapshot=00000003-1" in dump
    assert {"--no-owner", "--single-transaction"} <= set(restore)


def test_the_password_reaches_them_in_a_passfile_readable_by_the_owner_only(
    monkeypatch,
):
    monkeypatch.setenv("PGPASSWORD", "another")
    with postgres.password_environment(URL.password) as environment:
        passfile = Path(environment["PGPASSFILE"])
        assert stat.S_IMODE(passfile.stat().st_mode) == 0o600
        assert passfile.read_text() == "*:*:*:*:s3cr\\:t\\\\pw@\n"
        assert "PGPASSWORD" not in environment
    assert not passfile.exists() and not passfile.parent.exists()
    with postgres.password_environment(None) as environment:
        assert "PGPASSFILE" not in environment
        assert environment["PGPASSWORD"] == "another"


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_the_programs_are_found_on_the_path_or_in_debians_newest_version(tmp_path):
    debian = tmp_path / "usr-lib-postgresql"
    for version in ("9.6", "10", "15", "notes"):
        executable(debian / version / "bin" / "pg_dump")
    on_path = executable(tmp_path / "bin" / "pg_dump")
    empty = tmp_path / "empty"
    empty.mkdir()

    assert postgres.find_program("pg_dump", str(on_path.parent), debian) == str(on_path)
    newest = postgres.find_program("pg_dump", str(empty), debian)
    assert newest == str(debian / "15" / "bin" / "pg_dump")
    with pytest.raises(Refused, match="install the PostgreSQL client programs"):
        postgres.find_program("pg_restore", str(empty), debian)
