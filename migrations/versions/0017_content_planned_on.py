"""content planned on: the day a piece is planned to go out, for the content calendar

Revision ID: 0017_content_planned_on
Revises: 0016_content_theme
Create Date: 2026-11-26 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017_content_planned_on'
down_revision = '0016_content_theme'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('content') as batch:
        batch.add_column(sa.Column('planned_on', sa.Date(), nullable=True))
        batch.create_index(batch.f('ix_content_planned_on'), ['planned_on'], unique=False)


def downgrade():
    with op.batch_alter_table('content') as batch:
        batch.drop_index(batch.f('ix_content_planned_on'))
        batch.drop_column('planned_on')
