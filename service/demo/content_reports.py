"""Demo of the 2023 content contract's key-content propagation report (a step of `demo-data`,
after its content and metrics): the editors' lead picks the most-read original article of
October 2023 posted on several accounts, writes the report's two sections and issues it a
month after it went out, through the content reports' own use cases. Issuing creates the job
that makes its files; `demo-data` hands that job to the queue once everything is committed,
so the files are made when a consumer runs (`make run`)."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from models import Content, ContentReport, Contract, Publication, PublicationMetric, User, db
from service.clock import SHANGHAI
from service.reports import content as reports

CONTRACT_KEY = "planning-media-2023"
MONTH = (date(2023, 10, 1), date(2023, 10, 31))
LESSONS = ("该文在微信公众号首发后一周内阅读量明显高于同类文章的中位数，头条号、北京号等渠道"
           "同步转发后形成二次传播。\n标题直接点明政策要点、配有一图读懂，是阅读较高的主要原因。")
PLAN = ("同类政策解读类内容优先安排在工作日上午发布，并同步在多个平台推送；\n"
        "对阅读增长较慢的渠道，发布后第 3 天前后补充一次互动话题。")


def _chosen(contract: Contract) -> Content | None:
    """October's original article with the most reads a week after, posted on several
    accounts and measured."""
    reads = (select(Publication.content_id, func.max(PublicationMetric.reads).label("reads"),
                    func.count(func.distinct(Publication.channel)).label("channels"))
             .join(PublicationMetric, PublicationMetric.publication_id == Publication.id)
             .join(Content, Content.id == Publication.content_id)
             .where(Publication.contract_id == contract.id, Content.kind == "article",
                    Content.original.is_(True), Publication.published_on >= MONTH[0],
                    Publication.published_on <= MONTH[1])
             .group_by(Publication.content_id).subquery())
    chosen = db.session.scalar(select(reads.c.content_id).where(reads.c.channels > 1)
                               .order_by(reads.c.reads.desc(), reads.c.content_id).limit(1))
    return db.session.get(Content, chosen) if chosen is not None else None


def create_demo_key_content_report(ctx) -> None:
    """One issued key-content report (skipped without the contract's content and metrics, or
    when a key-content report exists); its job id goes into the summary for `demo-data` to
    queue."""
    contract = db.session.scalar(select(Contract).where(Contract.key == CONTRACT_KEY))
    lead = db.session.scalar(select(User).where(User.username == "zuzhang"))
    if contract is None or lead is None or db.session.scalar(
            select(func.count()).select_from(ContentReport).where(
                ContentReport.contract_id == contract.id,
                ContentReport.kind == "key_content")):
        return
    piece = _chosen(contract)
    if piece is None:
        return
    first = db.session.scalar(select(func.min(Publication.published_on))
                              .where(Publication.content_id == piece.id))
    issued = datetime.combine(min(first + timedelta(days=30), contract.end_date), time(10),
                              tzinfo=SHANGHAI)
    report = reports.create_report(actor=lead, contract=contract.key, kind="key_content",
                                   content=piece.id, now=issued - timedelta(hours=2))
    reports.write_sections(actor=lead, report_id=report.id, lessons=LESSONS, plan=PLAN,
                           now=issued - timedelta(hours=1))
    _, job = reports.mark_issued(lead, report.id, issued)
    ctx.summary["key_content_reports"] = 1
    ctx.summary["key_content_report_job"] = job.id
