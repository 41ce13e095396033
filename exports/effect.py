"""推广效果数据分析报告 as files: a Word document (A4, Chinese, a table of contents, page
numbers, tables and charts) and the same figures as a workbook. Plain data in, bytes out.
User text (names, titles) goes into the document as text runs and into the workbook through
write_cell, never as a field or a formula."""

import io
from dataclasses import dataclass
from datetime import date, datetime

from docx.shared import Cm
from openpyxl import Workbook

from exports.cells import writable_text
from exports.document import (
    Cell,
    add_sheet,
    add_table,
    as_text,
    chart_png,
    document_bytes,
    new_document,
    pyplot,
    target_value,
    workbook_bytes,
)

STATUS = {"done": "已完成", "on_track": "按进度", "behind": "落后"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str  # for people: "2022 年 9 月"


@dataclass(frozen=True)
class TargetLine:
    name: str
    measure: str
    target: float
    actual: float
    expected: float
    status: str
    projected: str | None  # a date, "已达成", or why there is none; None for a rate


@dataclass(frozen=True)
class StreetGrowth:
    code: str
    name: str
    verified: int
    growth: int  # new verified users in the period
    previous_growth: int  # in the period of the same length before it
    target: int
    expected: float
    pace: str


@dataclass(frozen=True)
class CommunityGrowth:
    code: str
    name: str
    street: str
    verified: int
    growth: int


@dataclass(frozen=True)
class ActivityEffect:
    kind: str
    episodes: int  # community-activity pairs measured
    comparisons: int  # comparable community observations
    growth_after: float | None  # mean verified growth in the 14 days after
    growth_without: float | None  # the same for comparable communities without


@dataclass(frozen=True)
class ProblemCategory:
    category: str
    opened: int
    resolved: int
    median_days: float | None


@dataclass(frozen=True)
class FieldWork:
    visits: int
    communities_visited: int
    communities: int
    overdue: int
    overdue_after_days: int
    problems: list[ProblemCategory]


@dataclass(frozen=True)
class MonthlyContent:
    month: str
    articles: int
    topics: int
    interactions: int


@dataclass(frozen=True)
class Recommendation:
    title: str
    rule: str
    evidence: list[str]


@dataclass(frozen=True)
class EffectReport:
    contract: str
    client: str
    period: Period
    generated_at: datetime
    targets: list[TargetLine]
    streets: list[StreetGrowth]
    fastest: list[CommunityGrowth]
    slowest: list[CommunityGrowth]
    stalled: list[CommunityGrowth]
    effects: list[ActivityEffect]
    caveat: str
    field_work: FieldWork
    content: list[MonthlyContent]
    recommendations: list[Recommendation]
    contractor: str = ""  # the document's author


# ---------------------------------------------------------------- tables

def target_rows(report: EffectReport) -> list[list[Cell]]:
    return [[(t.name, "text"), target_value(t.measure, t.actual),
             target_value(t.measure, t.target), target_value(t.measure, t.expected),
             (STATUS.get(t.status, t.status), "text"), (t.projected or "按月考核", "text")]
            for t in report.targets]


def street_rows(report: EffectReport) -> list[list[Cell]]:
    return [[(s.name, "text"), (s.verified, "int"), (s.growth, "signed"),
             (s.previous_growth, "signed"), (s.target, "int"),
             (round(s.verified / s.target, 4) if s.target else None, "pct"),
             (STATUS.get(s.pace, s.pace), "text")] for s in report.streets]


def community_rows(rows: list[CommunityGrowth]) -> list[list[Cell]]:
    return [[(c.name, "text"), (c.street, "text"), (c.verified, "int"), (c.growth, "signed")]
            for c in rows]


def effect_rows(report: EffectReport) -> list[list[Cell]]:
    def difference(e):
        if e.growth_after is None or e.growth_without is None:
            return None
        return round(e.growth_after - e.growth_without, 1)
    return [[(e.kind, "text"), (e.episodes, "int"), (e.growth_after, "mean"),
             (e.comparisons, "int"), (e.growth_without, "mean"), (difference(e), "mean")]
            for e in report.effects]


def problem_rows(report: EffectReport) -> list[list[Cell]]:
    return [[(p.category, "text"), (p.opened, "int"), (p.resolved, "int"),
             (p.median_days, "days")] for p in report.field_work.problems]


def content_rows(report: EffectReport) -> list[list[Cell]]:
    return [[(m.month, "text"), (m.articles, "int"), (m.topics, "int"),
             (m.interactions, "int")] for m in report.content]


TARGET_HEAD = ["目标", "完成值", "目标值", "按进度应完成", "状态", "按近 4 周速度预计"]
STREET_HEAD = ["街道", "实名用户", "本期新增", "上期新增", "街道目标", "完成率", "进度"]
COMMUNITY_HEAD = ["社区", "街道", "实名用户", "本期新增"]
EFFECT_HEAD = ["活动", "社区·次", "其后 14 天平均增长", "可比社区·次", "可比社区平均增长", "差值"]
PROBLEM_HEAD = ["类别", "本期新增", "本期解决", "解决用时中位数（天）"]
CONTENT_HEAD = ["月份", "公众号文章", "专题", "平台互动量"]


# ---------------------------------------------------------------- charts

def street_chart(report: EffectReport) -> bytes:
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(7, 3.6))
    names = [s.name.removesuffix("街道") for s in report.streets]
    axes.bar(names, [s.growth for s in report.streets], color="#2f5597", label="本期新增")
    axes.plot(names, [s.previous_growth for s in report.streets], "o", color="#b00020",
              label="上期新增")
    axes.set_ylabel("实名认证用户（人）")
    axes.set_title(f"各街道新增实名认证用户（{report.period.label}）")
    axes.tick_params(axis="x", labelrotation=60, labelsize=8)
    axes.legend()
    data = chart_png(figure)
    plt.close(figure)
    return data


def effect_chart(report: EffectReport) -> bytes:
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6, 3))
    kinds = [e.kind for e in report.effects]
    positions = range(len(kinds))
    axes.bar([p - 0.2 for p in positions], [e.growth_after or 0 for e in report.effects],
             width=0.4, color="#2f5597", label="活动后 14 天")
    axes.bar([p + 0.2 for p in positions], [e.growth_without or 0 for e in report.effects],
             width=0.4, color="#a6a6a6", label="可比社区同期")
    axes.set_xticks(list(positions), kinds)
    axes.set_ylabel("平均增长（人）")
    axes.set_title("活动后实名认证用户增长与可比社区对比")
    axes.legend()
    data = chart_png(figure)
    plt.close(figure)
    return data


# ---------------------------------------------------------------- the Word document

def render_effect_docx(report: EffectReport) -> bytes:
    period = report.period
    document = new_document(f"推广效果数据分析报告（{period.label}）", [
        f"项目：{report.contract}", f"委托方：{report.client}",
        f"统计期间：{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}"], report.generated_at,
        report.contractor)

    document.add_heading("一、合同目标完成情况", level=1)
    document.add_paragraph(f"截至 {report.period.end:%Y-%m-%d}，各项合同目标的完成值、"
                           "按进度此时应完成的值，以及按近 4 周速度预计的完成日期。")
    add_table(document, TARGET_HEAD, target_rows(report))

    document.add_heading("二、用户增长", level=1)
    total = sum(s.growth for s in report.streets)
    previous = sum(s.previous_growth for s in report.streets)
    document.add_paragraph(f"本期全区新增实名认证用户 {total:+,} 人，上期 {previous:+,} 人。")
    document.add_heading("各街道", level=2)
    add_table(document, STREET_HEAD, street_rows(report))
    if report.streets:
        document.add_picture(io.BytesIO(street_chart(report)), width=Cm(16))
    document.add_heading("增长最快的十个社区", level=2)
    add_table(document, COMMUNITY_HEAD, community_rows(report.fastest))
    document.add_heading("增长最慢的十个社区", level=2)
    add_table(document, COMMUNITY_HEAD, community_rows(report.slowest))
    document.add_heading(f"近四周没有增长的社区（{len(report.stalled)} 个）", level=2)
    add_table(document, COMMUNITY_HEAD[:3], [r[:3] for r in community_rows(report.stalled)])

    document.add_heading("三、哪些工作带动了增长", level=1)
    document.add_paragraph("对本期每次培训、线下推广活动和走访，比较开展活动的社区在其后 14 天的"
                           "实名认证用户增长，与同一街道、起始规模相近（相差不超过 1.5 倍）且同期"
                           "未开展同类活动的社区的增长。")
    add_table(document, EFFECT_HEAD, effect_rows(report))
    if any(e.episodes for e in report.effects):
        document.add_picture(io.BytesIO(effect_chart(report)), width=Cm(14))
    document.add_paragraph(report.caveat)

    document.add_heading("四、实地工作", level=1)
    work = report.field_work
    covered = work.communities_visited / work.communities if work.communities else None
    document.add_paragraph(
        f"本期计入合同的走访 {work.visits:,} 次，覆盖 {work.communities_visited} 个社区"
        f"（共 {work.communities} 个，{as_text(covered, 'pct')}）；"
        f"期末超过 {work.overdue_after_days} 天未走访的社区 {work.overdue} 个。")
    document.add_heading("问题对接", level=2)
    add_table(document, PROBLEM_HEAD, problem_rows(report))

    document.add_heading("五、内容与互动", level=1)
    add_table(document, CONTENT_HEAD, content_rows(report))

    document.add_heading("六、建议", level=1)
    if not report.recommendations:
        document.add_paragraph("按以下规则，本期没有需要特别提示的事项。")
    for item in report.recommendations:
        document.add_heading(item.title, level=2)
        document.add_paragraph(item.rule)
        for line in item.evidence:
            document.add_paragraph(writable_text(line), style="List Bullet")
    return document_bytes(document)


# ---------------------------------------------------------------- the workbook

def render_effect_xlsx(report: EffectReport) -> bytes:
    """The document's figures, a sheet per section: numbers stay numbers, formatted as the
    document prints them."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sections = [
        ("合同目标", TARGET_HEAD, target_rows(report)),
        ("各街道增长", STREET_HEAD, street_rows(report)),
        ("增长最快社区", COMMUNITY_HEAD, community_rows(report.fastest)),
        ("增长最慢社区", COMMUNITY_HEAD, community_rows(report.slowest)),
        ("四周无增长社区", COMMUNITY_HEAD, community_rows(report.stalled)),
        ("活动与增长", EFFECT_HEAD, effect_rows(report)),
        ("问题对接", PROBLEM_HEAD, problem_rows(report)),
        ("内容与互动", CONTENT_HEAD, content_rows(report)),
        ("建议", ["建议", "规则", "依据"],
         [[(r.title, "text"), (r.rule, "text"), (line, "text")]
          for r in report.recommendations for line in r.evidence]),
    ]
    for title, head, rows in sections:
        add_sheet(workbook, title, f"{title}（{report.period.label}）", head, rows)
    return workbook_bytes(workbook)
