"""The weekly workbooks rendered from hand-built data (no database), reopened with openpyxl."""

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from exports.weekly import (
    NO_RECORDS,
    ActivityFigures,
    ActivityRow,
    Attention,
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
ATTENTION = Attention(overdue_after_days=30, visit_overdue=False, street_average_growth=4.5,
                      target=8000, expected_by_now=7000)


def community(**overrides) -> CommunityReport:
    values = dict(
        week=WEEK, community_code="110102001004", community_name="府右街南社区居委会",
        street_code="110102001000", street_name="西长安街街道", liaisons=["王静", "李伟"],
        counts=COUNTS, activity=ACTIVITY, attention=ATTENTION,
        visits=[VisitRow(datetime(2022, 5, 17, 2, 30, tzinfo=UTC), "王静", "日常走访", 3, 2,
                         "讲解实名认证")],
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
    assert book.sheetnames == ["本周需关注", "概况", "走访", "活动", "趋势"]
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
    assert [c.value for c in visits[4]] == ["走访时间", "联络员", "目的", "接触人数", "现场注册",
                                            "备注"]
    assert book["活动"]["G5"].value == 45


def test_empty_tables_are_one_line_and_never_visited_is_written_out():
    report = community(visits=[], activities=[], open_problems=[],
                       activity=ActivityFigures(0, 0, None, 0, 0, 0, 0, 0, 0))
    book = reopen(render_community_workbook(report))
    assert book.sheetnames == ["本周需关注", "概况", "趋势"]
    summary = summary_values(book["概况"])
    assert summary["本周无记录"].value == "走访、活动与培训"
    assert summary["距上次走访天数"].value == "从未走访"
    assert not any(c.value == NO_RECORDS for row in book["本周需关注"].iter_rows() for c in row)


def attention_rows(book) -> dict:
    sheet = book["本周需关注"]
    return {sheet.cell(row=r, column=1).value: (sheet.cell(row=r, column=2),
                                                sheet.cell(row=r, column=3).value)
            for r in range(5, 9)}


def test_the_community_workbook_opens_with_what_needs_attention():
    book = reopen(render_community_workbook(community()))
    rows = attention_rows(book)
    visit, meaning = rows["走访"]
    assert visit.value == "距上次走访 1 天" and "按期" in meaning
    assert visit.fill.fgColor.rgb.endswith("C6EFCE")
    growth, meaning = rows["用户增长"]
    # -3 this week against the street's average of +4.5: behind, in red.
    assert growth.value == "本周实名认证用户 -3 人" and meaning == "西长安街街道各社区平均 +4 人"
    assert growth.fill.fgColor.rgb.endswith("FFC7CE")
    gap, meaning = rows["目标差距"]
    assert gap.value == "实名认证用户 6,789 人，本社区分得目标 8,000 人（完成 84.9%）"
    assert meaning == "按进度此时应达 7,000 人，落后 211 人；距目标还差 1,211 人"
    problems, _ = rows["问题"]
    assert problems.value == "1 个未解决，最久已 21 天"
    sheet = book["本周需关注"]
    assert sheet["B12"].value == "老年人注册难" and sheet["A12"].value == 21
    assert sheet["A12"].fill.fgColor.rgb.endswith("FFC7CE")  # two weeks or more: red


def test_an_overdue_community_is_told_in_colour():
    report = community(activity=ActivityFigures(0, 3, 45, 0, 0, 0, 0, 0, 0),
                       attention=Attention(30, True, 0.0, 8000, None))
    rows = attention_rows(reopen(render_community_workbook(report)))
    visit, meaning = rows["走访"]
    assert visit.value == "距上次走访 45 天" and meaning == "已超过 30 天未走访，请联络员尽快走访"
    assert visit.fill.fgColor.rgb.endswith("FFC7CE")
    # After the contract there is no "expected by now", only the final gap.
    assert rows["目标差距"][1] == "合同期结束时差 1,211 人"


def test_internal_review_labels_stay_out_of_the_community_copy():
    book = reopen(render_community_workbook(community()))
    text = {c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row
            if isinstance(c.value, str)}
    assert not any(word in value for value in text for word in
                   ("定位核验", "位置正常", "距离过远", "是否计入合同", "待审核"))


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
    # The whole is 100 % of itself; a rank or a "days since the last visit" of the total is
    # nobody's figure.
    assert table["H7"].value == 1.0 and table["H7"].number_format == "0.0%"
    assert table["G7"].value in (None, "") and table["K7"].value in (None, "")
    assert table["F7"].number_format == "+#,##0;-#,##0;0"
    assert table["A3"].value == ("本街道实名认证用户目标 14,639 人（全区目标按各街道社区数分配）；"
                                 "截至本周 13,578 人，完成 92.8%")
    assert table.page_setup.orientation == "landscape"
    targets = book["目标"]
    assert targets["A3"].value.startswith("以下为合同的全区目标与全区完成情况，不是本街道的目标")
    # Whole targets print whole, and the expected-by-now figure is whole people.
    assert (targets["B5"].value, targets["B5"].number_format) == (15, "#,##0")
    assert targets["E5"].value == 8
    assert targets["F5"].value == "按进度" and targets["G5"].value == "展览路街道、什刹海街道"
    assert targets["F6"].value == "落后"
    assert targets["F6"].fill.fgColor.rgb.endswith("FFC7CE")
    assert book["趋势"]["D5"].value == 14639 and len(book["趋势"]._charts) == 1


def test_targets_print_in_their_own_measure():
    report = SummaryReport(
        WEEK, "district", "district", "西城区", [],
        SummaryRow("district", "西城区", CountFigures(1, 1, 0, 0), ACTIVITY),
        [TargetRow("weekly_reports", "每周报表", 1.0, 0.96, 0.96, 1.0, "behind",
                   measure="share_of_weeks"),
         TargetRow("articles", "公众号文章（月均）", 4, 4.25, 1.06, 4, "on_track",
                   measure="monthly_average")],
        [], 350000)
    targets = reopen(render_summary_workbook(report))["目标"]
    assert targets["A3"].value == "以下为合同的全区目标与全区完成情况"
    assert (targets["C5"].value, targets["C5"].number_format) == (0.96, "0.0%")
    assert (targets["C6"].value, targets["C6"].number_format) == (4.25, "#,##0.00")
