"""key_content_reports: a content report may be a key-content propagation report (kind
`key_content`) about one piece of content of the contract, named by `content_id`

Revision ID: 0024_key_content_reports
Revises: 0023_follower_sources
Create Date: 2026-11-26 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0024_key_content_reports'
down_revision = '0023_follower_sources'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('content_reports') as batch:
        batch.add_column(sa.Column('content_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_content_reports_content_id_content'), 'content',
                                 ['content_id'], ['id'])
        batch.create_index(batch.f('ix_content_reports_content_id'), ['content_id'])


def downgrade():
    op.execute("DELETE FROM content_reports WHERE kind = 'key_content'")
    with op.batch_alter_table('content_reports') as batch:
        batch.drop_index(batch.f('ix_content_reports_content_id'))
        batch.drop_constraint(batch.f('fk_content_reports_content_id_content'),
                              type_='foreignkey')
        batch.drop_column('content_id')
