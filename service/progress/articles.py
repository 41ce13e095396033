"""The district contract's WeChat articles (公众号文章) and monthly topics (专题), recorded
through the content model: an article is a piece of content of the contract with one version
and one publication on the contract's `wechat` channel (the platform's official account), a topic
is one of the contract's monthly themes. One source of truth: /content, /publications,
/themes and /compliance see the very rows /articles and /topics write.

/articles and /topics keep the registry's shape (service/progress/registry.py): the same
fields, messages, permissions and history (audit entities `article` and `topic`, an article
known by its content's id, a topic by its theme's). A deletion removes the rows (the content
model has no soft delete) and leaves the history; a deleted topic frees its month.

The district contract asks for no review before publishing (its `review_chain` is empty), so
an article is recorded as published: no level is signed."""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from models import (
    Content,
    ContentReview,
    ContentVersion,
    Contract,
    Publication,
    Theme,
    ThemeStatus,
    User,
    db,
)
from service import audit
from service.clock import SHANGHAI, now_utc
from service.content.review import version_sha256
from service.district.contracts import current_contract
from service.errors import NotFoundError, field_error
from service.pagination import Page, paginate
from service.progress.registry import Kind
from service.transaction import conflicts_as, reader, writer

# The channel of a district contract its articles are published on (its WeChat account).
ARTICLES_CHANNEL = "wechat"
ARTICLE = Kind("article", "公众号文章", Content, "published_on",
               ["title", "published_on", "url", "topic_id"], admin_only=True)
TOPIC = Kind("topic", "专题", Theme, "month", ["month", "title"], admin_only=True)
# An article is recorded by its day; its hour is not known: noon in Beijing stands for it, so
# that the publication falls on that day in Asia/Shanghai whatever the reader's zone.
PUBLISHED_AT = time(12)


@dataclass
class ArticleRecord:
    """An article as /articles shows it: its content, version and publication in one."""

    id: int
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime
    title: str
    published_on: date
    url: str
    topic_id: int | None


def _as_record(publication: Publication) -> ArticleRecord:
    content = publication.content
    return ArticleRecord(content.id, content.author_id, content.created_at, content.updated_at,
                         content.title, publication.published_on, publication.url,
                         content.theme_id)


def published_at(day: date) -> datetime:
    return datetime.combine(day, PUBLISHED_AT, tzinfo=SHANGHAI)


# --- which contract ---------------------------------------------------------------------------

def district_contract_ids() -> list[int]:
    """The contracts whose roles are the accounts' own (no member roles): those whose articles
    and topics /articles and /topics show (the content contracts' are reviewed content)."""
    return [c.id for c in db.session.scalars(select(Contract).order_by(Contract.id))
            if not c.member_roles]


def _recording_contract(kind: Kind) -> Contract:
    """The contract in force, which records the registry's work; a content contract's
    articles and themes go through its review chain instead."""
    contract = current_contract()
    if contract.member_roles:
        raise field_error("_schema", f"当前合同（{contract.name}）的内容须经审核流程发布，"
                                     f"不能在此登记{kind.label}")
    return contract


def _articles_channel(contract: Contract) -> str:
    if ARTICLES_CHANNEL not in [channel.key for channel in contract.channels]:
        raise field_error("_schema", f"当前合同（{contract.name}）没有微信公众号渠道"
                                     f"（{ARTICLES_CHANNEL}），不能登记公众号文章")
    return ARTICLES_CHANNEL


def _within_term(contract: Contract, day: date) -> None:
    if not contract.start_date <= day <= contract.end_date:
        raise field_error("published_on", f"日期应在合同期内（{contract.start_date.isoformat()} "
                                          f"至 {contract.end_date.isoformat()}）")


# --- what counts (targets, reports) --------------------------------------------------------

def articles_published(contract: Contract, start: date, end: date):
    """The contract's articles published between two days: its publications on its WeChat
    channel, with their content. The target counts these; the reports list them."""
    return (select(Publication).join(Content, Content.id == Publication.content_id)
            .where(Publication.contract_id == contract.id,
                   Publication.channel == ARTICLES_CHANNEL,
                   Publication.published_on >= start, Publication.published_on <= end))


def topics_in_months(contract: Contract, start: date, end: date):
    """The contract's topics (themes) of the months from `start`'s to `end`'s."""
    return select(Theme).where(Theme.contract_id == contract.id,
                               Theme.month >= f"{start:%Y-%m}", Theme.month <= f"{end:%Y-%m}")


def count_articles(contract: Contract, start: date, end: date) -> int:
    query = articles_published(contract, start, end).with_only_columns(func.count())
    return db.session.scalar(query) or 0


def count_topics(contract: Contract, start: date, end: date) -> int:
    query = topics_in_months(contract, start, end).with_only_columns(func.count())
    return db.session.scalar(query) or 0


# --- articles --------------------------------------------------------------------------------

def _article_publications():
    return (select(Publication).join(Content, Content.id == Publication.content_id)
            .where(Content.contract_id.in_(district_contract_ids()),
                   Publication.channel == ARTICLES_CHANNEL)
            .options(selectinload(Publication.content)))


def _live_article(article_id: int) -> Publication:
    publication = db.session.scalar(_article_publications().where(Content.id == article_id)
                                    .order_by(Publication.id.desc()).limit(1))
    if publication is None:
        raise NotFoundError(f"{ARTICLE.label}不存在：{article_id}")
    return publication


def _topic_of(contract: Contract, topic_id: int | None) -> None:
    if topic_id is not None and db.session.scalar(select(Theme.id).where(
            Theme.id == topic_id, Theme.contract_id == contract.id)) is None:
        raise field_error("topic_id", f"{TOPIC.label}不存在：{topic_id}")


def _version_titled(content: Content, title: str, actor: User, now: datetime) -> ContentVersion:
    """The version of the piece with this title (an article has no body): the one already
    made, or a new one (versions are never changed)."""
    sha = version_sha256(title, "", None)
    held = next((v for v in content.versions if v.sha256 == sha), None)
    if held is not None:
        return held
    number = max((v.number for v in content.versions), default=0) + 1
    version = ContentVersion(content=content, number=number, sha256=sha, title=title, body="",
                             author_id=actor.id, created_at=now, findings=[])
    db.session.add(version)
    return version


@writer
def create_article(kind: Kind = ARTICLE, *, actor: User, data: dict,
                   now: datetime | None = None) -> ArticleRecord:
    """Record a published article: its content, version and publication on the contract's
    WeChat channel, in one transaction (recorded as the article's creation)."""
    now = now or now_utc()
    ARTICLE.require_writer_role(actor)
    contract = _recording_contract(ARTICLE)
    _topic_of(contract, data.get("topic_id"))
    _within_term(contract, data["published_on"])
    channel = _articles_channel(contract)
    with conflicts_as(f"与已有的{ARTICLE.label}冲突", "published_on"):
        content = Content(contract=contract, title=data["title"], kind="article",
                          original=False, column="", channels=[channel],
                          theme_id=data.get("topic_id"), author_id=actor.id,
                          status="published", next_level=None, next_role=None,
                          created_at=now, updated_at=now)
        db.session.add(content)
        publication = Publication(
            contract_id=contract.id, content=content,
            version=_version_titled(content, data["title"], actor, now), channel=channel,
            published_at=published_at(data["published_on"]),
            published_on=data["published_on"], url=data.get("url", ""),
            recorded_by_id=actor.id, created_at=now)
        db.session.add(publication)
        db.session.flush()
    record = _as_record(publication)
    audit.record(ARTICLE.name, record.id, "create", actor, audit.snapshot(record, ARTICLE.fields),
                 now=now)
    return record


@reader
def get_article(kind: Kind, article_id: int, *, actor: User | None = None) -> ArticleRecord:
    return _as_record(_live_article(article_id))


@writer
def update_article(kind: Kind, article_id: int, *, actor: User, data: dict,
                   now: datetime | None = None) -> ArticleRecord:
    """Change an article (recorded): a new title is a new version, which the publication
    now shows; its day and link are the publication's; its topic the content's theme."""
    now = now or now_utc()
    ARTICLE.require_writer_role(actor)
    if not data:
        raise field_error("_schema", "请至少修改一个字段")
    publication = _live_article(article_id)
    content = publication.content
    if "topic_id" in data:
        _topic_of(content.contract, data["topic_id"])
    if "published_on" in data:
        _within_term(content.contract, data["published_on"])
    before = audit.snapshot(_as_record(publication), ARTICLE.fields)
    with conflicts_as(f"与已有的{ARTICLE.label}冲突", "published_on"):
        if "title" in data and data["title"] != content.title:
            content.title = data["title"]
            publication.version = _version_titled(content, data["title"], actor, now)
        if "published_on" in data:
            publication.published_on = data["published_on"]
            publication.published_at = published_at(data["published_on"])
        if "url" in data:
            publication.url = data["url"]
        if "topic_id" in data:
            content.theme_id = data["topic_id"]
        content.updated_at = now
        db.session.flush()
    record = _as_record(publication)
    changed = audit.diff(before, audit.snapshot(record, ARTICLE.fields))
    if changed:
        audit.record(ARTICLE.name, record.id, "update", actor, changed, now=now)
    return record


def _remove_content(content: Content) -> None:
    versions = select(ContentVersion.id).where(ContentVersion.content_id == content.id)
    db.session.execute(delete(Publication).where(Publication.content_id == content.id))
    db.session.execute(delete(ContentReview).where(ContentReview.version_id.in_(versions)))
    db.session.execute(delete(ContentVersion).where(ContentVersion.content_id == content.id))
    db.session.execute(delete(Content).where(Content.id == content.id))


@writer
def delete_article(kind: Kind, article_id: int, *, actor: User,
                   now: datetime | None = None) -> None:
    """Delete an article: its publication, versions and content go (it no longer counts
    anywhere); its history stays."""
    now = now or now_utc()
    ARTICLE.require_writer_role(actor)
    _remove_content(_live_article(article_id).content)
    audit.record(ARTICLE.name, article_id, "delete", actor, {}, now=now)


@reader
def article_history(kind: Kind, article_id: int):
    _live_article(article_id)
    return audit.history(ARTICLE.name, article_id)


@reader
def list_articles(kind: Kind, *, from_date: date | None = None, to_date: date | None = None,
                  street_code: str | None = None, community_code: str | None = None,
                  actor: User | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Articles, newest first, by date range (they belong to no street or community, so
    every reader sees them all)."""
    query = _article_publications().order_by(Publication.published_on.desc(),
                                             Content.id.desc())
    if from_date:
        query = query.where(Publication.published_on >= from_date)
    if to_date:
        query = query.where(Publication.published_on <= to_date)
    result = paginate(query, page, per_page)
    result.items = [_as_record(publication) for publication in result.items]
    return result


# --- topics ----------------------------------------------------------------------------------

def _live_topic(topic_id: int) -> Theme:
    topic = db.session.scalar(select(Theme).where(
        Theme.id == topic_id, Theme.contract_id.in_(district_contract_ids())))
    if topic is None:
        raise NotFoundError(f"{TOPIC.label}不存在：{topic_id}")
    return topic


def _month_free(contract: Contract, month: str, topic: Theme | None) -> None:
    first, last = f"{contract.start_date:%Y-%m}", f"{contract.end_date:%Y-%m}"
    if not first <= month <= last:
        raise field_error("month", f"月份应在合同期内（{first} 至 {last}）")
    taken = select(Theme.id).where(Theme.contract_id == contract.id, Theme.month == month)
    if topic is not None:
        taken = taken.where(Theme.id != topic.id)
    if db.session.scalar(taken) is not None:
        raise field_error("month", f"{month} 已有专题")


@writer
def create_topic(kind: Kind = TOPIC, *, actor: User, data: dict,
                 now: datetime | None = None) -> Theme:
    """Record the month's topic: a theme of the contract, delivered (a topic is recorded once
    it went out). Recorded as the topic's creation."""
    now = now or now_utc()
    TOPIC.require_writer_role(actor)
    contract = _recording_contract(TOPIC)
    _month_free(contract, data["month"], None)
    with conflicts_as(f"与已有的{TOPIC.label}冲突", "month"):
        topic = Theme(contract=contract, month=data["month"], title=data["title"],
                      description="", format="", departments=[],
                      status=ThemeStatus.DELIVERED.value, created_by_id=actor.id,
                      created_at=now, updated_at=now)
        db.session.add(topic)
        db.session.flush()
    audit.record(TOPIC.name, topic.id, "create", actor, audit.snapshot(topic, TOPIC.fields),
                 now=now)
    return topic


@reader
def get_topic(kind: Kind, topic_id: int, *, actor: User | None = None) -> Theme:
    return _live_topic(topic_id)


@writer
def update_topic(kind: Kind, topic_id: int, *, actor: User, data: dict,
                 now: datetime | None = None) -> Theme:
    """Change a topic's month or title (recorded)."""
    now = now or now_utc()
    TOPIC.require_writer_role(actor)
    if not data:
        raise field_error("_schema", "请至少修改一个字段")
    topic = _live_topic(topic_id)
    if "month" in data:
        _month_free(topic.contract, data["month"], topic)
    before = audit.snapshot(topic, TOPIC.fields)
    with conflicts_as(f"与已有的{TOPIC.label}冲突", "month"):
        for name in TOPIC.fields:
            if name in data:
                setattr(topic, name, data[name])
        topic.updated_at = now
        db.session.flush()
    changed = audit.diff(before, audit.snapshot(topic, TOPIC.fields))
    if changed:
        audit.record(TOPIC.name, topic.id, "update", actor, changed, now=now)
    return topic


@writer
def delete_topic(kind: Kind, topic_id: int, *, actor: User,
                 now: datetime | None = None) -> None:
    """Delete a topic: its month is free again; its articles keep going, without a topic
    (each recorded); its history stays."""
    now = now or now_utc()
    TOPIC.require_writer_role(actor)
    topic = _live_topic(topic_id)
    for content in db.session.scalars(select(Content).where(Content.theme_id == topic.id)):
        content.theme_id = None
        content.updated_at = now
        audit.record(ARTICLE.name, content.id, "update", actor, {"topic_id": [topic.id, None]},
                     now=now)
    db.session.flush()
    db.session.delete(topic)
    audit.record(TOPIC.name, topic_id, "delete", actor, {}, now=now)


@reader
def topic_history(kind: Kind, topic_id: int):
    _live_topic(topic_id)
    return audit.history(TOPIC.name, topic_id)


@reader
def list_topics(kind: Kind, *, from_date: date | None = None, to_date: date | None = None,
                street_code: str | None = None, community_code: str | None = None,
                actor: User | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Topics (district-wide, as articles), newest month first, by date range (months
    overlapping it)."""
    query = (select(Theme).where(Theme.contract_id.in_(district_contract_ids()))
             .order_by(Theme.month.desc(), Theme.id.desc()))
    if from_date:
        query = query.where(Theme.month >= f"{from_date:%Y-%m}")
    if to_date:
        query = query.where(Theme.month <= f"{to_date:%Y-%m}")
    return paginate(query, page, per_page)
