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
    location_check: str
    people_met: int
    new_registrations: int
    notes: str
    standing: str = "已计入合同"  # whether it counts toward the contract, for people


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
class CommunityReport:
    week: WeekInfo
    community_code: str
    community_name: str
    street_code: str
    street_name: str
    liaisons: list[str]
    counts: CountFigures
    activity: ActivityFigures
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
    "done": _style("已完成", fill=PatternFill("solid", fgColor="C6EFCE")),
    "on_track": _style("按进度", fill=PatternFill("solid", fgColor="FFEB9C")),
    "behind": _style("落后", fill=PatternFill("solid", fgColor="FFC7CE")),
}


def _new_workbook(title: str) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for style in STYLES.values():
        workbook.add_named_style(style)
    workbook.properties.creator = "西城家园推广运营"
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


def _title(sheet, title: str, week: WeekInfo, width: int) -> None:
    _put(sheet, 1, 1, title, "title")
    _put(sheet, 2, 1, f"{week.week}（{week.start:%Y-%m-%d} 至 {week.end:%Y-%m-%d}）  生成时间 "
                      f"{_local(week.generated_at):%Y-%m-%d %H:%M}", "note")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.row_dimensions[1].height = 24


def _table(sheet, title: str, week: WeekInfo, columns: list[tuple[str, str]],
           rows: list[list], totals: list | None = None, orientation: str = "portrait") -> int:
    """A titled table: header on row 4, frozen and repeated when printed. Returns the first
    data row."""
    _title(sheet, title, week, len(columns))
    widths = [_text_width(name) for name, _ in columns]
    for position, (name, _style_name) in enumerate(columns, start=1):
        _put(sheet, 4, position, name, "header")
    if not rows:
        _put(sheet, 5, 1, NO_RECORDS, "text")
        sheet.merge_cells(start_row=5, start_column=1, end_row=5, end_column=len(columns))
    for offset, values in enumerate(rows + ([totals] if totals else [])):
        is_total = totals is not None and offset == len(rows)
        for position, value in enumerate(values, start=1):
            style_name = "total" if is_total else columns[position - 1][1]
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


def _summary_sheet(workbook: Workbook, report: CommunityReport) -> None:
    sheet = workbook.create_sheet("概况")
    _title(sheet, f"{report.community_name} 运营数据周报", report.week, 2)
    _put(sheet, 4, 1, "项目", "header")
    _put(sheet, 4, 2, "数值", "header")
    for row, (label, value, style_name) in enumerate(_summary_pairs(report), start=5):
        _put(sheet, row, 1, label, "label")
        _put(sheet, row, 2, value, "text" if isinstance(value, str) else style_name)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 44
    sheet.freeze_panes = "A5"
    _print_setup(sheet, "4:4")


def render_community_workbook(report: CommunityReport) -> bytes:
    """The community's own last week: summary, visits, activities, open problems, trend."""
    workbook = _new_workbook(f"{report.community_name} {report.week.week} 运营数据周报")
    _summary_sheet(workbook, report)
    _table(workbook.create_sheet("走访"), f"{report.community_name} 本周已记录的走访",
           report.week,
           [("走访时间", "datetime"), ("联络员", "text"), ("目的", "text"), ("定位核验", "text"),
            ("是否计入合同", "text"), ("接触人数", "int"), ("现场注册", "int"),
            ("备注", "text")],
           [[_local(v.visited_at), v.liaison, v.purpose, v.location_check, v.standing,
             v.people_met, v.new_registrations, v.notes] for v in report.visits])
    _table(workbook.create_sheet("活动"), f"{report.community_name} 本周活动与培训",
           report.week,
           [("日期", "date"), ("类别", "text"), ("名称", "text"), ("范围", "text"),
            ("人数", "int"), ("现场注册", "int"), ("现场实名", "int")],
           [[a.date, a.kind, a.title, a.scope, a.people, a.signups_registered,
             a.signups_verified] for a in report.activities])
    _table(workbook.create_sheet("问题"), f"{report.community_name} 未解决问题", report.week,
           [("提出日期", "date"), ("问题", "text"), ("类别", "text"), ("状态", "text"),
            ("已持续天数", "int")],
           [[p.opened_on, p.title, p.category, p.status, p.days_open]
            for p in report.open_problems])
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


def render_summary_workbook(report: SummaryReport) -> bytes:
    """A street's or the district's week: a row per community (per street), the targets and
    verified users against the target line."""
    unit = "社区" if report.level == "street" else "街道"
    share = "占街道比例" if report.level == "street" else "占全区比例"
    rank = "全区排名" if report.level == "street" else "街道排名"
    workbook = _new_workbook(f"{report.name} {report.week.week} 运营数据汇总")
    _table(workbook.create_sheet("汇总"), f"{report.name} 运营数据周报汇总", report.week,
           [(f"{unit}编码", "text"), (unit, "text"), ("注册用户数", "int"),
            ("注册较上周", "signed"), ("实名认证用户数", "int"), ("实名较上周", "signed"),
            (rank, "int"), (share, "pct"),
            ("本周走访（计入合同）", "int"), ("累计走访（计入合同）", "int"),
            ("距上次走访天数", "int"),
            ("本周活动", "int"), ("本周培训", "int"), ("未解决问题", "int")],
           [_summary_values(row) for row in report.rows],
           totals=["合计", f"{len(report.rows)} 个{unit}", *_summary_values(report.totals)[2:]],
           # Fourteen columns read better across the page than shrunk to portrait width.
           orientation="landscape")
    targets = workbook.create_sheet("目标")
    first = _table(targets, f"合同目标完成情况（截至 {report.week.end:%Y-%m-%d}）", report.week,
                   [("目标", "text"), ("目标值", "decimal"), ("完成值", "decimal"),
                    ("完成率", "pct"), ("按进度应完成", "decimal"), ("状态", "text"),
                    ("尚未覆盖的街道", "text")],
                   [[t.name, t.target, t.actual, t.progress, t.expected_by_now,
                     STATUS_LABELS.get(t.status, t.status), "、".join(t.missing)]
                    for t in report.targets])
    for offset, target in enumerate(report.targets):
        # Rewritten rather than restyled: a new style would drop write_cell's quotePrefix.
        _put(targets, first + offset, 6, STATUS_LABELS.get(target.status, target.status),
             target.status)
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
