"""articles: the district contract's WeChat articles and monthly topics move into the content
model (content + version + publication on its `wechat` channel; themes), and their own
tables go

Revision ID: 0022_articles
Revises: 0021_content_reports
Create Date: 2026-11-26 06:00:00

Upgrade: the contract the articles were recorded under (the one in force when it is a
district contract, else the latest district contract: one without member roles) gets its
`wechat` channel if it has none; each live topic becomes a delivered theme of it, each live
article a piece of content (kind `article`) with one version (its title, no body) and one
publication on that channel, published at noon of its day in Beijing. The history follows:
the audit entries of a moved topic or article are re-pointed at its theme or content, those
of records deleted before (gone from the API already) are kept under `topics.<id>` and
`articles.<id>`, so that no new id ever shows them. Downgrade moves the rows back.

Self-contained: the tables are described here as they are at this revision.
"""
import hashlib
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0022_articles'
down_revision = '0021_content_reports'
branch_labels = None
depends_on = None

CHANNEL = 'wechat'
# Noon in Beijing (UTC+8, no daylight saving) stands for an article's unknown hour.
NOON_UTC = time(4)
BEIJING = timedelta(hours=8)

meta = sa.MetaData()
contracts = sa.Table('contracts', meta, sa.Column('id', sa.Integer),
                     sa.Column('active', sa.Boolean), sa.Column('member_roles', sa.JSON))
channels = sa.Table('contract_channels', meta, sa.Column('id', sa.Integer),
                    sa.Column('contract_id', sa.Integer), sa.Column('key', sa.String(32)),
                    sa.Column('platform', sa.String(64)), sa.Column('account', sa.String(200)),
                    sa.Column('posting_windows', sa.JSON), sa.Column('source', sa.Text),
                    sa.Column('position', sa.Integer), sa.Column('origin', sa.String(8)))
users = sa.Table('users', meta, sa.Column('id', sa.Integer), sa.Column('role', sa.String(16)))
themes = sa.Table('themes', meta, sa.Column('id', sa.Integer), sa.Column('contract_id', sa.Integer),
                  sa.Column('month', sa.String(7)), sa.Column('title', sa.String(200)),
                  sa.Column('description', sa.Text), sa.Column('format', sa.Text),
                  sa.Column('departments', sa.JSON), sa.Column('status', sa.String(16)),
                  sa.Column('created_by_id', sa.Integer),
                  sa.Column('created_at', sa.DateTime(timezone=True)),
                  sa.Column('updated_at', sa.DateTime(timezone=True)))
content = sa.Table('content', meta, sa.Column('id', sa.Integer),
                   sa.Column('contract_id', sa.Integer),
                   sa.Column('title', sa.String(200)), sa.Column('kind', sa.String(16)),
                   sa.Column('original', sa.Boolean), sa.Column('column', sa.String(64)),
                   sa.Column('channels', sa.JSON), sa.Column('theme_id', sa.Integer),
                   sa.Column('planned_on', sa.Date), sa.Column('author_id', sa.Integer),
                   sa.Column('status', sa.String(16)), sa.Column('next_level', sa.String(32)),
                   sa.Column('next_role', sa.String(32)),
                   sa.Column('created_at', sa.DateTime(timezone=True)),
                   sa.Column('updated_at', sa.DateTime(timezone=True)))
versions = sa.Table('content_versions', meta, sa.Column('id', sa.Integer),
                    sa.Column('content_id', sa.Integer), sa.Column('number', sa.Integer),
                    sa.Column('sha256', sa.String(64)), sa.Column('title', sa.String(200)),
                    sa.Column('body', sa.Text), sa.Column('author_id', sa.Integer),
                    sa.Column('created_at', sa.DateTime(timezone=True)),
                    sa.Column('findings', sa.JSON))
reviews = sa.Table('content_reviews', meta, sa.Column('id', sa.Integer),
                   sa.Column('version_id', sa.Integer))
publications = sa.Table('publications', meta, sa.Column('id', sa.Integer),
                        sa.Column('contract_id', sa.Integer), sa.Column('content_id', sa.Integer),
                        sa.Column('version_id', sa.Integer), sa.Column('channel', sa.String(32)),
                        sa.Column('published_at', sa.DateTime(timezone=True)),
                        sa.Column('published_on', sa.Date), sa.Column('url', sa.String(2000)),
                        sa.Column('recorded_by_id', sa.Integer),
                        sa.Column('created_at', sa.DateTime(timezone=True)))
audit = sa.Table('audit_entries', meta, sa.Column('id', sa.Integer),
                 sa.Column('entity_type', sa.String(32)), sa.Column('entity_id', sa.String(32)))


def _old_tables(into):
    topics = sa.Table('topics', into, sa.Column('id', sa.Integer, primary_key=True),
                      sa.Column('month', sa.String(7)), sa.Column('title', sa.String(200)),
                      sa.Column('created_by_id', sa.Integer),
                      sa.Column('created_at', sa.DateTime(timezone=True)),
                      sa.Column('updated_at', sa.DateTime(timezone=True)),
                      sa.Column('deleted_at', sa.DateTime(timezone=True)))
    articles = sa.Table('articles', into, sa.Column('id', sa.Integer, primary_key=True),
                        sa.Column('title', sa.String(200)), sa.Column('published_on', sa.Date),
                        sa.Column('url', sa.String(500)), sa.Column('topic_id', sa.Integer),
                        sa.Column('created_by_id', sa.Integer),
                        sa.Column('created_at', sa.DateTime(timezone=True)),
                        sa.Column('updated_at', sa.DateTime(timezone=True)),
                        sa.Column('deleted_at', sa.DateTime(timezone=True)))
    return topics, articles


def version_sha256(title: str, body: str) -> str:
    """As service/content/review.py serialises a version (no attachment)."""
    digest = hashlib.sha256(b"content-version/1\n")
    for part in (title.encode("utf-8"), body.encode("utf-8")):
        digest.update(f"{len(part)}:".encode() + part)
    digest.update(b"-")
    return digest.hexdigest()


def _noon(conn, day: date) -> datetime:
    moment = datetime.combine(day, NOON_UTC)
    # SQLite keeps UTC as naive text, as the models' UTCDateTime writes it.
    return moment if conn.dialect.name == 'sqlite' else moment.replace(tzinfo=UTC)


def _now(conn) -> datetime:
    moment = datetime.now(UTC)
    return moment.replace(tzinfo=None) if conn.dialect.name == 'sqlite' else moment


def _district_contract(conn):
    """The contract in force when it has no member roles, else the latest that has none."""
    rows = conn.execute(sa.select(contracts.c.id, contracts.c.active, contracts.c.member_roles)
                        .order_by(contracts.c.id.desc())).all()
    active = [r for r in rows if r.active]
    if active and not active[0].member_roles:
        return active[0].id
    return next((r.id for r in rows if not r.member_roles), None)


def _district_contracts(conn) -> list[int]:
    return [r.id for r in conn.execute(sa.select(contracts.c.id, contracts.c.member_roles))
            if not r.member_roles]


def _ensure_channel(conn, contract_id: int) -> None:
    held = conn.execute(sa.select(channels.c.key).where(
        channels.c.contract_id == contract_id)).scalars().all()
    if CHANNEL in held:
        return
    conn.execute(channels.insert().values(
        contract_id=contract_id, key=CHANNEL, platform='微信公众号', account='西城家园',
        posting_windows=[], source='通过微信公众号发布推广文章', position=len(held),
        origin='file'))


def _someone(conn) -> int | None:
    """Who a record made by nobody known is attributed to: the first admin."""
    return conn.execute(sa.select(users.c.id).order_by((users.c.role != 'admin'), users.c.id)
                        .limit(1)).scalar()


def _repoint_history(conn, entity: str, table: str, moved: dict) -> None:
    """Audit entries of moved records follow them to their new ids (by the entry's own id, so
    that an old id equal to another's new one is never mixed up); those of records not moved
    are kept under `<table>.<old id>`."""
    entries = conn.execute(sa.select(audit.c.id, audit.c.entity_id)
                           .where(audit.c.entity_type == entity)).all()
    for entry in entries:
        old = int(entry.entity_id) if entry.entity_id.isdigit() else None
        new = str(moved[old]) if old in moved else f"{table}.{entry.entity_id}"
        conn.execute(audit.update().where(audit.c.id == entry.id).values(entity_id=new))


def _insert(conn, table, **values) -> int:
    return conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()


def upgrade():
    conn = op.get_bind()
    topics, articles = _old_tables(sa.MetaData())
    live_topics = conn.execute(sa.select(topics).where(topics.c.deleted_at.is_(None))
                               .order_by(topics.c.id)).all()
    live_articles = conn.execute(sa.select(articles).where(articles.c.deleted_at.is_(None))
                                 .order_by(articles.c.id)).all()
    topic_ids, article_ids = {}, {}
    contract_id = _district_contract(conn)
    if live_topics or live_articles:
        if contract_id is None:
            raise RuntimeError('articles or topics are recorded, but no district contract '
                               'could hold them')
        _ensure_channel(conn, contract_id)
        fallback = _someone(conn)
    for topic in live_topics:
        held = conn.execute(sa.select(themes.c.id).where(
            themes.c.contract_id == contract_id, themes.c.month == topic.month)).scalar()
        topic_ids[topic.id] = held or _insert(
            conn, themes, contract_id=contract_id, month=topic.month, title=topic.title,
            description='', format='', departments=[], status='delivered',
            created_by_id=topic.created_by_id, created_at=topic.created_at,
            updated_at=topic.updated_at)
    for article in live_articles:
        author = article.created_by_id or fallback
        content_id = _insert(
            conn, content, contract_id=contract_id, title=article.title, kind='article',
            original=False, column='', channels=[CHANNEL],
            theme_id=topic_ids.get(article.topic_id), planned_on=None, author_id=author,
            status='published', next_level=None, next_role=None,
            created_at=article.created_at, updated_at=article.updated_at)
        version_id = _insert(
            conn, versions, content_id=content_id, number=1,
            sha256=version_sha256(article.title, ''), title=article.title, body='',
            author_id=author, created_at=article.created_at, findings=[])
        conn.execute(publications.insert().values(
            contract_id=contract_id, content_id=content_id, version_id=version_id,
            channel=CHANNEL, published_at=_noon(conn, article.published_on),
            published_on=article.published_on, url=article.url, recorded_by_id=author,
            created_at=article.created_at))
        article_ids[article.id] = content_id
    _repoint_history(conn, 'topic', 'topics', topic_ids)
    _repoint_history(conn, 'article', 'articles', article_ids)
    op.drop_table('articles')  # with its indexes
    op.drop_table('topics')


def _create_old_tables():
    op.create_table(
        'topics',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_topics_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')))
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.create_index('uq_topics_month_live', ['month'], unique=True,
                              sqlite_where=sa.text('deleted_at IS NULL'),
                              postgresql_where=sa.text('deleted_at IS NULL'))
    op.create_table(
        'articles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_articles_created_by_id_users')),
        sa.ForeignKeyConstraint(['topic_id'], ['topics.id'],
                                name=op.f('fk_articles_topic_id_topics')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')))
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_published_on'), ['published_on'],
                              unique=False)


def downgrade():
    """The district contracts' themes become topics again and their content published on
    the `wechat` channel articles (the latest publication's day and link, the content's
    title); those rows leave the content model and the history follows them back. The
    channel stays (the contract file names it)."""
    _create_old_tables()
    conn = op.get_bind()
    topics, articles = _old_tables(sa.MetaData())
    district = _district_contracts(conn)
    if not district:
        return
    topic_ids, article_ids = {}, {}
    now = _now(conn)
    for theme in conn.execute(sa.select(themes).where(themes.c.contract_id.in_(district))
                              .order_by(themes.c.id)).all():
        # Two district contracts may each hold a month: the later one is a deleted topic.
        taken = conn.execute(sa.select(topics.c.id).where(
            topics.c.month == theme.month, topics.c.deleted_at.is_(None))).scalar()
        topic_ids[theme.id] = _insert(
            conn, topics, month=theme.month, title=theme.title,
            created_by_id=theme.created_by_id, created_at=theme.created_at,
            updated_at=theme.updated_at, deleted_at=now if taken else None)
    published = conn.execute(
        sa.select(publications, content.c.title, content.c.theme_id, content.c.author_id,
                  content.c.created_at.label('made_at'), content.c.updated_at)
        .join(content, content.c.id == publications.c.content_id)
        .where(content.c.contract_id.in_(district), publications.c.channel == CHANNEL)
        .order_by(publications.c.content_id, publications.c.id)).all()
    latest = {row.content_id: row for row in published}
    for content_id, row in latest.items():
        article_ids[content_id] = _insert(
            conn, articles, title=row.title, published_on=row.published_on, url=row.url[:500],
            topic_id=topic_ids.get(row.theme_id), created_by_id=row.author_id,
            created_at=row.made_at, updated_at=row.updated_at)
    moved = list(latest)
    if moved:
        moved_versions = sa.select(versions.c.id).where(versions.c.content_id.in_(moved))
        conn.execute(publications.delete().where(publications.c.content_id.in_(moved)))
        conn.execute(reviews.delete().where(reviews.c.version_id.in_(moved_versions)))
        conn.execute(versions.delete().where(versions.c.content_id.in_(moved)))
        conn.execute(content.delete().where(content.c.id.in_(moved)))
    conn.execute(content.update().where(content.c.theme_id.in_(list(topic_ids)))
                 .values(theme_id=None))
    conn.execute(themes.delete().where(themes.c.contract_id.in_(district)))
    _restore_history(conn, 'topic', 'topics', topic_ids)
    _restore_history(conn, 'article', 'articles', article_ids)


def _restore_history(conn, entity: str, table: str, moved: dict) -> None:
    """Entries of moved records follow them back; those kept as `<table>.<id>` stay so (their
    old ids may now be other rows'), and so do those of records deleted since the upgrade."""
    entries = conn.execute(sa.select(audit.c.id, audit.c.entity_id)
                           .where(audit.c.entity_type == entity)).all()
    for entry in entries:
        if not entry.entity_id.isdigit():
            continue
        old = int(entry.entity_id)
        new = str(moved[old]) if old in moved else f"removed.{old}"
        conn.execute(audit.update().where(audit.c.id == entry.id).values(entity_id=new))
