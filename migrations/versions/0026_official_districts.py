"""official_districts: an official may be scoped to one district (users.district_code); an
official without one reads the whole city (issue #19 point 1)

Revision ID: 0026_official_districts
Revises: 0025_districts
Create Date: 2026-11-26 13:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0026_official_districts'
down_revision = '0025_districts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('district_code', sa.String(length=12), nullable=True))
        batch.create_index(batch.f('ix_users_district_code'), ['district_code'], unique=False)
        batch.create_foreign_key(batch.f('fk_users_district_code_districts'), 'districts',
                                 ['district_code'], ['code'])
        batch.create_check_constraint(
            'district_official', "district_code IS NULL OR role = 'official'")


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(batch.f('ck_users_district_official'), type_='check')
        batch.drop_constraint(batch.f('fk_users_district_code_districts'), type_='foreignkey')
        batch.drop_index(batch.f('ix_users_district_code'))
        batch.drop_column('district_code')
