"""drop contract_targets.schedule: every target's pace is linear and nothing read the column

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contract_targets', schema=None) as batch_op:
        batch_op.drop_column('schedule')


def downgrade():
    with op.batch_alter_table('contract_targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('schedule', sa.String(length=32), nullable=False,
                                      server_default='linear'))
