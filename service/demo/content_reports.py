"""Demo reports of the 2023 content contract (a step of `demo-data`, after its metrics; issue
#18 point 5): the editors' lead drafts, writes and issues the operations report of the term's
last month and of its last quarter, through the use cases, a few days after each period
ends. Their files are made by the job queue: `demo-data` hands the jobs to it once the year is
committed, and `make run`'s consumer renders them."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from models import ContentReport, Contract, Job, JobStatus, User, db
from service.clock import SHANGHAI
from service.reports import content as reports
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
}


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI).astimezone(UTC)


def create_demo_content_reports(ctx) -> None:
    """The last month's and the last quarter's reports, issued (skipped when the 2023
    contract is not loaded, has no team, or already has reports)."""
    contract = db.session.scalar(select(Contract).where(Contract.key == CONTRACT_KEY))
    lead = db.session.scalar(select(User).where(User.username == LEAD))
    if contract is None or lead is None or db.session.scalar(
            select(func.count()).select_from(ContentReport)
            .where(ContentReport.contract_id == contract.id)):
        return
    for kind, (lessons, plan) in WRITTEN.items():
        period = reports.contract_periods(contract, kind)[-1]
        drafted = _local(period.end + timedelta(days=1), 10)
        report = reports.create_report(actor=lead, contract=CONTRACT_KEY, kind=kind,
                                       period=period.label, now=drafted)
        reports.write_sections(actor=lead, report_id=report.id, lessons=lessons, plan=plan,
                               now=drafted + timedelta(days=1))
        reports.mark_issued(lead, report.id, drafted + timedelta(days=2))
    ctx.summary["content_reports"] = len(WRITTEN)


@reader
def waiting_report_jobs() -> list[Job]:
    """The demo reports' jobs not yet handed to the queue."""
    return list(db.session.scalars(
        select(Job).join(ContentReport, ContentReport.job_id == Job.id)
        .where(Job.status == JobStatus.QUEUED).order_by(Job.id)))
