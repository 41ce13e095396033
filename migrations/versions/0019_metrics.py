"""metrics: channels' daily snapshots and publications' snapshots against the contract's
baseline (issue #18 point 2), and the record of every entry or import that wrote them

Revision ID: 0019_metrics
Revises: 0018_user_counts_by_day
Create Date: 2026-11-26 06:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0019_metrics'
# Made beside other 0018s; whoever merges them re-chains this one.
down_revision = '0018_user_counts_by_day'
branch_labels = None
depends_on = None

CHANNEL_FIGURES = ("followers", "new_followers", "unfollows", "reads", "shares", "interactions")
PUBLICATION_FIGURES = ("reads", "shares", "likes")


def _figures(names):
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def _not_negative(table, names):
    return sa.CheckConstraint(" AND ".join(f"{name} >= 0" for name in names),
                              name=op.f(f'ck_{table}_not_negative'))


def upgrade():
    op.create_table(
        'metric_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=True),
        sa.Column('checksum', sa.String(length=64), nullable=True),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('replaced', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_metric_imports_contract_id_contracts')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_metric_imports_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_imports')),
    )
    with op.batch_alter_table('metric_imports') as batch:
        batch.create_index(batch.f('ix_metric_imports_contract_id'), ['contract_id'])
    op.create_table(
        'channel_metrics',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        *_figures(CHANNEL_FIGURES),
        sa.Column('import_id', sa.Integer(), nullable=False),
        _not_negative('channel_metrics', CHANNEL_FIGURES),
        sa.ForeignKeyConstraint(['channel_id'], ['contract_channels.id'],
                                name=op.f('fk_channel_metrics_channel_id_contract_channels')),
        sa.ForeignKeyConstraint(['import_id'], ['metric_imports.id'],
                                name=op.f('fk_channel_metrics_import_id_metric_imports')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_metrics')),
        sa.UniqueConstraint('channel_id', 'day', name=op.f('uq_channel_metrics_channel_id')),
    )
    with op.batch_alter_table('channel_metrics') as batch:
        batch.create_index(batch.f('ix_channel_metrics_day'), ['day'])
        batch.create_index(batch.f('ix_channel_metrics_import_id'), ['import_id'])
    op.create_table(
        'publication_metrics',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        *_figures(PUBLICATION_FIGURES),
        sa.Column('import_id', sa.Integer(), nullable=False),
        _not_negative('publication_metrics', PUBLICATION_FIGURES),
        sa.ForeignKeyConstraint(['publication_id'], ['publications.id'],
                                name=op.f('fk_publication_metrics_publication_id_publications')),
        sa.ForeignKeyConstraint(['import_id'], ['metric_imports.id'],
                                name=op.f('fk_publication_metrics_import_id_metric_imports')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_metrics')),
        sa.UniqueConstraint('publication_id', 'day',
                            name=op.f('uq_publication_metrics_publication_id')),
    )
    with op.batch_alter_table('publication_metrics') as batch:
        batch.create_index(batch.f('ix_publication_metrics_day'), ['day'])
        batch.create_index(batch.f('ix_publication_metrics_import_id'), ['import_id'])


def downgrade():
    op.drop_table('publication_metrics')
    op.drop_table('channel_metrics')
    op.drop_table('metric_imports')
