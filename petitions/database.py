"""Engine settings: SQLite in WAL mode with write transactions that wait their turn.

Personal data erased from SQLite must leave the files too: deleted content is
overwritten (``secure_delete``), the jobs that erase end with a checkpoint that empties
the write-ahead log, and the database files are the owner's alone (0600).
"""

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from petitions.private_files import create_private


def configure_engine_events(engine: Engine) -> None:
    """Set SQLite pragmas and transaction mode; PostgreSQL needs nothing here."""
    if engine.dialect.name != "sqlite":
        return
    path = engine.url.database
    if path and path != ":memory:" and not path.startswith("file:"):
        # SQLite gives its -wal and -shm files the mode of the database file.
        create_private(path)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy, not the driver, open transactions (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted and overwritten content is zeroed, not left in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A transaction that reads and then writes cannot wait for the write lock in
        # WAL mode: SQLite answers "database is locked" at once. Anything that may write
        # (every request but GET/HEAD, every job and command) therefore takes the write
        # lock when it begins and waits its turn behind busy_timeout.
        if has_request_context() and request.method in ("GET", "HEAD"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def checkpoint(engine: Engine) -> tuple[int, int, int] | None:
    """Copy SQLite's write-ahead log into the database and empty it (after erasing).

    Until then the log still holds the pages as they were before the erasure. Run
    outside any transaction (the driver's own connection, in autocommit); returns
    SQLite's (busy, log pages, pages checkpointed). On PostgreSQL it does nothing: its
    files are the server's, and VACUUM reclaims them.
    """
    if engine.dialect.name != "sqlite":
        return None
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, log, checkpointed = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()
    return busy, log, checkpointed
