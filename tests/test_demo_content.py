"""`flask demo-data` builds a year of the 2023 content contract beside the 2022 one: its team,
themes, content reviewed at five levels and publications that meet most obligations and miss
the few planted on purpose (issue #17 point 9)."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from docx import Document
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import (
    AuditEntry,
    ChannelMetric,
    Content,
    ContentReport,
    ContentReview,
    ContentVersion,
    Contract,
    ContractMember,
    ContractObligation,
    Faq,
    Message,
    MessageEvent,
    MetricImport,
    Publication,
    PublicationMetric,
    ReplyTemplate,
    Theme,
    User,
    db,
)
from service.content import checks
from service.content.compliance import PublicationFact, evaluate, summarize
from service.content.growth import growth_report
from service.content.metrics import channel_series
from service.content.review import version_sha256
from service.content.themes import theme_status
from service.demo.content_metrics import SOURCES_FROM
from service.demo.content_reports import WRITTEN
from service.messages import deadlines
from service.messages.rules import message_rules

KEY = "planning-media-2023"
LEVELS = ["first", "second", "third", "fourth", "final"]
TEAM = {"bianji1": "editor", "bianji2": "editor", "bianji3": "editor",
        "zuzhang": "editor_lead", "zhixing": "client_reviewer", "zhuguan": "client_approver",
        "official": "official"}
AFTER_TERM = date(2024, 7, 1)


def _counts() -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (User, ContractMember, Theme, Content, ContentVersion,
                               ContentReview, Publication))


def _contract() -> Contract:
    return db.session.scalar(select(Contract).where(Contract.key == KEY))


def _check_team(contract: Contract) -> dict[int, str]:
    members = db.session.execute(
        select(User.username, User.role, ContractMember.role, User.id)
        .join(ContractMember, ContractMember.user_id == User.id)
        .where(ContractMember.contract_id == contract.id)).all()
    assert {name: role for name, _account, role, _id in members} == TEAM
    assert {account for name, account, _role, _id in members if name != "official"} == {
        "content"}
    return {user_id: role for _name, _account, role, user_id in members}


def _reviews_by_version() -> dict[int, list[ContentReview]]:
    held = defaultdict(list)
    for review in db.session.scalars(select(ContentReview).order_by(ContentReview.signed_at)):
        held[review.version_id].append(review)
    return held


def _check_published_versions(contract: Contract, roles: dict[int, str]) -> None:
    """Every publication's version: its real hash and findings, five passes in order by five
    members in their roles (二审 not by the author), all before it went out."""
    reviews = _reviews_by_version()
    versions = {v.id: v for v in db.session.scalars(select(ContentVersion))}
    publications = db.session.scalars(select(Publication)
                                      .where(Publication.contract_id == contract.id)).all()
    for version in {versions[p.version_id] for p in publications}:
        assert version.sha256 == version_sha256(version.title, version.body, None)
        assert version.findings == checks.check_version(version.title, version.body)
    for publication in publications:
        signed = [r for r in reviews[publication.version_id] if r.voided_at is None]
        assert [r.level for r in signed] == LEVELS
        assert {r.decision for r in signed} == {"pass"}
        assert len({r.signer_id for r in signed}) == 5
        assert all(roles[r.signer_id] == r.role for r in signed)
        assert signed[1].signer_id != versions[publication.version_id].author_id
        assert signed[-1].signed_at < publication.published_at
        assert versions[publication.version_id].created_at < signed[0].signed_at


def _check_returns(contract: Contract) -> None:
    """Five pieces came back at 二审 and three at 四审; each has a second version that
    passed and went out, the returned version's signatures void."""
    returned = db.session.scalars(select(ContentReview).where(
        ContentReview.decision == "return")).all()
    assert Counter(r.level for r in returned) == {"second": 5, "fourth": 3}
    for review in returned:
        assert review.voided_at is not None and review.notes
        version = db.session.get(ContentVersion, review.version_id)
        later = db.session.get(ContentVersion, review.voided_by_version_id)
        assert later.content_id == version.content_id and later.number == version.number + 1
        assert later.content.status == "published"
        assert db.session.scalar(select(func.count()).select_from(Publication).where(
            Publication.version_id == later.id))
    slipped = [v for v in db.session.scalars(select(ContentVersion)) if v.findings]
    assert any(f["rule"] == "doubled_character" for v in slipped for f in v.findings)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity_type == "content", AuditEntry.action == "version")) == 8


def _check_in_progress(contract: Contract) -> None:
    """At the term's end, some pieces for July are still in the chain or wait to go out."""
    statuses = Counter(db.session.scalars(select(Content.status).where(
        Content.contract_id == contract.id)))
    assert statuses["draft"] >= 1 and statuses["in_review"] >= 3 and statuses["approved"] >= 1
    assert statuses["returned"] == 0


def _facts(contract: Contract) -> list[PublicationFact]:
    rows = db.session.execute(
        select(Publication.id, Publication.channel, Publication.published_on, Content.kind,
               Content.original)
        .join(Content, Content.id == Publication.content_id)
        .where(Publication.contract_id == contract.id)).all()
    return [PublicationFact(r.id, r.channel, r.published_on, r.kind, r.original) for r in rows]


def _check_totals(facts: list[PublicationFact]) -> None:
    per_channel = Counter(f.channel for f in facts)
    assert 790 <= per_channel["wechat"] <= 900
    assert 1150 <= per_channel["weibo"] <= 1600
    assert 500 <= per_channel["toutiao"] <= 650
    assert 1000 <= per_channel["beijing_hao"] + per_channel["baijiahao"] <= 1250
    kinds = Counter(f.kind for f in facts)
    assert (kinds["infographic"], kinds["poster"], kinds["video"], kinds["interactive"]) == (
        9, 7, 5, 3)
    originals = sum(f.original and f.kind == "article" and f.channel == "wechat" for f in facts)
    assert 100 <= originals <= 120


def _check_compliance(contract: Contract, facts: list[PublicationFact]) -> None:
    obligations = db.session.scalars(select(ContractObligation).where(
        ContractObligation.contract_id == contract.id)).all()
    results = evaluate(contract, obligations, facts, start=contract.start_date,
                       end=contract.end_date, today=AFTER_TERM)
    summary = {(s.obligation, s.channel): s for s in summarize(results)}
    short_days = summary[("wechat_articles_working_day", "wechat")].short_labels
    assert 1 <= len(short_days) <= 8
    for channel in ("wechat", "weibo", "toutiao", "beijing_hao", "baijiahao"):
        assert "2024-W07" in summary[("weekly_items_each_platform", channel)].short_labels
    # Every yearly floor is met, the mandatory Weibo update too; most periods overall.
    # (Reports are counted from the issued reports, not given here.)
    published = [r for r in results if r.counts not in ("data_reports", "key_content_reports")]
    assert {r.status for r in published if r.period == "year"} <= {"met", "not_tracked"}
    assert summary[("weibo_update_working_day", "weibo")].short == 0
    tracked = [r for r in published if r.status != "not_tracked"]
    assert sum(r.status == "met" for r in tracked) >= 0.9 * len(tracked)


def _check_themes(contract: Contract) -> None:
    held = db.session.scalars(select(Theme).where(Theme.contract_id == contract.id)
                              .order_by(Theme.month)).all()
    assert [t.month for t in held][::11] == ["2023-07", "2024-06"] and len(held) == 12
    shown = Counter(theme_status(t, AFTER_TERM) for t in held)
    assert shown == {"delivered": 10, "missed": 2}
    assert all(t.title and t.format and t.departments for t in held)


def test_demo_data_builds_a_year_of_the_content_contract(app, runner, tmp_path):
    assert runner.invoke(args=["seed-district"]).exit_code == 0
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "content_team: 7" in first.output and "content_themes: 12" in first.output
    assert first.output.count("queued the files of a content report") == 5
    with app.app_context():
        made = _counts()
        made_metrics = _metric_counts()
        made_messages = _message_counts()
    # Run twice, it adds nothing (as the 2022 year).
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        assert _counts() == made
        assert _metric_counts() == made_metrics
        assert _message_counts() == made_messages
        contract = _contract()
        roles = _check_team(contract)
        _check_published_versions(contract, roles)
        _check_returns(contract)
        _check_in_progress(contract)
        facts = _facts(contract)
        _check_totals(facts)
        _check_compliance(contract, facts)
        _check_themes(contract)
        _check_metrics(contract)
        _check_messages(contract)
        _check_reports(contract)
    _check_report_files(runner, tmp_path)


# --- channel metrics (issue #18 point 5) ------------------------------------------------------

def _metric_counts() -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (ChannelMetric, PublicationMetric, MetricImport))


def _check_metrics(contract: Contract) -> None:
    """Every channel has a snapshot every day of the term; followers grow on each one (the
    baseline is the term's first day), and the growth KPIs are met at the end: nothing of
    the price at risk. Figures are read back through the same use cases as the API's."""
    channels = contract.channels
    rows = db.session.execute(select(ChannelMetric.channel_id, ChannelMetric.day,
                                     ChannelMetric.followers, ChannelMetric.new_followers,
                                     ChannelMetric.unfollows, ChannelMetric.follower_sources)
                              .order_by(ChannelMetric.channel_id, ChannelMetric.day)).all()
    by_channel = defaultdict(list)
    for row in rows:
        by_channel[row.channel_id].append(row)
    term_days = (contract.end_date - contract.start_date).days + 1
    assert sorted(by_channel) == sorted(c.id for c in channels)
    for snapshots in by_channel.values():
        assert [r.day for r in snapshots][0] == contract.start_date
        assert len(snapshots) == term_days == 366
        # The stock moves by the day's flows, and ends 10 % or more above the baseline.
        for before, after in zip(snapshots, snapshots[1:], strict=False):
            assert after.followers == before.followers + after.new_followers - after.unfollows
        assert snapshots[-1].followers >= snapshots[0].followers * 1.1
    # WeChat's export splits its new followers by source (all of them) from mid-July.
    wechat_id = next(c.id for c in channels if c.key == "wechat")
    for channel, snapshots in by_channel.items():
        split = [r for r in snapshots if r.follower_sources is not None]
        if channel != wechat_id:
            assert split == []
            continue
        assert split[0].day == SOURCES_FROM and len(split) == len(snapshots) - 14
        assert all(sum(r.follower_sources.values()) == r.new_followers for r in split)
    viewer = db.session.scalar(select(User).where(User.username == "official"))
    report = growth_report(viewer, contract=KEY, today=AFTER_TERM)
    followers, reads, premium = report["kpis"]
    assert report["as_of"] == contract.end_date
    assert followers["baseline_day"] == contract.start_date
    assert 0.10 <= followers["growth"] <= 0.25
    assert 0.10 <= reads["growth"] <= 0.35 and reads["baseline_complete"]
    assert 5_000_000 <= premium["current"] <= 5_500_000
    assert [k["behind"] for k in report["kpis"]] == [False, False, False]
    assert report["at_risk"] is False and report["price_at_risk"] == 0
    # Mid-term the series per month shows the stock rising month by month.
    wechat = next(c for c in channels if c.key == "wechat")
    months = channel_series(viewer, wechat.id, step="month", today=AFTER_TERM)["items"]
    assert [m["period"] for m in months][0] == "2023-07" and len(months) == 12
    assert all(a["followers"] < b["followers"] for a, b in zip(months, months[1:],
                                                                 strict=False))


# --- messages of the year (#18 point 5; service/demo/content_messages.py) ----------------------

def _message_counts() -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Message, MessageEvent, ReplyTemplate, Faq))


def _check_messages(contract: Contract) -> None:
    """A year of messages, each due as the contract's calendar says, answered through the steps
    its kind requires; some replied late, a few past WeChat's window, the breaches what the
    reply times say; the last days' still open; the templates' use counted."""
    rules = message_rules(contract)
    held = db.session.scalars(select(Message).where(Message.contract_id == contract.id)
                              .options(selectinload(Message.events))).all()
    assert 600 <= len(held) <= 1200
    assert {m.kind for m in held} == {"comment", "private_message", "inquiry"}
    for message in held[::25]:
        assert message.due_at == deadlines.due_at(contract, rules, message.received_at)
    replied = [m for m in held if m.status == "replied"]
    assert len(held) - 10 <= len(replied) < len(held)
    for message in replied:
        steps = [e.step for e in message.events]
        assert steps[0] == "enter" and steps[-1] in ("reply", "breach")
        assert all(step in steps for step in rules.requires[message.kind])
        assert message.late == (message.replied_at > message.due_at)
        assert message.window_missed == (message.window_closes_at is not None
                                         and message.replied_at > message.window_closes_at)
        assert ("breach" in steps) == (message.late or message.window_missed)
    late = [m for m in replied if m.late]
    missed = [m for m in replied if m.window_missed]
    assert 10 <= len(late) <= 0.1 * len(replied)
    assert len(missed) == 5 and all(m.channel == "wechat" and not m.late for m in missed)
    assert any(m.window_first for m in held)
    templates = db.session.scalars(select(ReplyTemplate).where(
        ReplyTemplate.contract_id == contract.id)).all()
    assert len(templates) == 5 and all(t.use_count > 0 for t in templates)
    [faq] = db.session.scalars(select(Faq).where(Faq.contract_id == contract.id)).all()
    assert faq.items and faq.content_id is None


# --- reports (#18 point 5; service/demo/content_reports.py) -----------------------------------

def _check_reports(contract: Contract) -> None:
    """The term's last month's and last quarter's reports, the mid-term report, the final
    summary and a key-content report, written and issued by the editors' lead after their
    periods (the mid-term one before it was due), their jobs waiting for the consumer."""
    held = db.session.scalars(select(ContentReport).where(ContentReport.contract_id ==
                                                          contract.id)
                              .order_by(ContentReport.id)).all()
    assert [(r.kind, r.period, r.period_start, r.period_end, r.status) for r in held[:4]] == [
        ("monthly", "2024-06", date(2024, 6, 1), date(2024, 6, 30), "issued"),
        ("quarterly", "2023/24-Q4", date(2024, 4, 1), date(2024, 6, 30), "issued"),
        ("midterm", "中期", date(2023, 7, 1), date(2023, 12, 31), "issued"),
        ("final", "全期", date(2023, 7, 1), date(2024, 6, 30), "issued")]
    for report in held:
        assert report.lessons.strip() and report.plan.strip()
        assert report.issued_by.username == "zuzhang"
        assert report.issued_at.date() >= report.period_end
        assert report.job.kind == "content_report" and report.job.status == "queued"
    assert held[2].issued_at.date() <= date(2024, 1, 15)
    # The key-content report: an October original article posted on several accounts, its
    # figures as of the day it was issued, a month after it went out.
    key = held[4]
    assert (key.kind, key.status) == ("key_content", "issued")
    piece = key.content
    assert piece.kind == "article" and piece.original
    published = db.session.scalars(select(Publication).where(
        Publication.content_id == piece.id)).all()
    first = min(p.published_on for p in published)
    assert len({p.channel for p in published}) > 1 and first.month == 10
    assert (key.period_start, key.period_end) == (first, first + timedelta(days=30))


def _check_report_files(runner, out) -> None:
    """`flask content-report` makes every issued report's files, its team's words in them."""
    made = runner.invoke(args=["content-report", "--out", str(out)])
    assert made.exit_code == 0, made.output
    documents = sorted(out.glob("report-*/*.docx"), key=lambda d: d.parent.name)
    assert [d.name for d in documents[:4]] == [
        "新媒体运营月度数据分析报告_2024-06.docx", "新媒体运营季度数据分析报告_2023-24-Q4.docx",
        "新媒体运营项目中期报告_20230701-20231231.docx",
        "新媒体运营项目总结报告_20230701-20240630.docx"]
    assert documents[4].name.startswith("重点内容传播分析报告_")
    for document, kind in zip(documents, WRITTEN, strict=True):
        opened = Document(document)
        text = "\n".join(p.text for p in opened.paragraphs)
        assert all(line in text for line in [*WRITTEN[kind][0].splitlines(),
                                             *WRITTEN[kind][1].splitlines()]), kind
    # WeChat's new followers by source, beside the channels whose exports have none.
    sources = Document(documents[0]).tables[1]
    assert [c.text for c in sources.rows[0].cells][:3] == ["渠道", "搜一搜", "扫描二维码"]
    assert [row.cells[0].text for row in sources.rows[1:]][:2] == ["微信公众号", "微博"]
    assert len(list(out.glob("report-*/*_附件_编辑审校记录.xlsx"))) == 2
    refused = runner.invoke(args=["content-report", "999", "--out", str(out)])
    assert refused.exit_code != 0 and "运营数据分析报告不存在：999" in refused.output
