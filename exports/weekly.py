"""The weekly operations workbooks (运营数据报表): one per community, one per street, one for the
district. Plain data in, xlsx bytes out; styles are built once and shared, because assigning
new style objects cell by cell is what makes openpyxl slow (shared/docs/measured.md)."""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from exports.cells import writable_text, write_cell

SHANGHAI = ZoneInfo("Asia/Shanghai")
NO_RECORDS = "本周无记录"
STATUS_LABELS = {"done": "已完成", "on_track": "按进度", "behind": "落后"}


@dataclass(frozen=True)
class WeekInfo:
    week: str  # e.g. 2022-W20
    start: date
    end: date
    generated_at: datetime
    author: str = ""  # who the workbooks say made them: the contract's contractor (data)


@dataclass(frozen=True)
class CountFigures:
    registered: int
    verified: int
    registered_change: int
    verified_change: int
    rank_in_street: int | None = None
    rank_in_district: int | None = None
    share_of_street: float | None = None


@dataclass(frozen=True)
class VisitRow:
    visited_at: datetime
    liaison: str
    purpose: str
    people_met: int
    new_registrations: int
    notes: str


@dataclass(frozen=True)
class ActivityRow:
    date: date
    kind: str
    title: str
    scope: str
    people: int | None
    signups_registered: int | None
    signups_verified: int | None


@dataclass(frozen=True)
class ProblemRow:
    opened_on: date
    title: str
    category: str
    status: str
    days_open: int


@dataclass(frozen=True)
class TrendPoint:
    week: str
    end: date
    registered: int
    verified: int


@dataclass(frozen=True)
class ActivityFigures:
    """The week's work touching a place."""

    visits_week: int
    visits_contract: int
    days_since_last_visit: int | None
    events_week: int
    trainings_week: int
    service_groups: int
    problems_opened: int
    problems_resolved: int
    problems_open: int


@dataclass(frozen=True)
class Attention:
    """What a community should act on this week, against its street and its share of the
    target."""

    overdue_after_days: int
    visit_overdue: bool
    street_average_growth: float  # verified users' change, averaged over the street's communities
    target: int  # the community's even share of its street's target
    expected_by_now: int | None  # where it should stand by the week's end; None after the contract


@dataclass(frozen=True)
class CommunityReport:
    week: WeekInfo
    community_code: str
    community_name: str
    street_code: str
    street_name: str
    liaisons: list[str]
    counts: CountFigures
    activity: ActivityFigures
    attention: Attention
    visits: list[VisitRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    open_problems: list[ProblemRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)


@dataclass(frozen=True)
class SummaryRow:
    code: str
    name: str
    counts: CountFigures
    activity: ActivityFigures


@dataclass(frozen=True)
class TargetRow:
    key: str
    name: str
    target: float
    actual: float
    progress: float
    expected_by_now: float
    status: str
    missing: list[str] = field(default_factory=list)
    measure: str = "count"  # how its figures read: a count, a monthly average, a share of weeks


@dataclass(frozen=True)
class SummaryReport:
    week: WeekInfo
    level: str  # street or district
    code: str
    name: str
    rows: list[SummaryRow]
    totals: SummaryRow
    targets: list[TargetRow]
    verified_series: list[TrendPoint]
    verified_target: int


# ---------------------------------------------------------------- shared styles

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "Microsoft YaHei"


def _style(name: str, **kwargs) -> NamedStyle:
    style = NamedStyle(name=name)
    style.font = kwargs.pop("font", Font(name=_FONT, size=10))
    style.border = kwargs.pop("border", _BORDER)
    style.alignment = kwargs.pop("alignment", Alignment(vertical="center", wrap_text=True))
    for key, value in kwargs.items():
        setattr(style, key, value)
    return style


STYLES = {
    "title": _style("报表标题", font=Font(name=_FONT, size=14, bold=True), border=Border(),
                    alignment=Alignment(vertical="center")),
    "note": _style("说明", font=Font(name=_FONT, size=9, color="595959"), border=Border(),
                   alignment=Alignment(vertical="center")),
    "header": _style("表头", font=Font(name=_FONT, size=10, bold=True, color="FFFFFF"),
                     fill=PatternFill("solid", fgColor="2F5597"),
                     alignment=Alignment(horizontal="center", vertical="center",
                                         wrap_text=True)),
    "label": _style("项目", font=Font(name=_FONT, size=10, bold=True),
                    fill=PatternFill("solid", fgColor="DEEBF7")),
    "text": _style("文本"),
    "int": _style("整数", number_format="#,##0"),
    "signed": _style("增减", number_format="+#,##0;-#,##0;0"),
    "pct": _style("百分比", number_format="0.0%"),
    "decimal": _style("小数", number_format="#,##0.00"),
    "date": _style("日期", number_format="yyyy-mm-dd"),
    "datetime": _style("时间", number_format="yyyy-mm-dd hh:mm"),
    "total": _style("合计", font=Font(name=_FONT, size=10, bold=True),
                    fill=PatternFill("solid", fgColor="F2F2F2"), number_format="#,##0"),
    "total_signed": _style("合计增减", font=Font(name=_FONT, size=10, bold=True),
                           fill=PatternFill("solid", fgColor="F2F2F2"),
                           number_format="+#,##0;-#,##0;0"),
    "total_pct": _style("合计百分比", font=Font(name=_FONT, size=10, bold=True),
                        fill=PatternFill("solid", fgColor="F2F2F2"), number_format="0.0%"),
    "done": _style("已完成", fill=PatternFill("solid", fgColor="C6EFCE")),
    "on_track": _style("按进度", fill=PatternFill("solid", fgColor="FFEB9C")),
    "behind": _style("落后", fill=PatternFill("solid", fgColor="FFC7CE")),
}


def _new_workbook(title: str, author: str) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for style in STYLES.values():
        workbook.add_named_style(style)
    if author:  # else openpyxl's own name: no product is named in code
        workbook.properties.creator = writable_text(author)
    workbook.properties.title = writable_text(title)  # names are user text too
    return workbook


def _text_width(value) -> float:
    text = value if isinstance(value, str) else f"{value:,}" if isinstance(value, int) else \
        str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _print_setup(sheet, title_rows: str, orientation: str = "portrait") -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = orientation
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI).replace(tzinfo=None)


def _put(sheet, row: int, column: int, value, style: str):
    # Every cell of these workbooks goes through write_cell, so that no column can let user
    # text become a formula or carry a character that fails the file.
    return write_cell(sheet, row, column, value, STYLES[style].name)


def _title(sheet, title: str, week: WeekInfo, width: int, subtitle: str = "") -> None:
    _put(sheet, 1, 1, title, "title")
    _put(sheet, 2, 1, f"{week.week}（{week.start:%Y-%m-%d} 至 {week.end:%Y-%m-%d}）  生成时间 "
                      f"{_local(week.generated_at):%Y-%m-%d %H:%M}", "note")
    rows = [1, 2]
    if subtitle:  # what the reader must know before the table: what its figures are of
        _put(sheet, 3, 1, subtitle, "note")
        rows.append(3)
    for row in rows:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.row_dimensions[1].height = 24


# A totals row keeps its column's number format, in bold.
_TOTAL_STYLES = {"signed": "total_signed", "pct": "total_pct"}


def _table(sheet, title: str, week: WeekInfo, columns: list[tuple[str, str]],
           rows: list[list], totals: list | None = None, orientation: str = "portrait",
           subtitle: str = "") -> int:
    """A titled table: header on row 4, frozen and repeated when printed. Returns the first
    data row."""
    _title(sheet, title, week, len(columns), subtitle)
    widths = [_text_width(name) for name, _ in columns]
    for position, (name, _style_name) in enumerate(columns, start=1):
        _put(sheet, 4, position, name, "header")
    if not rows:  # nothing to add up either
        _put(sheet, 5, 1, NO_RECORDS, "text")
        sheet.merge_cells(start_row=5, start_column=1, end_row=5, end_column=len(columns))
        totals = None
    for offset, values in enumerate(rows + ([totals] if totals else [])):
        is_total = totals is not None and offset == len(rows)
        for position, value in enumerate(values, start=1):
            kind = columns[position - 1][1]
            style_name = _TOTAL_STYLES.get(kind, "total") if is_total else kind
            if isinstance(value, str) and style_name in ("int", "signed", "pct", "decimal"):
                style_name = "text"
            _put(sheet, 5 + offset, position, value, style_name)
            widths[position - 1] = max(widths[position - 1], _text_width(value or ""))
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = min(max(width + 2, 8), 48)
    sheet.freeze_panes = "A5"
    _print_setup(sheet, "4:4", orientation)
    return 5


def _line_chart(title: str, sheet, first_row: int, last_row: int, value_columns: list[int],
                category_column: int) -> LineChart:
    chart = LineChart()
    chart.title = title
    chart.height, chart.width = 8, 16
    chart.y_axis.number_format = "#,##0"
    for column in value_columns:
        chart.add_data(Reference(sheet, min_col=column, min_row=first_row - 1,
                                 max_row=last_row), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=category_column, min_row=first_row,
                                   max_row=last_row))
    return chart


# ---------------------------------------------------------------- community workbook

def _days(value: int | None):
    return "从未走访" if value is None else value


def _summary_pairs(report: CommunityReport) -> list[tuple[str, object, str]]:
    counts, activity = report.counts, report.activity
    return [
        ("社区", report.community_name, "text"),
        ("社区编码", report.community_code, "text"),
        ("所属街道", report.street_name, "text"),
        ("联络员", "、".join(report.liaisons) or "未分配", "text"),
        ("统计周", f"{report.week.week}（{report.week.start:%Y-%m-%d} 至 "
                   f"{report.week.end:%Y-%m-%d}）", "text"),
        ("注册用户数", counts.registered, "int"),
        ("注册用户数较上周", counts.registered_change, "signed"),
        ("实名认证用户数", counts.verified, "int"),
        ("实名认证用户数较上周", counts.verified_change, "signed"),
        ("街道内排名", counts.rank_in_street, "int"),
        ("全区排名", counts.rank_in_district, "int"),
        ("占街道实名用户比例", counts.share_of_street, "pct"),
        ("本周走访次数（计入合同）", activity.visits_week, "int"),
        ("合同期累计走访次数（计入合同）", activity.visits_contract, "int"),
        ("距上次走访天数", _days(activity.days_since_last_visit), "int"),
        ("本周线下推广活动", activity.events_week, "int"),
        ("本周培训", activity.trainings_week, "int"),
        ("在线服务群组", activity.service_groups, "int"),
        ("本周新增问题", activity.problems_opened, "int"),
        ("本周解决问题", activity.problems_resolved, "int"),
        ("未解决问题", activity.problems_open, "int"),
    ]


def _summary_sheet(workbook: Workbook, report: CommunityReport, left_out: list[str]) -> None:
    sheet = workbook.create_sheet("概况")
    _title(sheet, f"{report.community_name} 运营数据周报", report.week, 2)
    _put(sheet, 4, 1, "项目", "header")
    _put(sheet, 4, 2, "数值", "header")
    pairs = _summary_pairs(report)
    if left_out:  # tables with nothing in them are one line here, not pages of "no records"
        pairs.append(("本周无记录", "、".join(left_out), "text"))
    for row, (label, value, style_name) in enumerate(pairs, start=5):
        _put(sheet, row, 1, label, "label")
        _put(sheet, row, 2, value, "text" if isinstance(value, str) else style_name)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 44
    sheet.freeze_panes = "A5"
    _print_setup(sheet, "4:4")


def _people(n: float) -> str:
    return f"{round(n):,} 人"


def _signed_people(n: float) -> str:
    return f"{round(n):+,} 人" if round(n) else "0 人"


def _attention_items(report: CommunityReport) -> list[tuple[str, str, str, str]]:
    """(matter, how it stands, what it means, done/on_track/behind) for each thing to watch."""
    counts, activity, attention = report.counts, report.activity, report.attention
    days = activity.days_since_last_visit
    if days is None:
        visit = ("从未走访", "合同期内尚无计入合同的走访，请联络员尽快走访", "behind")
    elif attention.visit_overdue:
        visit = (f"距上次走访 {days} 天", f"已超过 {attention.overdue_after_days} 天未走访，"
                                           "请联络员尽快走访", "behind")
    else:
        visit = (f"距上次走访 {days} 天", f"本周走访 {activity.visits_week} 次，按期", "done")
    growth = counts.verified_change
    average = attention.street_average_growth
    grow = (f"本周实名认证用户 {_signed_people(growth)}",
            f"{report.street_name}各社区平均 {_signed_people(average)}",
            "done" if growth >= average else "behind")
    verified, target, expected = counts.verified, attention.target, attention.expected_by_now
    if verified >= target:
        gap = ("已达到本社区分得的目标", "done")
    elif expected is None:
        gap = (f"合同期结束时差 {_people(target - verified)}", "behind")
    elif verified >= expected:
        gap = (f"按进度此时应达 {_people(expected)}，已达到；距目标还差 "
               f"{_people(target - verified)}", "on_track")
    else:
        gap = (f"按进度此时应达 {_people(expected)}，落后 {_people(expected - verified)}；"
               f"距目标还差 {_people(target - verified)}", "behind")
    share = (f"实名认证用户 {_people(verified)}，本社区分得目标 {_people(target)}"
             f"（完成 {verified / target:.1%}）" if target else
             f"实名认证用户 {_people(verified)}", *gap)
    problems = report.open_problems
    oldest = max((p.days_open for p in problems), default=0)
    problem = ((f"{len(problems)} 个未解决，最久已 {oldest} 天", "见下表，请跟进",
                "behind" if oldest >= 14 else "on_track") if problems
               else ("无未解决问题", "", "done"))
    return [("走访", *visit), ("用户增长", *grow), ("目标差距", *share), ("问题", *problem)]


def _attention_sheet(workbook: Workbook, report: CommunityReport) -> None:
    """The first page a community reads: what needs doing, coloured by how it stands, and its
    open problems with their age."""
    sheet = workbook.create_sheet("本周需关注")
    first = _table(sheet, f"{report.community_name} 本周需关注", report.week,
                   [("事项", "text"), ("情况", "text"), ("说明", "text")],
                   [[matter, state, meaning] for matter, state, meaning, _ in
                    _attention_items(report)],
                   subtitle="社区目标为街道目标在其各社区间平均分配；"
                            "“按进度此时应达”为合同开始时的人数按天匀速增至目标")
    for offset, (_, state, _, tone) in enumerate(_attention_items(report)):
        _put(sheet, first + offset, 2, state, tone)
    for column, width in zip("ABC", (12, 40, 56), strict=True):
        sheet.column_dimensions[column].width = width
    if not report.open_problems:
        return
    top = first + 5
    _put(sheet, top, 1, "未解决问题（最久的在前）", "label")
    sheet.merge_cells(start_row=top, start_column=1, end_row=top, end_column=3)
    _put(sheet, top + 1, 1, "已持续天数", "header")
    _put(sheet, top + 1, 2, "问题", "header")
    _put(sheet, top + 1, 3, "类别 · 状态 · 提出日期", "header")
    for offset, problem in enumerate(sorted(report.open_problems, key=lambda p: -p.days_open)):
        row = top + 2 + offset
        _put(sheet, row, 1, problem.days_open, "behind" if problem.days_open >= 14 else "int")
        _put(sheet, row, 2, problem.title, "text")
        _put(sheet, row, 3, f"{problem.category} · {problem.status} · "
                            f"{problem.opened_on:%Y-%m-%d}", "text")


def render_community_workbook(report: CommunityReport) -> bytes:
    """The community's own week: what needs attention first, then the summary, the week's
    visits and activities (each only when there were any), and the trend. Internal review
    labels (location checks, review standing) stay out of the community's copy."""
    workbook = _new_workbook(f"{report.community_name} {report.week.week} 运营数据周报",
                             report.week.author)
    _attention_sheet(workbook, report)
    left_out = [name for name, rows in (("走访", report.visits),
                                        ("活动与培训", report.activities)) if not rows]
    _summary_sheet(workbook, report, left_out)
    if report.visits:
        _table(workbook.create_sheet("走访"), f"{report.community_name} 本周已记录的走访",
               report.week,
               [("走访时间", "datetime"), ("联络员", "text"), ("目的", "text"),
                ("接触人数", "int"), ("现场注册", "int"), ("备注", "text")],
               [[_local(v.visited_at), v.liaison, v.purpose, v.people_met, v.new_registrations,
                 v.notes] for v in report.visits])
    if report.activities:
        _table(workbook.create_sheet("活动"), f"{report.community_name} 本周活动与培训",
               report.week,
               [("日期", "date"), ("类别", "text"), ("名称", "text"), ("范围", "text"),
                ("人数", "int"), ("现场注册", "int"), ("现场实名", "int")],
               [[a.date, a.kind, a.title, a.scope, a.people, a.signups_registered,
                 a.signups_verified] for a in report.activities])
    trend = workbook.create_sheet("趋势")
    first = _table(trend, f"{report.community_name} 近 12 周用户数", report.week,
                   [("周", "text"), ("周末日期", "date"), ("注册用户数", "int"),
                    ("实名认证用户数", "int")],
                   [[p.week, p.end, p.registered, p.verified] for p in report.trend])
    if report.trend:
        chart = _line_chart("注册与实名认证用户数", trend, first, first + len(report.trend) - 1,
                            [3, 4], 1)
        trend.add_chart(chart, f"F{first}")
    return _save(workbook)


# ---------------------------------------------------------------- street and district

def _summary_values(row: SummaryRow) -> list:
    counts, activity = row.counts, row.activity
    return [row.code, row.name, counts.registered, counts.registered_change, counts.verified,
            counts.verified_change, counts.rank_in_district if counts.rank_in_district
            is not None else "", counts.share_of_street if counts.share_of_street is not None
            else "", activity.visits_week, activity.visits_contract,
            _days(activity.days_since_last_visit), activity.events_week,
            activity.trainings_week, activity.problems_open]


def _totals_values(report: SummaryReport, unit: str) -> list:
    """The totals row: sums, the whole's share of itself (100 %), and no rank or days since
    the last visit (a minimum of those is nobody's figure)."""
    values = _summary_values(report.totals)
    values[:2] = ["合计", f"{len(report.rows)} 个{unit}"]
    values[6], values[7], values[10] = "", 1.0, ""
    return values


# How a target's figures read: people and records are whole, an average has decimals, a share
# of weeks is a percentage.
_MEASURE_STYLES = {"monthly_average": "decimal", "share_of_weeks": "pct"}


def _target_figures(target: TargetRow) -> tuple[str, list]:
    style = _MEASURE_STYLES.get(target.measure, "int")
    figures = [target.target, target.actual, target.expected_by_now]
    return style, figures if style != "int" else [round(x) for x in figures]


def _verified_line(report: SummaryReport) -> str:
    verified, target = report.totals.counts.verified, report.verified_target
    own = "本街道" if report.level == "street" else "全区"
    rule = "（全区目标按各街道社区数分配）" if report.level == "street" else ""
    done = f"，完成 {verified / target:.1%}" if target else ""
    return (f"{own}实名认证用户目标 {target:,} 人{rule}；截至本周 {verified:,} 人{done}")


def render_summary_workbook(report: SummaryReport) -> bytes:
    """A street's or the district's week: a row per community (per street), the targets and
    verified users against the target line."""
    unit = "社区" if report.level == "street" else "街道"
    share = "占街道比例" if report.level == "street" else "占全区比例"
    rank = "全区排名" if report.level == "street" else "街道排名"
    workbook = _new_workbook(f"{report.name} {report.week.week} 运营数据汇总", report.week.author)
    _table(workbook.create_sheet("汇总"), f"{report.name} 运营数据周报汇总", report.week,
           [(f"{unit}编码", "text"), (unit, "text"), ("注册用户数", "int"),
            ("注册较上周", "signed"), ("实名认证用户数", "int"), ("实名较上周", "signed"),
            (rank, "int"), (share, "pct"),
            ("本周走访（计入合同）", "int"), ("累计走访（计入合同）", "int"),
            ("距上次走访天数", "int"),
            ("本周活动", "int"), ("本周培训", "int"), ("未解决问题", "int")],
           [_summary_values(row) for row in report.rows],
           totals=_totals_values(report, unit),
           # Fourteen columns read better across the page than shrunk to portrait width.
           orientation="landscape", subtitle=_verified_line(report))
    targets = workbook.create_sheet("目标")
    whose = ("以下为合同的全区目标与全区完成情况，不是本街道的目标；"
             "本街道的实名认证用户目标见“汇总”表" if report.level == "street"
             else "以下为合同的全区目标与全区完成情况")
    # Figures and statuses are written below, each in its target's own format.
    first = _table(targets, f"合同目标完成情况（截至 {report.week.end:%Y-%m-%d}）", report.week,
                   [("目标", "text"), ("目标值", "int"), ("完成值", "int"),
                    ("完成率", "pct"), ("按进度应完成", "int"), ("状态", "text"),
                    ("尚未覆盖的街道", "text")],
                   [[t.name, *_target_figures(t)[1][:2], t.progress, "", "",
                     "、".join(t.missing)] for t in report.targets], subtitle=whose)
    for offset, target in enumerate(report.targets):
        # Rewritten rather than restyled: a new style would drop write_cell's quotePrefix.
        row = first + offset
        style, (goal, actual, expected) = _target_figures(target)
        for column, value in ((2, goal), (3, actual), (5, expected)):
            _put(targets, row, column, value, style)
        _put(targets, row, 6, STATUS_LABELS.get(target.status, target.status), target.status)
    trend = workbook.create_sheet("趋势")
    first = _table(trend, f"{report.name} 实名认证用户数与目标", report.week,
                   [("周", "text"), ("周末日期", "date"), ("实名认证用户数", "int"),
                    ("目标", "int")],
                   [[p.week, p.end, p.verified, report.verified_target]
                    for p in report.verified_series])
    if report.verified_series:
        trend.add_chart(_line_chart("实名认证用户数与目标", trend, first,
                                    first + len(report.verified_series) - 1, [3, 4], 1),
                        f"F{first}")
    return _save(workbook)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
