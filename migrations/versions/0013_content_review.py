"""content review: content of a contract with member roles, its versions (by SHA-256) with
the automatic check's findings, the signatures of the contract's review chain (kept, voided by
a new version) and publications; the review chain of each contract

Revision ID: 0013_content_review
Revises: 0012_contract_members
Create Date: 2026-11-26 02:36:30

"""
from alembic import op
import sqlalchemy as sa


revision = '0013_content_review'
down_revision = '0012_contract_members'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('original', sa.Boolean(), nullable=False),
    sa.Column('column', sa.String(length=64), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('next_level', sa.String(length=32), nullable=True),
    sa.Column('next_role', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_content_author_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_content_contract_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content'))
    )
    with op.batch_alter_table('content', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_status'), ['status'], unique=False)

    op.create_table('content_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachment', sa.LargeBinary(), nullable=True),
    sa.Column('attachment_name', sa.String(length=200), nullable=True),
    sa.Column('attachment_type', sa.String(length=100), nullable=True),
    sa.Column('attachment_size', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checker', sa.String(length=32), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_content_versions_author_id_users')),
    sa.ForeignKeyConstraint(['content_id'], ['content.id'], name=op.f('fk_content_versions_content_id_content')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_versions')),
    sa.UniqueConstraint('content_id', 'number', name='uq_content_versions_number'),
    sa.UniqueConstraint('content_id', 'sha256', name='uq_content_versions_sha256')
    )
    with op.batch_alter_table('content_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_versions_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_versions_content_id'), ['content_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_versions_sha256'), ['sha256'], unique=False)

    op.create_table('content_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=32), nullable=False),
    sa.Column('level_name', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('decision', sa.String(length=8), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voided_by_version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['signer_id'], ['users.id'], name=op.f('fk_content_reviews_signer_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['content_versions.id'], name=op.f('fk_content_reviews_version_id_content_versions')),
    sa.ForeignKeyConstraint(['voided_by_version_id'], ['content_versions.id'], name=op.f('fk_content_reviews_voided_by_version_id_content_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_reviews')),
    sa.UniqueConstraint('version_id', 'level', name='uq_content_reviews_level'),
    sa.UniqueConstraint('version_id', 'signer_id', name='uq_content_reviews_signer')
    )
    with op.batch_alter_table('content_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_reviews_signer_id'), ['signer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_reviews_version_id'), ['version_id'], unique=False)

    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('content_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('screenshot', sa.LargeBinary(), nullable=True),
    sa.Column('screenshot_type', sa.String(length=32), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['content_id'], ['content.id'], name=op.f('fk_publications_content_id_content')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_publications_contract_id_contracts')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_publications_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['content_versions.id'], name=op.f('fk_publications_version_id_content_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('version_id', 'channel', name=op.f('uq_publications_version_id'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_content_id'), ['content_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_published_on'), ['published_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_chain', sa.JSON(), nullable=False,
                                    server_default='[]'))



def downgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_column('review_chain')

    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publications_version_id'))
        batch_op.drop_index(batch_op.f('ix_publications_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_publications_published_on'))
        batch_op.drop_index(batch_op.f('ix_publications_contract_id'))
        batch_op.drop_index(batch_op.f('ix_publications_content_id'))

    op.drop_table('publications')
    with op.batch_alter_table('content_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_reviews_version_id'))
        batch_op.drop_index(batch_op.f('ix_content_reviews_signer_id'))

    op.drop_table('content_reviews')
    with op.batch_alter_table('content_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_versions_sha256'))
        batch_op.drop_index(batch_op.f('ix_content_versions_content_id'))
        batch_op.drop_index(batch_op.f('ix_content_versions_author_id'))

    op.drop_table('content_versions')
    with op.batch_alter_table('content', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_status'))
        batch_op.drop_index(batch_op.f('ix_content_contract_id'))
        batch_op.drop_index(batch_op.f('ix_content_author_id'))

    op.drop_table('content')
