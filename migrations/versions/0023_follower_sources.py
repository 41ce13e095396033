"""follower sources: of a channel's new followers on a day, how many came from each source
(搜一搜, 扫描二维码, 图文页, 名片分享, 视频号, 其他) where the platform's export gives them
(issue #18 point 3: "new followers, their sources where the export has them")

Revision ID: 0023_follower_sources
Revises: 0022_articles
Create Date: 2026-11-26 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0023_follower_sources'
down_revision = '0022_articles'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('channel_metrics') as batch:
        batch.add_column(sa.Column('follower_sources', sa.JSON(none_as_null=True),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table('channel_metrics') as batch:
        batch.drop_column('follower_sources')
