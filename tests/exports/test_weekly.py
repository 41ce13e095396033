"""The weekly workbooks rendered from hand-built data (no database), reopened with openpyxl."""

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from exports.weekly import (
    NO_RECORDS,
    ActivityFigures,
    ActivityRow,
    CommunityReport,
    CountFigures,
    ProblemRow,
    SummaryReport,
    SummaryRow,
    TargetRow,
    TrendPoint,
    VisitRow,
    WeekInfo,
    render_community_workbook,
    render_summary_workbook,
)

WEEK = WeekInfo("2022-W20", date(2022, 5, 16), date(2022, 5, 22),
                datetime(2022, 5, 23, 1, 0, tzinfo=UTC))
COUNTS = CountFigures(12345, 6789, 120, -3, 2, 40, 0.125)
ACTIVITY = ActivityFigures(2, 9, 1, 1, 0, 3, 1, 0, 2)


def community(**overrides) -> CommunityReport:
    values = dict(
        week=WEEK, community_code="110102001004", community_name="府右街南社区居委会",
        street_code="110102001000", street_name="西长安街街道", liaisons=["王静", "李伟"],
        counts=COUNTS, activity=ACTIVITY,
        visits=[VisitRow(datetime(2022, 5, 17, 2, 30, tzinfo=UTC), "王静", "日常走访", "位置正常",
                         3, 2, "讲解实名认证")],
        activities=[ActivityRow(date(2022, 5, 18), "线下推广活动", "拉新活动", "府右街南社区居委会",
                                120, 60, 45)],
        open_problems=[ProblemRow(date(2022, 5, 1), "老年人注册难", "账号注册", "处理中", 21)],
        trend=[TrendPoint(f"2022-W{w:02d}", date(2022, 3, 6), 1000 + w, 500 + w)
               for w in range(9, 21)])
    values.update(overrides)
    return CommunityReport(**values)


def reopen(data: bytes):
    return load_workbook(io.BytesIO(data))


def summary_values(sheet) -> dict:
    return {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2)
            for r in range(5, sheet.max_row + 1)}


def test_community_workbook_has_its_sheets_and_figures():
    book = reopen(render_community_workbook(community()))
    assert book.sheetnames == ["概况", "走访", "活动", "问题", "趋势"]
    summary = summary_values(book["概况"])
    assert summary["社区"].value == "府右街南社区居委会"
    assert summary["社区编码"].value == "110102001004"  # a code stays text
    assert summary["联络员"].value == "王静、李伟"
    assert summary["实名认证用户数"].value == 6789
    assert summary["实名认证用户数"].number_format == "#,##0"
    assert summary["实名认证用户数较上周"].value == -3
    assert summary["占街道实名用户比例"].number_format == "0.0%"
    assert summary["距上次走访天数"].value == 1
    assert "2022-05-16 至 2022-05-22" in summary["统计周"].value
    visits = book["走访"]
    assert visits["A4"].value == "走访时间" and visits["B5"].value == "王静"
    assert visits["A5"].value == datetime(2022, 5, 17, 10, 30)  # shown in Asia/Shanghai
    assert book["问题"]["E5"].value == 21
    assert book["活动"]["G5"].value == 45


def test_empty_tables_say_so_and_never_visited_is_written_out():
    report = community(visits=[], activities=[], open_problems=[],
                       activity=ActivityFigures(0, 0, None, 0, 0, 0, 0, 0, 0))
    book = reopen(render_community_workbook(report))
    for name in ["走访", "活动", "问题"]:
        assert book[name]["A5"].value == NO_RECORDS
    assert summary_values(book["概况"])["距上次走访天数"].value == "从未走访"


def test_print_setup_frozen_headers_and_a_chart():
    book = reopen(render_community_workbook(community()))
    for sheet in book.worksheets:
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        assert sheet.page_setup.orientation == "portrait"
        assert sheet.freeze_panes == "A5"
        assert sheet.print_title_rows == "$4:$4"
    assert len(book["趋势"]._charts) == 1
    assert book["趋势"]["D16"].value == 520


def test_rendering_is_deterministic():
    first = reopen(render_community_workbook(community()))
    second = reopen(render_community_workbook(community()))
    for sheet in first.sheetnames:
        cells = [[c.value for c in row] for row in first[sheet].iter_rows()]
        assert cells == [[c.value for c in row] for row in second[sheet].iter_rows()]


def test_summary_workbook_has_rows_totals_targets_and_chart():
    row = SummaryRow("110102001004", "府右街南社区居委会", COUNTS, ACTIVITY)
    report = SummaryReport(
        WEEK, "street", "110102001000", "西长安街街道", [row, row],
        SummaryRow("110102001000", "西长安街街道", CountFigures(24690, 13578, 240, -6),
                   ActivityFigures(4, 18, 1, 1, 0, 3, 2, 0, 4)),
        [TargetRow("trainings_streets", "各街道集中培训覆盖", 15, 13, 0.8667, 7.5, "on_track",
                   ["展览路街道", "什刹海街道"]),
         TargetRow("cases", "典型案例", 20, 5, 0.25, 10, "behind")],
        [TrendPoint("2022-W20", date(2022, 5, 22), 24690, 13578)], 14639)
    book = reopen(render_summary_workbook(report))
    assert book.sheetnames == ["汇总", "目标", "趋势"]
    table = book["汇总"]
    assert table["B4"].value == "社区" and table["A5"].value == "110102001004"
    assert table["A7"].value == "合计" and table["E7"].value == 13578
    assert table.page_setup.orientation == "landscape"
    targets = book["目标"]
    assert targets["F5"].value == "按进度" and targets["G5"].value == "展览路街道、什刹海街道"
    assert targets["F6"].value == "落后"
    assert targets["F6"].fill.fgColor.rgb.endswith("FFC7CE")
    assert book["趋势"]["D5"].value == 14639 and len(book["趋势"]._charts) == 1
