"""weekly_set_districts: a weekly set is made for one district (jobs.district_code); the sets
made while one district was held are that district's (issue #19 point 1)

Revision ID: 0027_weekly_set_districts
Revises: 0026_official_districts
Create Date: 2026-11-26 13:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0027_weekly_set_districts'
down_revision = '0026_official_districts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('district_code', sa.String(length=12), nullable=True))
        batch.create_index(batch.f('ix_jobs_district_code'), ['district_code'], unique=False)
        batch.create_foreign_key(batch.f('fk_jobs_district_code_districts'), 'districts',
                                 ['district_code'], ['code'])
    # Until now the weekly set could only be made with one district held: its sets and their
    # e-mail jobs were that district's.
    op.execute("UPDATE jobs SET district_code = (SELECT min(code) FROM districts) "
               "WHERE kind IN ('weekly_set', 'delivery_email') "
               "AND (SELECT count(*) FROM districts) = 1")


def downgrade():
    with op.batch_alter_table('jobs') as batch:
        batch.drop_constraint(batch.f('fk_jobs_district_code_districts'), type_='foreignkey')
        batch.drop_index(batch.f('ix_jobs_district_code'))
        batch.drop_column('district_code')
