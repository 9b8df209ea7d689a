"""each recipient's mail budget

Revision ID: 0007_mail_budget
Revises: 0006_signing_attempts
Create Date: 2026-12-02 11:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_mail_budget'
down_revision = '0006_signing_attempts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_hash', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=4), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued', sa.Integer(), nullable=False),
    sa.Column('dropped', sa.Integer(), nullable=False),
    sa.CheckConstraint("period IN ('hour', 'day')", name=op.f('ck_mail_budget_period_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_budget')),
    sa.UniqueConstraint('recipient_hash', 'period', 'starts_at', name='uq_mail_budget_window')
    )
    with op.batch_alter_table('mail_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_budget_starts_at'), ['starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_budget_starts_at'))

    op.drop_table('mail_budget')
