"""重点内容传播分析报告 of a content contract as files: for one piece of content, its reach on
each channel it was published on (reads, shares, likes at fixed ages after publication) beside
the channel's median for publications of the same kind, the totals across channels, and the
team's two written sections; the same figures as a workbook, a sheet per table. Plain data in,
bytes out; user text (titles, URLs, the written sections) goes in as text runs and through
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
    chart_png,
    document_bytes,
    new_document,
    pyplot,
    workbook_bytes,
)

FIGURES = ("reads", "shares", "likes")
AGES_NOTE = ("发布后第 N 天的数据：发布日（北京时间）加 N 天当日或之前最近一次统计的累计数；"
             "截至统计日尚未到达的天数不列数据（“—”），到达而没有统计的亦为“—”。")
MEDIAN_NOTE = ("同类中位数：同一合同、同一渠道、同一内容类型的其他发布（不含本内容）在发布后"
               "同一天数的数据中位数；只计截至统计日已到达该天数且有统计的发布，参与比较的条数列在表中。"
               "相对中位数 =（本内容 − 中位数）÷ 中位数。")
TOTAL_NOTE = "合计为各渠道在发布后同一天数的数据之和（只计有数据的渠道，有数据的渠道数列在表中）。"


@dataclass(frozen=True)
class AgeFigures:
    """A publication's figures at one age after it went out, beside its peers' medians."""

    age: int  # days after the publication day
    day: date  # the publication day + age
    reached: bool  # the day is on or before the report's as-of day
    figures: tuple[int, int, int] | None  # reads, shares, likes; None: no snapshot (yet)
    medians: tuple[float, float, float] | None  # None: no peer to compare with
    compared: int  # how many peers' figures made the medians

    @property
    def change(self) -> float | None:
        """The reads against the peers' median."""
        if self.figures is None or not self.medians or not self.medians[0]:
            return None
        return round((self.figures[0] - self.medians[0]) / self.medians[0], 4)


@dataclass(frozen=True)
class ChannelReach:
    """One publication of the content (on one channel): its latest figures and its ages."""

    name: str  # the channel's name for people, with the day when the channel has two
    published_on: date
    url: str
    latest_day: date | None  # the latest snapshot on or before the as-of day
    latest: tuple[int, int, int] | None
    peers: int  # the channel's other publications of the same kind
    ages: list[AgeFigures]


@dataclass(frozen=True)
class KeyContentReportData:
    contract: str
    client: str
    contractor: str
    title: str  # the content's
    kind_label: str  # 文章, 视频, …
    start: date  # the first publication day
    end: date  # the as-of day
    generated_at: datetime
    channels: list[ChannelReach]
    lessons: WrittenSection
    plan: WrittenSection
    written_by: str
    written_at: datetime | None

    @property
    def report_title(self) -> str:
        return f"重点内容传播分析报告（{self.title}）"


def _sum(values) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


# ---------------------------------------------------------------- tables

PUBLISHED_HEAD = ["渠道", "发布日", "链接", "最近统计日", "阅读量", "分享量", "点赞量",
                  "同类发布数"]
REACH_HEAD = ["发布后天数", "日期", "阅读量", "分享量", "点赞量", "同类中位阅读量",
              "同类中位分享量", "同类中位点赞量", "参与比较的同类发布", "阅读量相对中位数"]
TOTAL_HEAD = ["发布后天数", "阅读量", "分享量", "点赞量", "有数据的渠道数"]
TOTAL = "合计"


def published_rows(report: KeyContentReportData) -> list[list[Cell]]:
    rows = [[(c.name, "text"), (c.published_on, "date"), (c.url, "text"),
             (c.latest_day, "date"), *((v, "int") for v in c.latest or (None,) * 3),
             (c.peers, "int")] for c in report.channels]
    rows.append([(TOTAL, "text"), (None, "date"), ("", "text"), (None, "date"),
                 *((_sum(c.latest[i] for c in report.channels if c.latest), "int")
                   for i in range(3)), (None, "int")])
    return rows


def reach_rows(channel: ChannelReach) -> list[list[Cell]]:
    return [[(f"第 {a.age} 天", "text"), (a.day, "date"),
             *((v, "int") for v in a.figures or (None,) * 3),
             *((v, "decimal") for v in a.medians or (None,) * 3),
             (a.compared, "int"), (a.change, "pct")] for a in channel.ages]


def total_rows(report: KeyContentReportData) -> list[list[Cell]]:
    if not report.channels:
        return []
    rows = []
    for index, age in enumerate(a.age for a in report.channels[0].ages):
        known = [c.ages[index].figures for c in report.channels if c.ages[index].figures]
        rows.append([(f"第 {age} 天", "text"),
                     *((_sum(f[i] for f in known), "int") for i in range(3)),
                     (len(known), "int")])
    return rows


def _compared_text(channel: ChannelReach, kind_label: str) -> str:
    if not channel.peers:
        return f"该渠道没有其他{kind_label}发布，不作同类比较。"
    return f"与该渠道其他 {channel.peers} 条{kind_label}发布比较（各天参与比较的条数见表）。"


# ---------------------------------------------------------------- chart

def reach_chart(report: KeyContentReportData) -> bytes:
    """Reads at each age per channel, the peers' medians dashed."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6.5, 3.4))
    for channel in report.channels:
        points = [(a.age, a.figures[0]) for a in channel.ages if a.figures]
        medians = [(a.age, a.medians[0]) for a in channel.ages if a.medians]
        if points:
            line = axes.plot(*zip(*points, strict=True), "o-", label=channel.name)[0]
            if medians:
                axes.plot(*zip(*medians, strict=True), "--", color=line.get_color(),
                          label=f"{channel.name}同类中位数")
    axes.set_xlabel("发布后天数")
    axes.set_ylabel("累计阅读量")
    axes.set_title("各渠道阅读量随时间的变化")
    if axes.lines:
        axes.legend(fontsize=7)
    data = chart_png(figure)
    plt.close(figure)
    return data


# ---------------------------------------------------------------- the Word document

def render_key_content_docx(report: KeyContentReportData) -> bytes:
    document = new_document(report.report_title, [
        f"项目：{report.contract}", f"委托方：{report.client}", f"服务方：{report.contractor}",
        f"内容：{report.title}（{report.kind_label}）",
        f"统计期间：{report.start:%Y-%m-%d}（首次发布）至 {report.end:%Y-%m-%d}（统计日）"],
        report.generated_at, report.contractor)
    document.add_heading("一、发布情况", level=1)
    add_table(document, PUBLISHED_HEAD, published_rows(report), empty="没有发布记录。")
    document.add_paragraph("阅读量、分享量、点赞量为统计日当日或之前最近一次统计的累计数。")
    document.add_heading("二、各渠道传播与同类比较", level=1)
    for channel in report.channels:
        document.add_heading(channel.name, level=2)
        document.add_paragraph(_compared_text(channel, report.kind_label))
        add_table(document, REACH_HEAD, reach_rows(channel))
    document.add_paragraph(AGES_NOTE)
    document.add_paragraph(MEDIAN_NOTE)
    if report.channels:
        document.add_picture(io.BytesIO(reach_chart(report)), width=Cm(15))
    document.add_heading("三、各渠道合计", level=1)
    add_table(document, TOTAL_HEAD, total_rows(report))
    document.add_paragraph(TOTAL_NOTE)
    add_written_sections(document, [("四", report.lessons), ("五", report.plan)],
                         report.written_by, report.written_at)
    return document_bytes(document)


# ---------------------------------------------------------------- the workbook

def render_key_content_xlsx(report: KeyContentReportData) -> bytes:
    """The document's figures, a sheet per table (one per channel), and the written sections."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    caption = f"（{report.title}，{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}）"
    add_sheet(workbook, "发布情况", f"发布情况{caption}", PUBLISHED_HEAD, published_rows(report))
    for number, channel in enumerate(report.channels, start=1):
        add_sheet(workbook, f"传播{number}", f"{channel.name}：传播与同类比较{caption}",
                  REACH_HEAD, reach_rows(channel),
                  [_compared_text(channel, report.kind_label), AGES_NOTE, MEDIAN_NOTE])
    add_sheet(workbook, "各渠道合计", f"各渠道合计{caption}", TOTAL_HEAD, total_rows(report),
              [TOTAL_NOTE])
    add_sheet(workbook, "分析与建议", f"分析与建议{caption}", ["部分", "内容"],
              [[(s.title, "text"), (s.text, "text")] for s in (report.lessons, report.plan)])
    return workbook_bytes(workbook)
