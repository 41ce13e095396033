"""执行（成果）报告 of the demo year (#16 points 2 and 3), made by the command: every number of
the document's tables and of the evidence workbook, read back, against what /targets,
/dashboard/users and the deliveries ledger answer and against counts taken with plain SQL from
the records; every evidence sheet's rows are its target's figure; the manifest's hashes are the
files'."""

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import bindparam, text

from exports.document import figure
from models import Delivery, db

START, END = date(2022, 3, 15), date(2023, 3, 15)
DOCUMENT, EVIDENCE = "执行成果报告_20230315.docx", "执行成果证明材料_20230315.xlsx"
# Rows of an evidence sheet begin under its caption, two notes and its head.
FIRST_ROW = 5


@pytest.fixture
def demo(runner):
    assert runner.invoke(args=["demo-data"]).exit_code == 0


@pytest.fixture
def made(demo, runner, tmp_path):
    result = runner.invoke(args=["execution-report", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = [Path(line) for line in result.output.split()]
    assert {p.name for p in written} >= {DOCUMENT, EVIDENCE, "manifest.json"}
    return tmp_path


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


def evidence_rows(book, title: str) -> list[list]:
    return [[c.value for c in row] for row in book[title].iter_rows(min_row=FIRST_ROW)]


def sql(app, query: str, **params):
    """A plain SQL count; a datetime is bound with the column type that stores it (UTC)."""
    statement = text(query)
    if "by" in params:
        statement = statement.bindparams(
            bindparam("by", type_=Delivery.__table__.c.made_available_at.type))
    with app.app_context():
        return db.session.execute(statement, params).scalar()


def test_every_target_is_the_agreements_words_beside_the_apis_figure(made, client, boss):
    document = Document(str(made / DOCUMENT))
    targets = client.get(f"/api/v1/targets?as_of={END}", headers=boss).get_json()["items"]
    words = {t["key"]: t for t in client.get("/api/v1/contracts/current",
                                             headers=boss).get_json()["targets"]}
    rows = table_after(document, "二、目标完成情况总表")
    assert len(rows) == len(targets) == 12
    for row, item in zip(rows, targets, strict=True):
        met = item["actual"] >= item["target"]
        assert row == [item["name"], words[item["key"]]["clause"],
                       words[item["key"]]["commitment"], figure(item["measure"], item["target"]),
                       figure(item["measure"], item["actual"]), "达成" if met else "未达成"]
    text_ = "\n".join(p.text for p in document.paragraphs)
    met = sum(t["actual"] >= t["target"] for t in targets)
    assert f"合同约定的 12 项目标中，截至 2023-03-15 已达成 {met} 项、未达成 {12 - met} 项" in text_
    # Each target has its own section with the commitment, the figures and the account.
    for position, item in enumerate(targets, start=1):
        assert f"{position}. {item['name']}" in text_
        assert (f"目标值：{figure(item['measure'], item['target'])}；完成值："
                f"{figure(item['measure'], item['actual'])}") in text_


def test_each_evidence_sheet_is_its_targets_figure(made, client, boss, app):
    book = load_workbook(made / EVIDENCE)
    targets = client.get(f"/api/v1/targets?as_of={END}", headers=boss).get_json()["items"]
    # The index (one note under its caption): each target's sheet and how many rows it has.
    index = [[c.value for c in row] for row in book["说明"].iter_rows(min_row=4)]
    assert [r[1] for r in index] == [t["name"] for t in targets]
    assert [r[0] for r in index] == book.sheetnames[1:13]
    sheets = dict(zip([t["key"] for t in targets], book.sheetnames[1:13], strict=True))
    rows = {key: evidence_rows(book, title) for key, title in sheets.items()}
    assert [r[3] for r in index] == [len(rows[t["key"]]) for t in targets]

    # Counted records: one row each, the row count is the figure.
    for key in ("trainings", "service_groups", "visits", "cases", "events",
                "demo_communities", "trainings_streets"):
        actual = next(t["actual"] for t in targets if t["key"] == key)
        assert len(rows[key]) == actual, key
    # Monthly averages: rows ÷ the contract's 12 months.
    for key in ("articles_monthly_avg", "topics_monthly_avg"):
        actual = next(t["actual"] for t in targets if t["key"] == key)
        assert round(len(rows[key]) / 12, 2) == actual, key
    # Sums: each community's latest count, each day's interactions.
    board = client.get(f"/api/v1/dashboard/users?as_of={END}", headers=boss).get_json()
    assert sum(r[5] for r in rows["verified_users"]) == board["verified"]
    assert len(rows["verified_users"]) == 263
    interactions = next(t["actual"] for t in targets if t["key"] == "interactions")
    assert sum(r[4] for r in rows["interactions"]) == interactions
    assert all(r[1] + r[2] + r[3] == r[4] for r in rows["interactions"])
    # The weekly reports: one row per community-week delivered, the ledger's own count.
    ledger = client.get(f"/api/v1/reports/weekly/deliveries?as_of={END}",
                        headers=boss).get_json()
    share = next(t["actual"] for t in targets if t["key"] == "weekly_reports")
    assert len(rows["weekly_reports"]) == ledger["community_weeks_delivered"]
    assert round(len(rows["weekly_reports"]) / ledger["community_weeks_due"], 4) == share

    # And independently of the service, straight from the tables.
    def live(table, column):
        return sql(app, f"select count(*) from {table} where deleted_at is null "
                        f"and {column} between :start and :end", start=START, end=END)
    assert len(rows["trainings"]) == live("trainings", "date")
    assert len(rows["events"]) == live("events", "date")
    assert len(rows["service_groups"]) == live("service_groups", "created_on")
    assert len(rows["cases"]) == live("cases", "published_on")
    # Articles: publications on the contract's WeChat channel; topics: its themes.
    assert len(rows["articles_monthly_avg"]) == sql(
        app, "select count(*) from publications where channel = 'wechat' "
             "and published_on between :start and :end", start=START, end=END)
    assert len(rows["topics_monthly_avg"]) == sql(
        app, "select count(*) from themes where month between :start and :end",
        start="2022-03", end="2023-03")
    assert sum(r[4] for r in rows["interactions"]) == sql(
        app, "select sum(views + likes + comments) from interaction_days where deleted_at is "
             "null and date between :start and :end", start=START, end=END)
    assert len(rows["weekly_reports"]) == sql(
        app, "select count(*) from deliveries where period_end >= :start and period_end < :end "
             "and made_available_at < :by", start=START, end=END,
        by=datetime(2023, 3, 15, 16, tzinfo=UTC))  # the local day's end
    counted = client.get(f"/api/v1/visits?from={START}&to={END}&standing=counted&per_page=1",
                         headers=boss).get_json()
    assert len(rows["visits"]) == counted["total"]
    # Every row names its place: a record without a community or street would be unprovable.
    assert all(r[1] and r[2] and r[3] for r in rows["visits"])


def test_the_weekly_ledger_is_the_deliveries_week_by_week(made, client, boss):
    document = Document(str(made / DOCUMENT))
    book = load_workbook(made / EVIDENCE)
    ledger = client.get(f"/api/v1/reports/weekly/deliveries?as_of={END}",
                        headers=boss).get_json()
    table = table_after(document, "四、每周运营数据报表提供情况")
    sheet = [r for r in book["周报送达台账"].iter_rows(min_row=3, values_only=True)]
    assert len(table) == len(sheet) == ledger["weeks_due"] == 52
    for row, cells, week in zip(table, sheet, ledger["weeks"], strict=True):
        assert row[0] == cells[0] == week["week"]
        delivered = week["delivered_by_as_of"]
        assert row[3] == f"{delivered:,}" and cells[3] == delivered
        assert cells[4] == week["opened"]
        assert cells[5] == ledger["communities"] - week["delivered_by_as_of"]


def test_the_manifest_lists_every_file_with_its_sha256(made):
    listing = json.loads((made / "manifest.json").read_text("utf-8"))
    assert listing["contract"] == "xicheng-2022" and listing["as_of"] == "2023-03-15"
    names = {f["name"] for f in listing["files"]}
    assert {DOCUMENT, EVIDENCE} <= names and "manifest.json" not in names
    for entry in listing["files"]:
        data = (made / entry["name"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_the_document_is_an_a4_chinese_report_with_contents_and_page_numbers(made):
    document = Document(str(made / DOCUMENT))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert 'TOC \\o "1-2"' in document.element.xml
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    assert document.paragraphs[0].text == "执行（成果）报告"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["目录", "一、项目概况", "二、目标完成情况总表", "三、逐项说明",
                        "四、每周运营数据报表提供情况", "五、附件"]
    lines = [p.text for p in document.paragraphs]
    assert "委托方（甲方）：北京市西城区民政局" in lines


def test_as_of_a_day_in_the_contract_it_is_marked_and_counts_to_that_day(
        demo, runner, tmp_path, client, boss):
    result = runner.invoke(args=["execution-report", "--as-of", "2022-09-30",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    document = Document(str(tmp_path / "执行成果报告_20220930.docx"))
    assert document.paragraphs[0].text == "执行（成果）报告（截至 2022-09-30）"
    targets = client.get("/api/v1/targets?as_of=2022-09-30", headers=boss).get_json()["items"]
    rows = table_after(document, "二、目标完成情况总表")
    assert [r[4] for r in rows] == [figure(t["measure"], t["actual"]) for t in targets]
    book = load_workbook(tmp_path / "执行成果证明材料_20220930.xlsx")
    visits = next(t["actual"] for t in targets if t["key"] == "visits")
    assert len(evidence_rows(book, book.sheetnames[7])) == visits


def test_a_day_before_the_contract_is_refused(runner, tmp_path):
    refused = runner.invoke(args=["execution-report", "--as-of", "2022-01-01",
                                  "--out", str(tmp_path)])
    assert refused.exit_code != 0 and "不能早于合同开始日 2022-03-15" in refused.output
    assert not list(tmp_path.iterdir())
