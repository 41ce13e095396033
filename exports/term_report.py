"""The mid-term report and the final summary (项目总结报告) of a content contract as files: a
Word document — parties and period, the growth KPIs, every obligation's compliance over the
span, the team's written sections and the complete list of publications per channel with their
links — the same as a workbook, and the appendix workbook of the editing log (编辑审校记录: every
signature of the review chain on each published version). Plain data in, bytes out; user text
goes in as text runs and through write_cell, never as a field or a formula."""

from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook

from exports.content_report import (
    OBLIGATION_HEAD,
    OBLIGATIONS_NOTE,
    ObligationLine,
    obligation_rows,
)
from exports.document import (
    SHANGHAI,
    Cell,
    WrittenSection,
    add_sheet,
    add_table,
    add_written_sections,
    document_bytes,
    new_document,
    report_heading,
    workbook_bytes,
)

TERM_TITLES = {"midterm": "新媒体运营项目中期报告", "final": "新媒体运营项目总结报告"}
# A KPI's state by whether its figure at the term's end (projected before it) falls short.
KPI_STATES = {None: "尚不能判断", False: "预计达标", True: "有风险"}
KPI_STATES_AT_END = {None: "尚不能判断", False: "达标", True: "未达标"}
KPI_NOTE = ("增长指标按合同约定计算（GET /api/v1/compliance/growth，截至统计期末）："
            "基线、截至期末的数值与增长、目标、按近期速度推算的合同期末数值；任一指标推算未达目标，合同总价的"
            "约定比例（{share}）有扣除风险。")
PUBLICATIONS_NOTE = ("统计期内各渠道发布的全部内容（按发布日期），链接为发布时登记的网络地址。")
SIGNATURES_NOTE = ("统计期内发布的每个内容版本在审校链上的每一级签署：签署人、角色、时间"
                   "（北京时间）与结论，每个签署一行。")
KPI_HEAD = ["增长指标", "基线", "期末数值", "增长", "约定增长", "目标", "推算合同期末", "状态"]
PUBLICATION_HEAD = ["发布日期", "标题", "内容类型", "链接"]
SIGNATURE_HEAD = ["内容标题", "内容类型", "版本", "发布渠道", "审校级别", "签署人", "角色",
                  "签署时间", "结论", "状态"]


@dataclass(frozen=True)
class KpiLine:
    """A growth KPI as GET /compliance/growth answers it on the span's last day."""

    name: str
    baseline: int | None
    current: int | None
    growth: float | None
    growth_required: float | None
    target: int | None
    projected: int | None
    behind: bool | None


@dataclass(frozen=True)
class PublicationLine:
    day: date
    title: str
    kind: str  # its label: 文章
    url: str


@dataclass(frozen=True)
class ChannelPublications:
    name: str  # the platform: 微信公众号
    publications: list[PublicationLine]


@dataclass(frozen=True)
class SignatureLine:
    title: str
    kind: str
    version: int
    channels: str  # the platforms it was published on, 、-joined
    level: str  # 一审 …
    signer: str
    role: str
    signed_at: datetime
    decision: str  # 通过, 退回
    voided_at: datetime | None


@dataclass(frozen=True)
class TermReportData:
    contract: str
    client: str
    contractor: str
    kind: str  # midterm, final
    period: str
    start: date
    end: date
    generated_at: datetime
    kpis: list[KpiLine]
    withheld_share: float
    price_at_risk: float
    days_left: int  # from the span's end to the term's: 0 for the final summary
    obligations: list[ObligationLine]
    lessons: WrittenSection
    plan: WrittenSection
    written_by: str
    written_at: datetime | None
    channels: list[ChannelPublications]
    signatures: list[SignatureLine]

    @property
    def title(self) -> str:
        return f"{TERM_TITLES[self.kind]}（{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}）"

    @property
    def caption(self) -> str:
        return f"（{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}）"


def local_time(moment: datetime) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- tables

def kpi_rows(report: TermReportData) -> list[list[Cell]]:
    states = KPI_STATES if report.days_left else KPI_STATES_AT_END
    return [[(k.name, "text"), (k.baseline, "int"), (k.current, "int"), (k.growth, "pct"),
             (k.growth_required, "pct"), (k.target, "int"), (k.projected, "int"),
             (states[k.behind], "text")] for k in report.kpis]


def publication_rows(channel: ChannelPublications) -> list[list[Cell]]:
    return [[(p.day, "date"), (p.title, "text"), (p.kind, "text"), (p.url, "text")]
            for p in channel.publications]


def signature_rows(report: TermReportData) -> list[list[Cell]]:
    return [[(s.title, "text"), (s.kind, "text"), (s.version, "int"), (s.channels, "text"),
             (s.level, "text"), (s.signer, "text"), (s.role, "text"),
             (local_time(s.signed_at), "text"), (s.decision, "text"),
             ("有效" if s.voided_at is None else f"已作废（{local_time(s.voided_at)}）", "text")]
            for s in report.signatures]


def risk_text(report: TermReportData) -> str:
    if report.price_at_risk:
        return (f"有增长指标推算未达目标：合同总价的 {report.withheld_share:.0%} "
                f"（{report.price_at_risk:,.2f} 元）有扣除风险。")
    return "各增长指标均未显示扣款风险（扣款风险金额 0.00 元）。"


def _publication_total(report: TermReportData) -> str:
    counts = "，".join(f"{c.name} {len(c.publications):,} 条" for c in report.channels)
    total = sum(len(c.publications) for c in report.channels)
    return f"统计期内共发布 {total:,} 条：{counts}。"


# ---------------------------------------------------------------- the Word document

def render_term_report_docx(report: TermReportData) -> bytes:
    document = new_document(report.title, report_heading(
        report.contract, report.client, report.contractor, report.start, report.end),
        report.generated_at, report.contractor)
    document.add_heading("一、增长指标", level=1)
    add_table(document, KPI_HEAD, kpi_rows(report), empty="合同没有约定增长指标。")
    document.add_paragraph(risk_text(report))
    document.add_paragraph(KPI_NOTE.format(share=f"{report.withheld_share:.0%}"))
    document.add_heading("二、发布义务完成情况", level=1)
    add_table(document, OBLIGATION_HEAD, obligation_rows(report), empty="合同没有发布义务。")
    document.add_paragraph(OBLIGATIONS_NOTE)
    add_written_sections(document, [("三", report.lessons), ("四", report.plan)],
                         report.written_by, report.written_at)
    document.add_heading("五、各新媒体平台发布内容清单及网络链接", level=1)
    document.add_paragraph(_publication_total(report))
    for channel in report.channels:
        document.add_heading(f"{channel.name}（{len(channel.publications):,} 条）", level=2)
        add_table(document, PUBLICATION_HEAD, publication_rows(channel),
                  empty="统计期内没有发布。")
    document.add_paragraph(PUBLICATIONS_NOTE)
    document.add_paragraph(f"编辑审校记录（{len(report.signatures):,} 个签署）见附件工作簿。")
    return document_bytes(document)


# ---------------------------------------------------------------- the workbooks

def channel_sheet_title(name: str) -> str:
    """A sheet's name: at most 31 characters, none of those Excel refuses."""
    return ("发布清单-" + "".join(c for c in name if c not in "[]:*?/\\"))[:31]


def render_term_report_xlsx(report: TermReportData) -> bytes:
    """The document's tables, a sheet each, then one sheet per channel of its publications."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    caption = report.caption
    add_sheet(workbook, "概况", f"{report.title}", ["项目", "内容"], [
        [("项目", "text"), (report.contract, "text")],
        [("委托方", "text"), (report.client, "text")],
        [("服务方", "text"), (report.contractor, "text")],
        [("统计开始", "text"), (report.start, "date")],
        [("统计结束", "text"), (report.end, "date")],
        [("发布条数", "text"), (sum(len(c.publications) for c in report.channels), "int")],
        [("审校签署数", "text"), (len(report.signatures), "int")],
        [("扣款风险金额（元）", "text"), (report.price_at_risk, "decimal")]])
    add_sheet(workbook, "增长指标", f"增长指标{caption}", KPI_HEAD, kpi_rows(report),
              [risk_text(report), KPI_NOTE.format(share=f"{report.withheld_share:.0%}")])
    add_sheet(workbook, "发布义务", f"发布义务完成情况{caption}", OBLIGATION_HEAD,
              obligation_rows(report), [OBLIGATIONS_NOTE])
    add_sheet(workbook, "经验与计划", f"{report.lessons.title}与{report.plan.title}{caption}",
              ["部分", "内容"],
              [[(s.title, "text"), (s.text, "text")] for s in (report.lessons, report.plan)])
    for channel in report.channels:
        add_sheet(workbook, channel_sheet_title(channel.name),
                  f"{channel.name}发布内容清单{caption}", PUBLICATION_HEAD,
                  publication_rows(channel), [PUBLICATIONS_NOTE])
    return workbook_bytes(workbook)


def render_signatures_xlsx(report: TermReportData) -> bytes:
    """The appendix: the editing log, one row per signature."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    add_sheet(workbook, "编辑审校记录", f"附件：编辑审校记录{caption_of(report)}",
              SIGNATURE_HEAD, signature_rows(report), [SIGNATURES_NOTE])
    return workbook_bytes(workbook)


def caption_of(report: TermReportData) -> str:
    return f"——{TERM_TITLES[report.kind]}{report.caption}"
