"""account console: a phone, the last login and a must-change-password flag on users; the rows
an import of user counts skipped, with their reasons

Revision ID: 0008_account_console
Revises: 0007
Create Date: 2026-11-25 23:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_account_console'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('phone', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('user_count_imports') as batch:
        batch.add_column(sa.Column('refused_rows', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('refusals', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('user_count_imports') as batch:
        batch.drop_column('refusals')
        batch.drop_column('refused_rows')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('must_change_password')
        batch.drop_column('last_login_at')
        batch.drop_column('phone')
