"""user counts by day: the index on date also covers the community and its figures, so the
counts of one day are read from the index alone

Revision ID: 0018_user_counts_by_day
Revises: 0017_content_planned_on
Create Date: 2026-11-26 06:00:00

"""
from alembic import op


revision = '0018_user_counts_by_day'
down_revision = '0017_content_planned_on'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_user_counts_date_counts', 'user_counts',
                    ['date', 'community_code', 'registered', 'verified'])
    op.drop_index('ix_user_counts_date', table_name='user_counts')


def downgrade():
    op.create_index('ix_user_counts_date', 'user_counts', ['date'])
    op.drop_index('ix_user_counts_date_counts', table_name='user_counts')
