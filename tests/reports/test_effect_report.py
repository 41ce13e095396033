"""推广效果数据分析报告 for a month of the demo year (#16 point 1), made by the command: the
document's tables and the workbook read back and checked against what the API answers and
against counts taken independently from the records."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import fmean
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook

from exports.document import figure

MONTH_START, MONTH_END = date(2022, 9, 1), date(2022, 9, 30)
STEM = "推广效果数据分析报告_20220901-20220930"


@pytest.fixture
def made(runner, tmp_path):
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    result = runner.invoke(args=["effect-report", "--month", "2022-09", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = [Path(line) for line in result.output.split()]
    assert {p.name for p in written} >= {f"{STEM}.docx", f"{STEM}.xlsx"}
    return Document(str(tmp_path / f"{STEM}.docx")), load_workbook(tmp_path / f"{STEM}.xlsx")


@pytest.fixture
def boss(make_user, auth_headers):
    """An admin beside the demo's own `admin`."""
    return auth_headers(make_user("admin", "boss"))


def table_after(document, heading: str) -> list[list[str]]:
    """The rows of the first table after a heading (its header row dropped)."""
    found = False
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            if found:
                return [[cell.text for cell in row.cells] for row in block.rows][1:]
        elif block.text.strip() == heading:
            found = True
    raise AssertionError(f"no table after {heading}")


def sheet_rows(book, name: str) -> list[list[str]]:
    return [[c.value for c in row] for row in book[name].iter_rows(min_row=3)]


def test_targets_are_those_of_the_api_at_the_months_end(made, client, boss):
    document, book = made
    targets = client.get(f"/api/v1/targets?as_of={MONTH_END}", headers=boss).get_json()
    rows = table_after(document, "一、合同目标完成情况")
    assert [r[0] for r in rows] == [t["name"] for t in targets["items"]]
    sheet = sheet_rows(book, "合同目标")
    for row, cells, item in zip(rows, sheet, targets["items"], strict=True):
        assert row[1] == figure(item["measure"], item["actual"])
        assert row[2] == figure(item["measure"], item["target"])
        assert row[3] == figure(item["measure"], item["expected_by_now"])
        # The workbook keeps the numbers: whole people and records, rates as they are.
        whole = item["measure"] not in ("share_of_weeks", "monthly_average")
        assert cells[0] == item["name"]
        assert cells[1] == (round(item["actual"]) if whole else item["actual"])
        assert cells[2] == (round(item["target"]) if whole else item["target"])


def test_street_growth_is_the_dashboards_change_over_the_month(made, client, boss):
    document, book = made

    def streets(day):
        board = client.get(f"/api/v1/dashboard/users?as_of={day}", headers=boss)
        return {s["name"]: s for s in board.get_json()["streets"]}
    end, before = streets(MONTH_END), streets(MONTH_START - timedelta(days=1))
    # The period before, of the same 30 days: 2022-08-02 to 2022-08-31.
    august_start = streets(date(2022, 8, 1))
    rows = table_after(document, "各街道")
    assert len(rows) == 15
    sheet = {row[0]: row for row in sheet_rows(book, "各街道增长")}
    for name, verified, growth, previous, target, *_ in rows:
        new = end[name]["verified"] - before[name]["verified"]
        earlier = before[name]["verified"] - august_start[name]["verified"]
        assert verified == f"{end[name]['verified']:,}"
        assert growth == f"{new:+,}"
        assert previous == f"{earlier:+,}"
        assert target == f"{end[name]['target']:,}"
        assert sheet[name][1:5] == [end[name]["verified"], new, earlier, end[name]["target"]]


def test_field_work_counts_the_visits_that_count(made, client, boss):
    document, _ = made
    counted = client.get(f"/api/v1/visits?from={MONTH_START}&to={MONTH_END}&standing=counted"
                         "&per_page=500", headers=boss).get_json()
    places = {v["community_code"] for v in counted["items"]}
    text = "\n".join(p.text for p in document.paragraphs)
    assert (f"本期计入合同的走访 {counted['total']:,} 次，覆盖 {len(places)} 个社区"
            in text)
    effects = {row[0]: row for row in table_after(document, "三、哪些工作带动了增长")}
    # Each (community, day) with a counted visit is one episode.
    days = {(v["community_code"], v["visited_at"]) for v in counted["items"]}
    assert 0 < int(effects["走访"][1]) <= len(days)


def test_the_document_is_an_a4_chinese_report_with_contents_and_page_numbers(made):
    document, book = made
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    xml = document.element.xml
    assert 'TOC \\o "1-2"' in xml
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["目录", "一、合同目标完成情况", "二、用户增长", "三、哪些工作带动了增长",
                        "四、实地工作", "五、内容与互动", "六、建议"]
    assert len(document.inline_shapes) == 2  # the streets' growth and the activities' effect
    assert "不是因果证明" in "\n".join(p.text for p in document.paragraphs)
    assert book.sheetnames[0] == "合同目标" and "建议" in book.sheetnames


def test_a_bad_month_or_range_is_refused(runner, tmp_path):
    bad = runner.invoke(args=["effect-report", "--month", "2022-13", "--out", str(tmp_path)])
    assert bad.exit_code != 0 and "月份格式应为 YYYY-MM" in bad.output
    backwards = runner.invoke(args=["effect-report", "--from", "2022-09-30", "--to",
                                    "2022-09-01", "--out", str(tmp_path)])
    assert backwards.exit_code != 0 and "结束日期不能早于开始日期" in backwards.output
    assert not list(tmp_path.iterdir())


def test_what_moved_growth_for_visits_is_recomputed_from_the_api(made, client, boss):
    """The 走访 row of 三、哪些工作带动了增长, recomputed here from the counted visits and the
    dashboard's community figures: each (community, day) with a counted visit against the
    communities of its street, of a similar size, with no visit within 14 days."""
    document, book = made
    visits = client.get(f"/api/v1/visits?from={MONTH_START}&to={MONTH_END}&standing=counted"
                        "&per_page=500", headers=boss).get_json()["items"]
    local = ZoneInfo("Asia/Shanghai")
    days = defaultdict(set)
    for visit in visits:
        moment = datetime.fromisoformat(visit["visited_at"].replace("Z", "+00:00"))
        days[visit["community_code"]].add(moment.astimezone(local).date())
    boards = {}

    def verified(day):
        if day not in boards:
            board = client.get(f"/api/v1/dashboard/users?as_of={day}", headers=boss).get_json()
            boards[day] = {c["code"]: (s["code"], c["verified"])
                           for s in board["streets"] for c in s["communities"]}
        return boards[day]
    treated, controls = [], []
    for code in sorted(days):
        for day in sorted(days[code]):
            before, after = verified(day), verified(day + timedelta(days=14))
            street, size = before[code]
            treated.append(after[code][1] - size)
            for other, (other_street, other_size) in before.items():
                if other == code or other_street != street or any(
                        abs((d - day).days) <= 14 for d in days.get(other, ())):
                    continue
                if size and not size / 1.5 <= other_size <= size * 1.5:
                    continue
                controls.append(after[other][1] - other_size)
    row = {r[0]: r for r in table_after(document, "三、哪些工作带动了增长")}["走访"]
    mean_after, mean_without = fmean(treated), fmean(controls)
    assert row[1] == f"{len(treated):,}" and row[3] == f"{len(controls):,}"
    assert row[2] == f"{round(mean_after, 1):+,.1f}"
    assert row[4] == f"{round(mean_without, 1):+,.1f}"
    sheet = {r[0]: r for r in sheet_rows(book, "活动与增长")}["走访"]
    assert sheet[1:5] == [len(treated), round(mean_after, 1), len(controls),
                          round(mean_without, 1)]


def test_content_per_month_is_the_records_per_month(made, client, boss):
    document, book = made
    rows = table_after(document, "五、内容与互动")
    assert rows[0][0] == "2022-03" and rows[-1][0] == "2022-09"
    for month, articles, topics, interactions in rows:
        first = date.fromisoformat(f"{month}-01")
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        listed = client.get(f"/api/v1/articles?from={first}&to={last}&per_page=1",
                            headers=boss).get_json()["total"]
        themed = client.get(f"/api/v1/topics?from={first}&to={last}&per_page=1",
                            headers=boss).get_json()["total"]
        days = client.get(f"/api/v1/interactions?from={first}&to={last}&per_page=100",
                          headers=boss).get_json()["items"]
        assert articles == f"{listed:,}" and topics == f"{themed:,}"
        assert interactions == f"{sum(d['views'] + d['likes'] + d['comments'] for d in days):,}"
    assert [r[0] for r in sheet_rows(book, "内容与互动")] == [r[0] for r in rows]
