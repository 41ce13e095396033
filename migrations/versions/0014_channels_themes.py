"""channels and themes: where a contract's channel came from (its file or the API: a reload of
the file keeps the channels added by hand), and a contract's monthly themes (每月一题)

Revision ID: 0014_channels_themes
Revises: 0013_content_review
Create Date: 2026-11-26 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_channels_themes'
# 0013 is made beside this one; whoever merges the two points this at it.
down_revision = '0013_content_review'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contract_channels') as batch:
        batch.add_column(sa.Column('origin', sa.String(length=8), nullable=False,
                                   server_default='file'))
    op.create_table(
        'themes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('format', sa.Text(), nullable=False),
        sa.Column('departments', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_themes_contract_id_contracts')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_themes_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_themes')),
        sa.UniqueConstraint('contract_id', 'month', name=op.f('uq_themes_contract_id')),
    )
    with op.batch_alter_table('themes') as batch:
        batch.create_index(batch.f('ix_themes_contract_id'), ['contract_id'])


def downgrade():
    op.drop_table('themes')
    with op.batch_alter_table('contract_channels') as batch:
        batch.drop_column('origin')
