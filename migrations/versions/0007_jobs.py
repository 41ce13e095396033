"""jobs: work done by the queue's consumers (weekly sets, backups), replacing the ledger of
weekly report runs; indexes that find visits and problems changed since a week's set was made

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 20:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    jobs = op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('subject', sa.String(length=32), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('trigger', sa.String(length=16), nullable=False),
        sa.Column('dedupe_key', sa.String(length=64), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('progress_done', sa.Integer(), nullable=False),
        sa.Column('progress_total', sa.Integer(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('snapshot_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_jobs_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_jobs_dedupe_key')),
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_kind_subject', ['kind', 'subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_status'), ['status'], unique=False)

    # Full sets in the old ledger become finished jobs, so the weekly_reports target keeps
    # counting them; single downloads were not productions of a set and are dropped.
    runs = sa.table('weekly_report_runs', sa.column('week', sa.String), sa.column('week_end', sa.Date),
                    sa.column('files', sa.Integer), sa.column('seconds', sa.Float),
                    sa.column('actor_id', sa.Integer), sa.column('generated_at', sa.DateTime),
                    sa.column('scope', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(runs).where(runs.c.scope == 'all')).mappings().all()
    if rows:
        op.bulk_insert(jobs, [{
            'kind': 'weekly_set', 'subject': row['week'], 'period_end': row['week_end'],
            'trigger': 'request', 'status': 'done', 'progress_done': row['files'],
            'progress_total': row['files'], 'attempts': 1, 'result': {'files': row['files']},
            'requested_by_id': row['actor_id'], 'requested_at': row['generated_at'],
            'started_at': row['generated_at'], 'snapshot_at': row['generated_at'],
            'finished_at': row['generated_at'], 'heartbeat_at': row['generated_at'],
        } for row in rows])
    with op.batch_alter_table('weekly_report_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weekly_report_runs_week'))
    op.drop_table('weekly_report_runs')

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problems_updated_at'), ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problems_updated_at'))
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_updated_at'))
    op.create_table(
        'weekly_report_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('week', sa.String(length=8), nullable=False),
        sa.Column('week_end', sa.Date(), nullable=False),
        sa.Column('scope', sa.String(length=16), nullable=False),
        sa.Column('files', sa.Integer(), nullable=False),
        sa.Column('seconds', sa.Double(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_weekly_report_runs_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_report_runs')),
    )
    with op.batch_alter_table('weekly_report_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weekly_report_runs_week'), ['week'], unique=False)
    op.drop_table('jobs')
