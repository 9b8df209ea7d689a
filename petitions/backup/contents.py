"""What a database or a backup holds, told without personal data.

Both commands print it: the backup from the snapshot it copied, the restore from the
database it filled, so that the operator can compare the two. Table names, row counts,
signatures per state and the migration revision; never a row's content.
"""

from dataclasses import dataclass

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import Connection, inspect, text

# The names the commands print for SQLAlchemy's dialects.
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class Refused(Exception):
    """The command cannot do this safely; the message says why and what to do instead."""


@dataclass(frozen=True)
class Contents:
    """A database's shape: its migration revision, rows per table, signatures per state."""

    dialect: str
    revision: str | None
    rows: dict[str, int]
    signatures: dict[str, int]

    def describe(self) -> list[str]:
        """Return the lines the commands print."""
        states = ", ".join(
            f"{count:,} {state}" for state, count in sorted(self.signatures.items())
        )
        return [
            f"{NAMES.get(self.dialect, self.dialect)} database at migration {self.revision or '(none)'}: "
            f"{len(self.rows)} tables, {sum(self.rows.values()):,} rows",
            f"signatures: {states or 'none'}",
        ]


def read_contents(connection: Connection) -> Contents:
    """Count what the connection's database holds, in the connection's transaction."""
    names = sorted(inspect(connection).get_table_names())
    quote = connection.dialect.identifier_preparer.quote
    # The names come from the database's own catalogue, quoted as identifiers.
    rows = {
        name: connection.scalar(text(f"SELECT count(*) FROM {quote(name)}"))  # noqa: S608
        for name in names
    }
    signatures: dict[str, int] = {}
    if "signature" in names:
        signatures = {
            state: count
            for state, count in connection.execute(
                text("SELECT state, count(*) FROM signature GROUP BY state")
            )
        }
    revision = None
    if "alembic_version" in names:
        revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    return Contents(connection.dialect.name, revision, rows, signatures)


def is_empty(connection: Connection) -> bool:
    """Say whether the database holds no table at all (a fresh one, fit to restore into)."""
    if connection.dialect.name == "postgresql":
        # Every schema, not only the default one: a restore must not mix with anything.
        return not connection.scalar(
            text(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                "('pg_catalog', 'information_schema')"
            )
        )
    return not inspect(connection).get_table_names()


def _migrations() -> ScriptDirectory:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


def migration_head() -> str:
    """Return the newest migration revision the code knows (where `db upgrade` leads)."""
    head = _migrations().get_current_head()
    assert head is not None, "the migrations have one head"
    return head


def check_revision(revision: str | None, source: str) -> None:
    """Refuse a backup without a revision, or with one this code does not know."""
    if revision is None:
        raise Refused(
            f"{source} is not a backup of this service: it records no migration "
            "revision (no alembic_version table)"
        )
    known = {script.revision for script in _migrations().walk_revisions()}
    if revision not in known:
        raise Refused(
            f"{source} was made by another version of the service: this code does not "
            f"know its migration {revision}. Restore it with the version that made it."
        )
