"""commitments: the agreement's words and clause for each contract target, and the contractor
(the execution report sets the achieved figures beside them)

Revision ID: 0010_commitments
Revises: 0009_delivery
Create Date: 2026-11-26 02:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_commitments'
down_revision = '0009_delivery'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contracts') as batch:
        batch.add_column(sa.Column('contractor', sa.String(length=200), nullable=False,
                                   server_default=''))
    with op.batch_alter_table('contract_targets') as batch:
        batch.add_column(sa.Column('commitment', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('clause', sa.String(length=64), nullable=False,
                                   server_default=''))


def downgrade():
    with op.batch_alter_table('contract_targets') as batch:
        batch.drop_column('clause')
        batch.drop_column('commitment')
    with op.batch_alter_table('contracts') as batch:
        batch.drop_column('contractor')
