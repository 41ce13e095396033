"""content_reports: the monthly and quarterly operations reports of a content contract, with
the team's written sections and the job of their files

Revision ID: 0021_content_reports
Revises: 0020_messages
Create Date: 2026-11-26 06:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0021_content_reports'
down_revision = '0020_messages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'content_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('lessons', sa.Text(), nullable=False),
        sa.Column('plan', sa.Text(), nullable=False),
        sa.Column('sections_by_id', sa.Integer(), nullable=True),
        sa.Column('sections_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_content_reports_contract_id_contracts')),
        sa.ForeignKeyConstraint(['sections_by_id'], ['users.id'],
                                name=op.f('fk_content_reports_sections_by_id_users')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_content_reports_created_by_id_users')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'],
                                name=op.f('fk_content_reports_issued_by_id_users')),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'],
                                name=op.f('fk_content_reports_job_id_jobs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_reports')),
        sa.UniqueConstraint('contract_id', 'kind', 'period',
                            name=op.f('uq_content_reports_contract_id')),
    )
    with op.batch_alter_table('content_reports') as batch:
        batch.create_index(batch.f('ix_content_reports_contract_id'), ['contract_id'])


def downgrade():
    op.drop_table('content_reports')
