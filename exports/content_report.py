"""运营数据分析报告 of a content contract (monthly or quarterly) as files: a Word document with
the contract's four sections — ① users, ② content, ③ lessons learned, ④ next period's plan —
and the same figures as a workbook. Plain data in, bytes out. The team's written sections and
every other user text go into the document as text runs and into the workbook through
write_cell, never as a field or a formula."""

import io
from dataclasses import dataclass
from datetime import date, datetime

from docx.shared import Cm
from openpyxl import Workbook

from exports.document import (
    Cell,
    WrittenSection,
    add_sheet,
    add_table,
    add_written_sections,
    as_text,
    chart_png,
    document_bytes,
    new_document,
    pyplot,
    report_heading,
    workbook_bytes,
)

KIND_TITLES = {"monthly": "月度", "quarterly": "季度"}
# What the contract's words mean here, printed in the document and the workbook.
CONVERSION_NOTE = ("转化率 = 本期新增关注 ÷ 本期阅读量（平台统计的各渠道每日数据之和）；"
                   "关注来自哪篇内容平台不提供，故转化率按渠道计算，不按内容类型计算。")
SIMILAR_NOTE = ("同类内容：同一内容类型（文章、转发、一图读懂、海报、视频、互动产品）的发布。"
                "阅读量为本期发布的各条内容截至期末最近一次统计的累计阅读量之和；上期同类内容"
                "为上一{period}发布的同类内容截至上期末的累计阅读量，两者口径相同、可以比较。")
OBLIGATIONS_NOTE = ("与本期有交集的各个考核周期（日、周、月、季度、年度、合同期）分别计数：达标、"
                    "未达标、尚未结束；渠道为“—”的义务按其所指各渠道合计。逐期明细见合规统计"
                    "（GET /api/v1/compliance）。")
SOURCES_NOTE = ("新增关注的来源取自平台“用户增长”统计中按来源拆分的每日人数，本期各日之和；"
                "某日的统计未按来源拆分时，该日的新增关注计入“未注明来源”。")
NO_SOURCES_NOTE = ("新增关注的来源：本期导入的平台统计数据不含关注来源，本报告不列出；平台导出"
                   "按来源拆分的数据后，报告列出各来源的人数。")
UNKNOWN_SOURCE = "未注明来源"
USERS_NOTE = ("期初、期末累计关注为各渠道在期初前一日、期末当日（或之前最近一次）统计的关注人数；"
              "新增关注、取消关注为本期各日之和。")


@dataclass(frozen=True)
class ChannelUsers:
    """① A channel's users in the period."""

    name: str  # the platform's name for people: 微信公众号
    followers_start: int | None  # at the end of the day before the period (None: no snapshot)
    new_followers: int
    unfollows: int
    followers_end: int | None  # at the period's last day (None: no snapshot yet)
    days_recorded: int
    sources: dict[str, int]  # of new_followers, by source (its label), where the days said


@dataclass(frozen=True)
class ChannelContent:
    """② A channel's reads and shares in the period, the conversion, and last period's."""

    name: str
    reads: int
    shares: int
    new_followers: int
    previous_reads: int | None  # None: the previous period is before the term

    @property
    def conversion(self) -> float | None:
        return round(self.new_followers / self.reads, 4) if self.reads else None


@dataclass(frozen=True)
class KindContent:
    """② A kind of content published in the period beside the same kind last period."""

    label: str
    publications: int
    reads: int
    shares: int
    previous_publications: int | None
    previous_reads: int | None

    @property
    def reads_each(self) -> float | None:
        return round(self.reads / self.publications, 2) if self.publications else None

    @property
    def change(self) -> float | None:
        """The reads' change against the same kind last period."""
        if not self.previous_reads:
            return None
        return round((self.reads - self.previous_reads) / self.previous_reads, 4)


@dataclass(frozen=True)
class ObligationLine:
    """② An obligation of the contract (on one channel, for a per-channel one) over the
    periods of it that overlap the report's, as GET /compliance summarizes it."""

    name: str
    channel: str  # the platform's name, or — for the obligation's channels together
    periods: int
    met: int
    short: int
    pending: int
    short_labels: tuple[str, ...]


@dataclass(frozen=True)
class ContentReportData:
    contract: str
    client: str
    contractor: str
    kind: str  # monthly, quarterly
    period: str  # 2023-10, 2023/24-Q2
    start: date
    end: date
    previous: str | None  # the previous period's label, None before the term
    generated_at: datetime
    users: list[ChannelUsers]
    source_labels: tuple[str, ...]  # the sources any channel's users came from, in order
    channels: list[ChannelContent]
    kinds: list[KindContent]
    obligations: list[ObligationLine]
    lessons: WrittenSection
    plan: WrittenSection
    written_by: str
    written_at: datetime | None

    @property
    def title(self) -> str:
        return f"新媒体运营{KIND_TITLES[self.kind]}数据分析报告（{self.period}）"

    @property
    def period_word(self) -> str:
        return "月" if self.kind == "monthly" else "季度"


def _sum(values) -> int | None:
    """A total of figures some of which may be missing: None only if all are."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


# ---------------------------------------------------------------- tables

USER_HEAD = ["渠道", "期初累计关注", "新增关注", "取消关注", "净增关注", "期末累计关注",
             "有统计的天数"]
CHANNEL_HEAD = ["渠道", "阅读量", "分享量", "新增关注", "转化率", "上期阅读量"]
KIND_HEAD = ["内容类型", "本期发布", "本期阅读量", "本期分享量", "篇均阅读", "上期同类发布",
             "上期同类阅读量", "阅读量变化"]
OBLIGATION_HEAD = ["发布义务", "渠道", "考核周期数", "达标", "未达标", "尚未结束",
                   "未达标的周期"]
TOTAL = "合计"


def user_rows(report: ContentReportData) -> list[list[Cell]]:
    rows = [[(u.name, "text"), (u.followers_start, "int"), (u.new_followers, "int"),
             (u.unfollows, "int"), (u.new_followers - u.unfollows, "signed"),
             (u.followers_end, "int"), (u.days_recorded, "int")] for u in report.users]
    users = report.users
    new, gone = sum(u.new_followers for u in users), sum(u.unfollows for u in users)
    rows.append([(TOTAL, "text"), (_sum(u.followers_start for u in users), "int"),
                 (new, "int"), (gone, "int"), (new - gone, "signed"),
                 (_sum(u.followers_end for u in users), "int"),
                 (sum(u.days_recorded for u in users), "int")])
    return rows


def source_head(report: ContentReportData) -> list[str]:
    return ["渠道", *report.source_labels, UNKNOWN_SOURCE, "新增关注"]


def source_rows(report: ContentReportData) -> list[list[Cell]]:
    """① Where each channel's new followers came from; the rest is 未注明来源."""
    def row(name: str, sources: dict[str, int], new: int) -> list[Cell]:
        return [(name, "text"), *((sources.get(label, 0), "int")
                                  for label in report.source_labels),
                (new - sum(sources.values()), "int"), (new, "int")]
    users = report.users
    total = {label: sum(u.sources.get(label, 0) for u in users)
             for label in report.source_labels}
    return [row(u.name, u.sources, u.new_followers) for u in users] + [
        row(TOTAL, total, sum(u.new_followers for u in users))]


def channel_rows(report: ContentReportData) -> list[list[Cell]]:
    channels = report.channels
    total = ChannelContent(TOTAL, sum(c.reads for c in channels),
                           sum(c.shares for c in channels),
                           sum(c.new_followers for c in channels),
                           _sum(c.previous_reads for c in channels))
    return [[(c.name, "text"), (c.reads, "int"), (c.shares, "int"), (c.new_followers, "int"),
             (c.conversion, "pct"), (c.previous_reads, "int")] for c in [*channels, total]]


def kind_rows(report: ContentReportData) -> list[list[Cell]]:
    return [[(k.label, "text"), (k.publications, "int"), (k.reads, "int"), (k.shares, "int"),
             (k.reads_each, "decimal"), (k.previous_publications, "int"),
             (k.previous_reads, "int"), (k.change, "pct")] for k in report.kinds]


def obligation_rows(report: ContentReportData) -> list[list[Cell]]:
    return [[(o.name, "text"), (o.channel, "text"), (o.periods, "int"), (o.met, "int"),
             (o.short, "int"), (o.pending, "int"), ("、".join(o.short_labels) or "—", "text")]
            for o in report.obligations]


def _previous_text(report: ContentReportData) -> str:
    return (f"上期为 {report.previous}" if report.previous
            else "本期为合同期第一期，没有可比较的上期（上期各列为“—”）")


# ---------------------------------------------------------------- chart

def reads_chart(report: ContentReportData) -> bytes:
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6.5, 3.2))
    names = [c.name for c in report.channels]
    axes.bar(names, [c.reads for c in report.channels], color="#2f5597", label="本期阅读量")
    if report.previous:
        axes.plot(names, [c.previous_reads or 0 for c in report.channels], "o",
                  color="#b00020", label="上期阅读量")
    axes.set_ylabel("阅读量")
    axes.set_title(f"各渠道阅读量（{report.period}）")
    axes.legend()
    data = chart_png(figure)
    plt.close(figure)
    return data


# ---------------------------------------------------------------- the Word document

def render_content_report_docx(report: ContentReportData) -> bytes:
    document = new_document(report.title, report_heading(
        report.contract, report.client, report.contractor, report.start, report.end),
        report.generated_at, report.contractor)

    document.add_heading("一、用户情况", level=1)
    users = user_rows(report)[-1]
    document.add_paragraph(
        f"本期各渠道合计新增关注 {as_text(users[2][0], 'int')} 人，取消关注 "
        f"{as_text(users[3][0], 'int')} 人，净增 {as_text(users[4][0], 'signed')} 人；期末累计关注 "
        f"{as_text(users[5][0], 'int')} 人。")
    add_table(document, USER_HEAD, user_rows(report))
    document.add_paragraph(USERS_NOTE)
    if report.source_labels:
        document.add_heading("新增关注的来源", level=2)
        add_table(document, source_head(report), source_rows(report))
        document.add_paragraph(SOURCES_NOTE)
    else:
        document.add_paragraph(NO_SOURCES_NOTE)

    document.add_heading("二、内容情况", level=1)
    document.add_heading("各渠道阅读、分享与转化", level=2)
    add_table(document, CHANNEL_HEAD, channel_rows(report))
    document.add_paragraph(CONVERSION_NOTE)
    document.add_paragraph(_previous_text(report) + "。")
    if report.channels:
        document.add_picture(io.BytesIO(reads_chart(report)), width=Cm(15))
    document.add_heading("同类内容的阅读与比较", level=2)
    add_table(document, KIND_HEAD, kind_rows(report), empty="本期没有发布记录。")
    document.add_paragraph(SIMILAR_NOTE.format(period=report.period_word))
    document.add_heading("发布义务完成情况", level=2)
    add_table(document, OBLIGATION_HEAD, obligation_rows(report), empty="本期没有发布义务。")
    document.add_paragraph(OBLIGATIONS_NOTE)

    add_written_sections(document, [("三", report.lessons), ("四", report.plan)],
                         report.written_by, report.written_at)
    return document_bytes(document)


# ---------------------------------------------------------------- the workbook

def render_content_report_xlsx(report: ContentReportData) -> bytes:
    """The document's figures, a sheet per table, and the written sections."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    caption = f"（{report.period}，{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}）"
    add_sheet(workbook, "用户情况", f"用户情况{caption}", USER_HEAD, user_rows(report),
              [USERS_NOTE] if report.source_labels else [USERS_NOTE, NO_SOURCES_NOTE])
    if report.source_labels:
        add_sheet(workbook, "关注来源", f"新增关注的来源{caption}", source_head(report),
                  source_rows(report), [SOURCES_NOTE])
    add_sheet(workbook, "各渠道内容", f"各渠道阅读、分享与转化{caption}", CHANNEL_HEAD,
              channel_rows(report), [CONVERSION_NOTE, _previous_text(report)])
    add_sheet(workbook, "同类内容", f"同类内容的阅读与比较{caption}", KIND_HEAD,
              kind_rows(report), [SIMILAR_NOTE.format(period=report.period_word)])
    add_sheet(workbook, "发布义务", f"发布义务完成情况{caption}", OBLIGATION_HEAD,
              obligation_rows(report), [OBLIGATIONS_NOTE])
    add_sheet(workbook, "经验与计划", f"经验总结与下期计划{caption}", ["部分", "内容"],
              [[(s.title, "text"), (s.text, "text")] for s in (report.lessons, report.plan)])
    return workbook_bytes(workbook)
