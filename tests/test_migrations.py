"""The models and the migrations describe the same schema, on SQLite and PostgreSQL."""

import pprint

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String

from petitions.extensions import db

# Types are compared too: a column whose type differs between a model and the migrated
# database is a difference. (Server defaults are not compared, as autogenerate does
# not by default.)
OPTIONS = {"compare_type": True}


def differences(metadata) -> list:
    """Return what autogenerate would change to bring the database to ``metadata``."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=OPTIONS)
        return compare_metadata(context, metadata)


def test_the_migrated_database_matches_the_models(app):
    found = differences(db.metadata)
    assert found == [], (
        f"the models and the migrations differ on {db.engine.dialect.name}; write a "
        "migration (or fix the model):\n" + pprint.pformat(found, width=100)
    )


def test_the_comparison_sees_a_new_column_and_a_changed_type(app):
    metadata = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(metadata)
    signature = metadata.tables["signature"]
    signature.append_column(Column("nickname", String(40)))
    signature.c.verdict.type = String(40)
    found = differences(metadata)
    # A table's change is a tuple ("add_column", schema, table, column); a column's
    # changes come as a list of tuples ("modify_type", schema, table, column name, ...).
    changes = {
        (diff[0][0], diff[0][3]) if isinstance(diff, list) else (diff[0], diff[3].name)
        for diff in found
    }
    assert changes == {("add_column", "nickname"), ("modify_type", "verdict")}, found
