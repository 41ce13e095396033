"""The 2023 content contract's mid-term report and final summary in the demo year: drafted and
written by the editors' lead after each span ends (through the use cases); `demo-data` then
issues them (`issue_demo_term_reports`), which queues the making of their files for the
consumer of `make run`."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models import ContentReport, ContentReportStatus, User, db
from service.demo.content_metrics import CONTRACT_KEY, _contract
from service.reports import content
from service.reports.term import TERM_KINDS
from service.transaction import reader

LEAD = "zuzhang"
# kind: (drafted, written, ③ lessons, ④ plan or advice)
WRITTEN = {
    "midterm": (datetime(2024, 1, 3, 2, 0, tzinfo=UTC), datetime(2024, 1, 10, 8, 30, tzinfo=UTC),
                "上半年按合同完成微信公众号、微博及各媒体号的日常发布，每月一题按期推出。\n"
                "城市更新、不动产登记等政策解读类内容阅读量较高，短视频转发效果好于图文。\n"
                "个别月份主题因部门审核延迟未能按月交付，已与宣传中心约定提前一周送审。",
                "下半年继续落实三审三校，重点内容提前排期；\n"
                "增加短视频和一图读懂的比重，带动关注人数增长；\n"
                "每月初复核增长指标进度，对有风险的指标及时调整发布计划。"),
    "final": (datetime(2024, 7, 2, 2, 0, tzinfo=UTC), datetime(2024, 7, 8, 9, 0, tzinfo=UTC),
              "合同期内各渠道按约定频次发布，发布清单及网络链接见第五部分，编辑审校记录见附件。\n"
              "政策解读与城市更新专题是全年阅读量最高的内容。",
              "建议下一合同期延续每月一题，并在年初与各部门确定全年选题；\n"
              "建议平台统计数据增加关注来源，便于评估各类内容的转化效果。"),
}


def create_demo_term_reports(ctx) -> None:
    """The two reports as drafts with their written sections (skipped without the contract,
    its lead, or when they exist)."""
    contract = _contract()
    lead = db.session.scalar(select(User).where(User.username == LEAD))
    if contract is None or lead is None or db.session.scalar(
            select(func.count()).select_from(ContentReport)
            .where(ContentReport.contract_id == contract.id,
                   ContentReport.kind.in_(list(TERM_KINDS)))):
        return
    for kind, (drafted, written, lessons, plan) in WRITTEN.items():
        report = content.create_report(actor=lead, contract=CONTRACT_KEY, kind=kind, now=drafted)
        content.write_sections(actor=lead, report_id=report.id, lessons=lessons, plan=plan,
                               now=written)
    ctx.summary["content_term_reports"] = len(WRITTEN)


@reader
def _drafts() -> list[tuple[int, int, datetime]]:
    return list(db.session.execute(
        select(ContentReport.id, ContentReport.created_by_id, ContentReport.sections_at)
        .where(ContentReport.kind.in_(list(TERM_KINDS)),
               ContentReport.status == ContentReportStatus.DRAFT)
        .order_by(ContentReport.period_end)))


def issue_demo_term_reports() -> list[ContentReport]:
    """Issue the demo's drafted term reports as the lead who wrote them, two days after the
    sections were written: their files are made by the job consumer."""
    issued = []
    for report_id, lead_id, written in _drafts():
        lead = db.session.get(User, lead_id)
        issued.append(content.issue_report(actor=lead, report_id=report_id,
                                           now=written + timedelta(days=2)))
    return issued
