"""delivery: community accounts (a community and an e-mail address on users), the weekly
workbooks delivered to each community with their first opening, and the e-mails sent of them

Revision ID: 0009_delivery
Revises: 0008_account_console
Create Date: 2026-11-26 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_delivery'
down_revision = '0008_account_console'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('community_code', sa.String(length=12), nullable=True))
        batch.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch.create_foreign_key(op.f('fk_users_community_code_communities'), 'communities',
                                 ['community_code'], ['code'])
        batch.create_index(op.f('ix_users_community_code'), ['community_code'], unique=False)
        batch.create_check_constraint(
            'community_bound', "(role = 'community') = (community_code IS NOT NULL)")
    op.create_table(
        'deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('week', sa.String(length=8), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('community_code', sa.String(length=12), nullable=False),
        sa.Column('made_available_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('first_opened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('first_opened_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_deliveries_job_id_jobs')),
        sa.ForeignKeyConstraint(['community_code'], ['communities.code'],
                                name=op.f('fk_deliveries_community_code_communities')),
        sa.ForeignKeyConstraint(['first_opened_by_id'], ['users.id'],
                                name=op.f('fk_deliveries_first_opened_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
        sa.UniqueConstraint('week', 'community_code', name='uq_deliveries_week_community'),
    )
    with op.batch_alter_table('deliveries') as batch:
        batch.create_index(op.f('ix_deliveries_job_id'), ['job_id'], unique=False)
        batch.create_index('ix_deliveries_community_week', ['community_code', 'week'],
                           unique=False)
    op.create_table(
        'email_sends',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('succeeded', sa.Boolean(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'],
                                name=op.f('fk_email_sends_delivery_id_deliveries')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_email_sends_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_sends')),
    )
    with op.batch_alter_table('email_sends') as batch:
        batch.create_index(op.f('ix_email_sends_delivery_id'), ['delivery_id'], unique=False)


def downgrade():
    op.drop_table('email_sends')
    op.drop_table('deliveries')
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_community_bound'), type_='check')
        batch.drop_index(op.f('ix_users_community_code'))
        batch.drop_constraint(op.f('fk_users_community_code_communities'), type_='foreignkey')
        batch.drop_column('email')
        batch.drop_column('community_code')
