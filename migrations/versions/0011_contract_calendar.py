"""contract channels, obligations and the working-day calendar frozen per contract (the 2023
content contract beside the 2022 one)

Revision ID: 0011_contract_calendar
Revises: 0010_commitments
Create Date: 2026-11-26 02:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_contract_calendar'
down_revision = '0010_commitments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'contract_channels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('platform', sa.String(length=64), nullable=False),
        sa.Column('account', sa.String(length=200), nullable=False),
        sa.Column('posting_windows', sa.JSON(), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('contract_id', 'key'),
    )
    with op.batch_alter_table('contract_channels') as batch:
        batch.create_index('ix_contract_channels_contract_id', ['contract_id'], unique=False)
    op.create_table(
        'contract_obligations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('counts', sa.String(length=32), nullable=False),
        sa.Column('channels', sa.JSON(), nullable=False),
        sa.Column('per_channel', sa.String(length=16), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('days', sa.String(length=16), nullable=False),
        sa.Column('minimum', sa.Double(), nullable=True),
        sa.Column('maximum', sa.Double(), nullable=True),
        sa.Column('mandatory', sa.Boolean(), nullable=False),
        sa.Column('clause', sa.String(length=64), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('contract_id', 'key'),
    )
    with op.batch_alter_table('contract_obligations') as batch:
        batch.create_index('ix_contract_obligations_contract_id', ['contract_id'], unique=False)
    op.create_table(
        'contract_days',
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('source', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id']),
        sa.PrimaryKeyConstraint('contract_id', 'day'),
    )


def downgrade():
    op.drop_table('contract_days')
    with op.batch_alter_table('contract_obligations') as batch:
        batch.drop_index('ix_contract_obligations_contract_id')
    op.drop_table('contract_obligations')
    with op.batch_alter_table('contract_channels') as batch:
        batch.drop_index('ix_contract_channels_contract_id')
    op.drop_table('contract_channels')
