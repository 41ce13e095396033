"""User text in every workbook kind stays text: whatever it begins with it is a string cell
holding exactly what was typed, and characters an xlsx cannot hold are dropped, not fatal."""

from datetime import UTC, date, datetime

import pytest

from exports.weekly import (
    ActivityRow,
    ProblemRow,
    SummaryReport,
    SummaryRow,
    TargetRow,
    TrendPoint,
    VisitRow,
    render_community_workbook,
    render_summary_workbook,
)
from tests.exports.test_weekly import ACTIVITY, COUNTS, WEEK, community, reopen

NASTY = ['=HYPERLINK("http://evil.example/","click")', "=cmd|' /C calc'!A0", "+1", "-1",
         "@SUM(A1)", "\tx", "\rx", "＝1+1", "＋1", "－1", "＠SUM(A1)", "#N/A"]
UNWRITABLE = "走访\x00记录\x07有\x1b控制\x7f字符\ud800与\ufffe非字符"
WRITTEN = "走访记录有控制字符与非字符"


def nasty_community(text: str):
    """A community report whose every text field is `text`."""
    return community(
        community_code=text, community_name=text, street_code=text, street_name=text,
        liaisons=[text],
        visits=[VisitRow(datetime(2022, 5, 17, 2, 30, tzinfo=UTC), text, text, 3, 2, text)],
        activities=[ActivityRow(date(2022, 5, 18), text, text, text, 120, 60, 45)],
        open_problems=[ProblemRow(date(2022, 5, 1), text, text, text, 21)],
        trend=[TrendPoint(text, date(2022, 5, 22), 1000, 500)])


def nasty_summary(text: str, level: str) -> SummaryReport:
    """A street's or the district's report whose every text field is `text`."""
    row = SummaryRow(text, text, COUNTS, ACTIVITY)
    return SummaryReport(
        WEEK, level, text, text, [row], SummaryRow(text, text, COUNTS, ACTIVITY),
        [TargetRow(text, text, 15, 13, 0.8667, 7.5, "on_track", [text])],
        [TrendPoint(text, date(2022, 5, 22), 24690, 13578)], 14639)


# Where each field lands: (sheet, cell) of every cell that holds exactly the user's text.
COMMUNITY_CELLS = [("概况", "B5"), ("概况", "B6"), ("概况", "B7"), ("概况", "B8"),
                   ("走访", "B5"), ("走访", "C5"), ("走访", "F5"),
                   ("活动", "B5"), ("活动", "C5"), ("活动", "D5"),
                   ("本周需关注", "B12"), ("趋势", "A5")]
SUMMARY_CELLS = [("汇总", "A5"), ("汇总", "B5"), ("目标", "A5"), ("目标", "G5"), ("趋势", "A5")]
KINDS = {
    "community": (lambda text: render_community_workbook(nasty_community(text)),
                  COMMUNITY_CELLS),
    "street": (lambda text: render_summary_workbook(nasty_summary(text, "street")),
               SUMMARY_CELLS),
    "district": (lambda text: render_summary_workbook(nasty_summary(text, "district")),
                 SUMMARY_CELLS),
}


def every_cell(book):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", NASTY)
def test_text_that_looks_like_a_formula_is_written_as_text(kind, text):
    render, cells = KINDS[kind]
    book = reopen(render(text))
    for sheet, ref in cells:
        cell = book[sheet][ref]
        assert (cell.value, cell.data_type) == (text, "s"), (sheet, ref)
        # Kept as text when someone edits the cell in Excel or LibreOffice, too.
        assert cell.quotePrefix, (sheet, ref)
    # No cell of the book is a formula or an error value, titles that start with a name
    # included; figures keep their number and date types.
    types = {cell.data_type for cell in every_cell(book) if cell.value is not None}
    assert types <= {"s", "n", "d"}
    assert "n" in types
    for cell in every_cell(book):
        if isinstance(cell.value, str):
            assert cell.data_type == "s", (cell.parent.title, cell.coordinate, cell.value)


@pytest.mark.parametrize("kind", KINDS)
def test_characters_a_workbook_cannot_hold_are_dropped(kind):
    render, cells = KINDS[kind]
    book = reopen(render(UNWRITABLE))
    for sheet, ref in cells:
        assert book[sheet][ref].value == WRITTEN, (sheet, ref)
        assert not book[sheet][ref].quotePrefix  # ordinary text stays ordinary


def test_tabs_and_line_breaks_inside_text_are_kept():
    text = "第一行\n第二行\t备注\r\n第三行"
    book = reopen(render_community_workbook(nasty_community(text)))
    assert book["走访"]["F5"].value == text and book["走访"]["F5"].data_type == "s"


def test_numbers_and_dates_keep_their_types():
    book = reopen(render_community_workbook(nasty_community("=1+1")))
    visits = book["走访"]
    assert visits["A5"].value == datetime(2022, 5, 17, 10, 30)
    assert visits["A5"].is_date and not visits["A5"].quotePrefix
    assert (visits["D5"].value, visits["D5"].data_type) == (3, "n")
    assert book["概况"]["B10"].value == 12345 and book["概况"]["B10"].number_format == "#,##0"
