"""districts: the districts held (12-digit statistical code, name), and each street's
district; streets already held get the district their code lies in (its first 6 digits, then
zeros), named by its code until seed-district loads the real name (issue #19 point 1)

Revision ID: 0025_districts
Revises: 0024_key_content_reports
Create Date: 2026-11-26 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0025_districts'
down_revision = '0024_key_content_reports'
branch_labels = None
depends_on = None

meta = sa.MetaData()
streets = sa.Table('streets', meta, sa.Column('code', sa.String(12)),
                   sa.Column('district_code', sa.String(12)))
districts = sa.Table('districts', meta, sa.Column('code', sa.String(12)),
                     sa.Column('name', sa.String(100)))


def _backfill() -> None:
    conn = op.get_bind()
    codes = sorted({code[:6] + '000000' for code in conn.scalars(sa.select(streets.c.code))})
    if codes:
        conn.execute(districts.insert(), [{'code': code, 'name': code} for code in codes])
    for code in codes:
        conn.execute(streets.update().where(streets.c.code.startswith(code[:6]))
                     .values(district_code=code))


def upgrade():
    op.create_table('districts',
                    sa.Column('code', sa.String(length=12), nullable=False),
                    sa.Column('name', sa.String(length=100), nullable=False),
                    sa.PrimaryKeyConstraint('code', name=op.f('pk_districts')))
    with op.batch_alter_table('streets') as batch:
        batch.add_column(sa.Column('district_code', sa.String(length=12), nullable=True))
    _backfill()
    with op.batch_alter_table('streets') as batch:
        batch.alter_column('district_code', existing_type=sa.String(length=12), nullable=False)
        batch.create_index(batch.f('ix_streets_district_code'), ['district_code'], unique=False)
        batch.create_foreign_key(batch.f('fk_streets_district_code_districts'), 'districts',
                                 ['district_code'], ['code'])


def downgrade():
    with op.batch_alter_table('streets') as batch:
        batch.drop_constraint(batch.f('fk_streets_district_code_districts'),
                              type_='foreignkey')
        batch.drop_index(batch.f('ix_streets_district_code'))
        batch.drop_column('district_code')
    op.drop_table('districts')
