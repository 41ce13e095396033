"""contract members: an account's role in each contract that has member roles (the 2023
content contract's editors and the client's reviewers), and the roles a contract allows

Revision ID: 0012_contract_members
Revises: 0011_contract_calendar
Create Date: 2026-11-26 03:00:00

"""
from alembic import op
import sqlalchemy as sa



revision = '0012_contract_members'
down_revision = '0011_contract_calendar'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contracts') as batch:
        batch.add_column(sa.Column('member_roles', sa.JSON(), nullable=False,
                                   server_default='[]'))
    op.create_table(
        'contract_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_contract_members_contract_id_contracts')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_contract_members_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_members')),
        sa.UniqueConstraint('contract_id', 'user_id',
                            name=op.f('uq_contract_members_contract_id')),
    )
    with op.batch_alter_table('contract_members') as batch:
        batch.create_index(batch.f('ix_contract_members_contract_id'), ['contract_id'])
        batch.create_index(batch.f('ix_contract_members_user_id'), ['user_id'])


def downgrade():
    op.drop_table('contract_members')
    with op.batch_alter_table('contracts') as batch:
        batch.drop_column('member_roles')
