"""Migration 0022 moves the 2022 contract's articles and topics into the content model (content,
a version and a publication on its `wechat` channel; themes), their history following them,
and moves them back on downgrade."""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy import select, text

from api import create_app
from api.config import for_tests
from models import AuditEntry, Content, ContentVersion, Contract, Publication, Theme, db
from service.district import accounts
from service.district.contracts import ensure_shipped_contracts
from service.progress import articles

BEFORE = "0021_content_reports"
MADE = datetime(2022, 5, 20, 2, 0, tzinfo=UTC)

meta = sa.MetaData()
topics = sa.Table("topics", meta, sa.Column("id", sa.Integer), sa.Column("month", sa.String),
                  sa.Column("title", sa.String), sa.Column("created_by_id", sa.Integer),
                  sa.Column("created_at", sa.DateTime(timezone=True)),
                  sa.Column("updated_at", sa.DateTime(timezone=True)),
                  sa.Column("deleted_at", sa.DateTime(timezone=True)))
old_articles = sa.Table(
    "articles", meta, sa.Column("id", sa.Integer), sa.Column("title", sa.String),
    sa.Column("published_on", sa.Date), sa.Column("url", sa.String),
    sa.Column("topic_id", sa.Integer), sa.Column("created_by_id", sa.Integer),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
    sa.Column("deleted_at", sa.DateTime(timezone=True)))


old_users = sa.Table(
    "users", meta, sa.Column("id", sa.Integer), sa.Column("username", sa.String),
    sa.Column("display_name", sa.String), sa.Column("role", sa.String),
    sa.Column("password_hash", sa.String), sa.Column("active", sa.Boolean),
    sa.Column("token_version", sa.Integer), sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("must_change_password", sa.Boolean))


def _history(entity: str, entity_id: int, action: str, admin_id: int, changes: dict):
    return AuditEntry(entity_type=entity, entity_id=str(entity_id), action=action,
                      actor_id=admin_id, at=MADE, changes=changes)


def _seed_old_records() -> int:
    """At 0017: two topics (one deleted), three articles (the first deleted, one naming the
    deleted topic) and their history; the contract file's channel not yet in the database."""
    # Its columns as they were then (the model has gained some since).
    admin_id = db.session.execute(old_users.insert().returning(old_users.c.id), {
        "username": "boss", "display_name": "boss", "role": "admin",
        "password_hash": accounts.one_time_password(username="boss", display_name="boss"),
        "active": True, "token_version": 1, "created_at": MADE,
        "must_change_password": False}).scalar_one()
    contract = db.session.scalar(select(Contract).where(Contract.key == "xicheng-2022"))
    db.session.execute(text("DELETE FROM contract_channels WHERE contract_id = :id"),
                       {"id": contract.id})
    gone = datetime(2022, 6, 1, tzinfo=UTC)
    db.session.execute(topics.insert(), [
        {"id": 1, "month": "2022-04", "title": "旧专题", "created_by_id": admin_id,
         "created_at": MADE, "updated_at": MADE, "deleted_at": gone},
        {"id": 2, "month": "2022-05", "title": "五月专题", "created_by_id": admin_id,
         "created_at": MADE, "updated_at": MADE, "deleted_at": None}])
    db.session.execute(old_articles.insert(), [
        {"id": 1, "title": "已删除", "published_on": date(2022, 5, 1), "url": "", "topic_id": 2,
         "created_by_id": admin_id, "created_at": MADE, "updated_at": MADE, "deleted_at": gone},
        {"id": 2, "title": "西城家园上线", "published_on": date(2022, 5, 20),
         "url": "https://example.org/a/2", "topic_id": 2, "created_by_id": admin_id,
         "created_at": MADE, "updated_at": MADE, "deleted_at": None},
        {"id": 3, "title": "无专题", "published_on": date(2022, 6, 2), "url": "",
         "topic_id": 1, "created_by_id": None, "created_at": MADE, "updated_at": MADE,
         "deleted_at": None}])
    db.session.add_all([
        _history("topic", 1, "create", admin_id, {"title": "旧专题"}),
        _history("topic", 2, "create", admin_id, {"title": "五月专题"}),
        _history("article", 1, "create", admin_id, {"title": "已删除"}),
        _history("article", 2, "create", admin_id, {"title": "西城家园"}),
        _history("article", 2, "update", admin_id, {"title": ["西城家园", "西城家园上线"]}),
        _history("article", 3, "create", admin_id, {"title": "无专题"})])
    db.session.commit()
    return admin_id


def test_articles_and_topics_move_into_the_content_model_and_back(empty_database_url):
    app = create_app(for_tests(empty_database_url))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", BEFORE]).exit_code == 0
    with app.app_context():
        # What seed-district loaded then: the contracts (its streets need 0026's districts).
        ensure_shipped_contracts()
        admin_id = _seed_old_records()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with app.app_context():
        contract = db.session.scalar(select(Contract).where(Contract.key == "xicheng-2022"))
        assert [c.key for c in contract.channels] == ["wechat"]
        theme = db.session.scalar(select(Theme))
        assert (theme.contract_id, theme.month, theme.title, theme.status) == (
            contract.id, "2022-05", "五月专题", "delivered")
        listed = articles.list_articles(articles.ARTICLE).items
        assert [(a.title, a.published_on, a.url, a.topic_id, a.created_by_id) for a in listed] == [
            ("无专题", date(2022, 6, 2), "", None, admin_id),
            ("西城家园上线", date(2022, 5, 20), "https://example.org/a/2", theme.id, admin_id)]
        assert all(a.created_at == MADE for a in listed)
        publication = db.session.scalar(select(Publication).where(
            Publication.content_id == listed[1].id))
        assert (publication.contract_id, publication.channel, publication.published_at) == (
            contract.id, "wechat", datetime(2022, 5, 20, 4, 0, tzinfo=UTC))
        content = db.session.get(Content, listed[1].id)
        assert (content.kind, content.status, [v.number for v in content.versions]) == (
            "article", "published", [1])
        # The history followed each record to its new id; a deleted one's kept aside.
        history = articles.article_history(articles.ARTICLE, listed[1].id)
        assert [h.changes for h in history] == [
            {"title": "西城家园"}, {"title": ["西城家园", "西城家园上线"]}]
        assert [h.changes for h in articles.topic_history(articles.TOPIC, theme.id)] == [
            {"title": "五月专题"}]
        kept = db.session.scalars(select(AuditEntry.entity_id).where(
            AuditEntry.entity_id.like("%.%")).order_by(AuditEntry.entity_id)).all()
        assert kept == ["articles.1", "topics.1"]

    downgraded = runner.invoke(args=["db", "downgrade", BEFORE])
    assert downgraded.exit_code == 0, downgraded.output
    with app.app_context():
        assert db.session.scalar(select(sa.func.count()).select_from(Content)) == 0
        assert db.session.scalar(select(sa.func.count()).select_from(ContentVersion)) == 0
        assert db.session.scalar(select(sa.func.count()).select_from(Theme)) == 0
        back_topics = db.session.execute(select(topics.c.id, topics.c.month, topics.c.title)
                                         .where(topics.c.deleted_at.is_(None))).all()
        assert [(t.month, t.title) for t in back_topics] == [("2022-05", "五月专题")]
        back = db.session.execute(select(old_articles).order_by(old_articles.c.published_on)
                                  ).all()
        assert [(a.title, a.published_on, a.url, a.topic_id) for a in back] == [
            ("西城家园上线", date(2022, 5, 20), "https://example.org/a/2", back_topics[0].id),
            ("无专题", date(2022, 6, 2), "", None)]
        moved_back = db.session.scalars(select(AuditEntry.changes).where(
            AuditEntry.entity_type == "article",
            AuditEntry.entity_id == str(back[0].id)).order_by(AuditEntry.id)).all()
        assert moved_back == [{"title": "西城家园"}, {"title": ["西城家园", "西城家园上线"]}]
    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert len(articles.list_articles(articles.ARTICLE).items) == 2
        db.engine.dispose()
