"""content theme: a piece of content may name the monthly theme (每月一题) it serves, a theme of
the same contract; a theme whose month ends with nothing of it published is missed

Revision ID: 0016_content_theme
Revises: 0015_street_count_changes
Create Date: 2026-11-26 03:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016_content_theme'
down_revision = '0015_street_count_changes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('content') as batch:
        batch.add_column(sa.Column('theme_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_content_theme_id'), ['theme_id'], unique=False)
        batch.create_foreign_key(batch.f('fk_content_theme_id_themes'), 'themes',
                                 ['theme_id'], ['id'])


def downgrade():
    with op.batch_alter_table('content') as batch:
        batch.drop_constraint(batch.f('fk_content_theme_id_themes'), type_='foreignkey')
        batch.drop_index(batch.f('ix_content_theme_id'))
        batch.drop_column('theme_id')
