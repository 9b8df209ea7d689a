"""signing attempts: when a counted signature's address was last told of a repeat

Revision ID: 0006_signing_attempts
Revises: 0005_staff_security
Create Date: 2027-01-14 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_signing_attempts'
down_revision = '0005_staff_security'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeat_notice_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_column('repeat_notice_at')
