"""the fraud view: each signature's network and mail domain, and batch invalidation

Revision ID: 0008_fraud_view
Revises: 0007_mail_budget
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_fraud_view'
down_revision = '0007_mail_budget'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_network', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('mail_domain', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('invalidated_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_column('invalidated_at')
        batch_op.drop_column('mail_domain')
        batch_op.drop_column('client_network')
