"""the count log publishes the audit log's head (its last seq and hash) each day

Revision ID: 0009_count_log_audit_head
Revises: 0008_fraud_view
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_count_log_audit_head'
down_revision = '0008_fraud_view'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('count_log_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_head', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('count_log_entry', schema=None) as batch_op:
        batch_op.drop_column('audit_head')
