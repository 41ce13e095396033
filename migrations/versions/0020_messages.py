"""messages: messages and inquiries of a content contract, their steps, standard replies and
FAQ lists; a contract's message rules

Revision ID: 0020_messages
Revises: 0019_metrics
Create Date: 2026-11-26 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0020_messages'
down_revision = '0019_metrics'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contracts') as batch:
        batch.add_column(sa.Column('message_rules', sa.JSON(), nullable=False,
                                    server_default='{}'))
    op.create_table(
        'reply_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('use_count', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_reply_templates_contract_id_contracts')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_reply_templates_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_templates')),
    )
    with op.batch_alter_table('reply_templates') as batch:
        batch.create_index(batch.f('ix_reply_templates_contract_id'), ['contract_id'])
        batch.create_index(batch.f('ix_reply_templates_category'), ['category'])
    op.create_table(
        'messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('handle', sa.String(length=200), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('content_id', sa.Integer(), nullable=True),
        sa.Column('external_id', sa.String(length=100), nullable=True),
        sa.Column('category', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('window_closes_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('window_first', sa.Boolean(), nullable=False),
        sa.Column('department', sa.String(length=100), nullable=True),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('approved_text', sa.Text(), nullable=True),
        sa.Column('reply', sa.Text(), nullable=True),
        sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('template_id', sa.Integer(), nullable=True),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('window_missed', sa.Boolean(), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_messages_contract_id_contracts')),
        sa.ForeignKeyConstraint(['content_id'], ['content.id'],
                                name=op.f('fk_messages_content_id_content')),
        sa.ForeignKeyConstraint(['template_id'], ['reply_templates.id'],
                                name=op.f('fk_messages_template_id_reply_templates')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_messages_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
        sa.UniqueConstraint('contract_id', 'channel', 'external_id',
                            name='uq_messages_external_id'),
    )
    with op.batch_alter_table('messages') as batch:
        for column in ('contract_id', 'channel', 'kind', 'received_at', 'content_id',
                       'status', 'due_at', 'window_first', 'late'):
            batch.create_index(batch.f(f'ix_messages_{column}'), [column])
    op.create_table(
        'message_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.String(length=16), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'],
                                name=op.f('fk_message_events_message_id_messages')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_message_events_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_events')),
    )
    with op.batch_alter_table('message_events') as batch:
        batch.create_index(batch.f('ix_message_events_message_id'), ['message_id'])
    op.create_table(
        'faqs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('content_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_faqs_contract_id_contracts')),
        sa.ForeignKeyConstraint(['content_id'], ['content.id'],
                                name=op.f('fk_faqs_content_id_content')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_faqs_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_faqs')),
    )
    with op.batch_alter_table('faqs') as batch:
        batch.create_index(batch.f('ix_faqs_contract_id'), ['contract_id'])


def downgrade():
    op.drop_table('faqs')
    op.drop_table('message_events')
    op.drop_table('messages')
    op.drop_table('reply_templates')
    with op.batch_alter_table('contracts') as batch:
        batch.drop_column('message_rules')
