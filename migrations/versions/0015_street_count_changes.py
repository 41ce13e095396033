"""street count changes: per street and date, how much the sum of latest counts moves, kept by
the import in its transaction (the street and district series read these instead of every
community's every count); filled from the counts already held

Revision ID: 0015_street_count_changes
Revises: 0014_channels_themes
Create Date: 2026-11-26 03:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_street_count_changes'
down_revision = '0014_channels_themes'
branch_labels = None
depends_on = None

BACKFILL = """
INSERT INTO street_count_changes (street_code, date, registered, verified)
SELECT c.street_code, ch.date, SUM(ch.registered), SUM(ch.verified)
FROM (SELECT community_code, date,
             registered - LAG(registered, 1, 0)
                 OVER (PARTITION BY community_code ORDER BY date) AS registered,
             verified - LAG(verified, 1, 0)
                 OVER (PARTITION BY community_code ORDER BY date) AS verified
      FROM user_counts) AS ch
JOIN communities AS c ON c.code = ch.community_code
GROUP BY c.street_code, ch.date
"""


def upgrade():
    op.create_table(
        'street_count_changes',
        sa.Column('street_code', sa.String(length=12), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('registered', sa.Integer(), nullable=False),
        sa.Column('verified', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['street_code'], ['streets.code'],
                                name=op.f('fk_street_count_changes_street_code_streets')),
        sa.PrimaryKeyConstraint('street_code', 'date', name=op.f('pk_street_count_changes')),
    )
    with op.batch_alter_table('street_count_changes') as batch:
        batch.create_index(batch.f('ix_street_count_changes_date'), ['date'], unique=False)
    op.execute(BACKFILL)


def downgrade():
    op.drop_table('street_count_changes')
