"""Demo reports of the 2023 content contract (a step of `demo-data`, after its metrics; issue
#18 point 5): the editors' lead drafts, writes and issues, through the use cases, the
operations report of the term's last month and of its last quarter a few days after each
period, the mid-term report before its 2024-01-15 due date, the final summary after the term,
and a key-content report on October's most-read original article posted on several accounts,
a month after it went out. Their files are made by the job queue: `demo-data` hands the jobs
to it once the year is committed, and `make run`'s consumer renders them."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from models import (
    Content,
    ContentReport,
    Contract,
    Job,
    JobStatus,
    Publication,
    PublicationMetric,
    User,
    db,
)
from service.clock import SHANGHAI
from service.reports import content as reports
from service.reports.term import TERM_KINDS, term_span
from service.transaction import reader

CONTRACT_KEY = "planning-media-2023"
LEAD = "zuzhang"
# What the team writes in ③ and ④, by report kind.
WRITTEN = {
    "monthly": (
        "本月围绕城市更新和汛期安全两个主题集中发布，“一图读懂”类产品的阅读和转发明显高于同类"
        "图文；工作日上午推送的文章打开率更高。微博话题互动带来的新增粉丝占本月新增的四成左右。",
        "下月继续做好规划公示和不动产登记等高频咨询问题的解读，每周至少推出一期原创产品；"
        "对照本月阅读数据调整推送时间，并准备重点内容传播分析报告。"),
    "quarterly": (
        "本季度五个平台粉丝稳步增长，原创精品内容的浏览量占比继续提高；节假日前后的留言答复"
        "全部在一个工作日内完成，个别微信私信超过平台 48 小时窗口，已调整值班安排。",
        "下季度按合同要求完成项目总结报告，完善发布清单和审校记录；继续提升视频和互动产品"
        "比例，争取精品内容浏览量保持在合同要求以上。"),
    "midterm": (
        "上半年按合同完成微信公众号、微博及各媒体号的日常发布，每月一题按期推出。\n"
        "城市更新、不动产登记等政策解读类内容阅读量较高，短视频转发效果好于图文。\n"
        "个别月份主题因部门审核延迟未能按月交付，已与宣传中心约定提前一周送审。",
        "下半年继续落实三审三校，重点内容提前排期；\n"
        "增加短视频和一图读懂的比重，带动关注人数增长；\n"
        "每月初复核增长指标进度，对有风险的指标及时调整发布计划。"),
    "final": (
        "合同期内各渠道按约定频次发布，发布清单及网络链接见第五部分，编辑审校记录见附件。\n"
        "政策解读与城市更新专题是全年阅读量最高的内容。",
        "建议下一合同期延续每月一题，并在年初与各部门确定全年选题；\n"
        "建议各平台统计数据都按来源拆分新增关注，便于评估各类内容的转化效果。"),
    "key_content": (
        "该文在微信公众号首发后一周内阅读量明显高于同类文章的中位数，头条号、北京号等渠道"
        "同步转发后形成二次传播。\n标题直接点明政策要点、配有一图读懂，是阅读较高的主要原因。",
        "同类政策解读类内容优先安排在工作日上午发布，并同步在多个平台推送；\n"
        "对阅读增长较慢的渠道，发布后第 3 天前后补充一次互动话题。"),
}
# The key-content report's piece: an original article of this month.
KEY_MONTH = (date(2023, 10, 1), date(2023, 10, 31))


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI).astimezone(UTC)


def _period(contract: Contract, kind: str) -> tuple[str | None, date]:
    """The period to ask for (the term's last month or quarter; a term report has its own,
    so none) and its last day."""
    if kind in TERM_KINDS:
        return None, term_span(contract, kind)[2]
    last = reports.contract_periods(contract, kind)[-1]
    return last.label, last.end


def _key_piece(contract: Contract) -> tuple[int, date] | None:
    """KEY_MONTH's original article with the most reads, posted on several accounts and
    measured: its id and first publication day."""
    reads = (select(Publication.content_id, func.max(PublicationMetric.reads).label("reads"),
                    func.count(func.distinct(Publication.channel)).label("channels"),
                    func.min(Publication.published_on).label("first"))
             .join(PublicationMetric, PublicationMetric.publication_id == Publication.id)
             .join(Content, Content.id == Publication.content_id)
             .where(Publication.contract_id == contract.id, Content.kind == "article",
                    Content.original.is_(True), Publication.published_on >= KEY_MONTH[0],
                    Publication.published_on <= KEY_MONTH[1])
             .group_by(Publication.content_id).subquery())
    found = db.session.execute(select(reads.c.content_id, reads.c.first)
                               .where(reads.c.channels > 1)
                               .order_by(reads.c.reads.desc(), reads.c.content_id)
                               .limit(1)).first()
    return (found.content_id, found.first) if found else None


def _subject(contract: Contract, kind: str) -> tuple[dict, datetime] | None:
    """What to ask for, and when the lead drafts it: after the period (the mid-term report on
    2024-01-03); a key-content report a month after its piece went out."""
    if kind == "key_content":
        piece = _key_piece(contract)
        if piece is None:
            return None
        return {"content": piece[0]}, _local(piece[1] + timedelta(days=28), 10)
    period, last = _period(contract, kind)
    return {"period": period}, _local(last + timedelta(days=3 if kind == "midterm" else 1), 10)


def create_demo_content_reports(ctx) -> None:
    """The reports of WRITTEN, issued (skipped when the 2023 contract is not loaded, has no
    team, or already has reports); written the day after they are drafted, issued the day
    after that."""
    contract = db.session.scalar(select(Contract).where(Contract.key == CONTRACT_KEY))
    lead = db.session.scalar(select(User).where(User.username == LEAD))
    if contract is None or lead is None or db.session.scalar(
            select(func.count()).select_from(ContentReport)
            .where(ContentReport.contract_id == contract.id)):
        return
    made = 0
    for kind, (lessons, plan) in WRITTEN.items():
        subject = _subject(contract, kind)
        if subject is None:
            continue
        asked, drafted = subject
        report = reports.create_report(actor=lead, contract=CONTRACT_KEY, kind=kind,
                                       now=drafted, **asked)
        reports.write_sections(actor=lead, report_id=report.id, lessons=lessons, plan=plan,
                               now=drafted + timedelta(days=1))
        reports.mark_issued(lead, report.id, drafted + timedelta(days=2))
        made += 1
    ctx.summary["content_reports"] = made


@reader
def waiting_report_jobs() -> list[Job]:
    """The demo reports' jobs not yet handed to the queue."""
    return list(db.session.scalars(
        select(Job).join(ContentReport, ContentReport.job_id == Job.id)
        .where(Job.status == JobStatus.QUEUED).order_by(Job.id)))
