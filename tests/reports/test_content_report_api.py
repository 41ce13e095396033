"""The content contract's monthly and quarterly operations reports (#18 point 3) through the
API: drafted by the editors' lead, its sections ③ ④ written, issued, made by a real consumer
of the job queue, downloaded by the contract's members. Every number of the Word document and
the workbook is compared with the API (/channels/<id>/metrics, /publication-metrics) and with
an independent count of the rows the test stored; refusals are tried too."""

import io
import json
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from exports.document import as_text
from service.jobs import records
from tests.api.test_channel_metrics import (
    SOURCE_KEYS,
    channel_id,
    csv_of,
    growing_rows,
    series,
    source_csv,
    source_rows,
    upload,
)
from tests.api.test_compliance_api import make_piece
from tests.api.test_content_review import CONTENT, publish
from tests.api.test_content_review import team as team  # noqa: F401 (the fixture)
from tests.conftest import running_consumer
from tests.jobs.test_queue import wait_for

URL = "/api/v1/reports/content"
OCTOBER, SEPTEMBER = (date(2023, 10, 1), date(2023, 10, 31)), (date(2023, 9, 1),
                                                                date(2023, 9, 30))
PLATFORMS = {"wechat": "微信公众号", "weibo": "微博", "toutiao": "头条号",
             "beijing_hao": "北京号", "baijiahao": "百家号"}
KIND_LABELS = {"article": "文章", "video": "视频", "poster": "海报"}
# (kind, channel, day published, [(day of a snapshot, reads, shares)])
PUBLISHED = [
    ("article", "wechat", "2023-09-12", [("2023-09-13", 800, 12), ("2023-09-30", 1_500, 30),
                                         ("2023-10-20", 1_900, 41)]),
    ("video", "weibo", "2023-09-25", [("2023-09-28", 2_000, 70)]),
    ("article", "wechat", "2023-10-09", [("2023-10-10", 1_200, 20), ("2023-10-31", 2_600, 55),
                                         ("2023-11-05", 3_000, 60)]),
    ("article", "weibo", "2023-10-16", [("2023-10-18", 430, 9)]),
    ("video", "wechat", "2023-10-27", [("2023-10-28", 5_100, 160)]),
    ("poster", "toutiao", "2023-10-30", []),  # published, never counted
]


def report_request(client, headers, kind="monthly", period="2023-10"):
    return client.post(URL, headers=headers, json={"contract": CONTENT, "kind": kind,
                                                   "period": period})


def sections(client, headers, report, lessons="经验", plan="计划"):
    return client.put(f"{URL}/{report}/sections", headers=headers,
                      json={"lessons": lessons, "plan": plan})


@pytest.fixture
def dataset(client, team):  # noqa: F811
    """Two channels' daily figures over September and October (weibo's with gaps, toutiao's
    one snapshot in August carried as its stock), and publications of three kinds with their
    snapshots, all through the API; what was stored, to count from independently."""
    rows = {"wechat": growing_rows("wechat", date(2023, 9, 1), date(2023, 10, 31), seed=3),
            "weibo": [r for r in growing_rows("weibo", date(2023, 9, 10), date(2023, 11, 3),
                                              followers=4_000, pace=6, reads=300, seed=5)
                      if r["day"].day % 7],
            "toutiao": growing_rows("toutiao", date(2023, 8, 15), date(2023, 8, 15),
                                    followers=900)}
    for key, stored in rows.items():
        answer = upload(client, team["lead"], csv_of(stored, with_channel=False), channel=key)
        assert answer.status_code == 201, answer.get_json()
    publications = []
    for number, (kind, channel, day, snapshots) in enumerate(PUBLISHED):
        piece = make_piece(client, team, kind, [channel], title=f"{kind} {number}")
        answer = publish(client, team["editor2"], piece, channel=channel,
                         published_at=f"{day}T10:00:00+08:00",
                         url=f"https://example.com/{number}")
        assert answer.status_code == 201, answer.get_json()
        publication = answer.get_json()["id"]
        for when, reads, shares in snapshots:
            entered = client.put(f"/api/v1/publications/{publication}/metrics/{when}",
                                 headers=team["lead"],
                                 json={"reads": reads, "shares": shares, "likes": 1})
            assert entered.status_code == 200, entered.get_json()
        publications.append((publication, kind, date.fromisoformat(day), snapshots))
    return {"rows": rows, "publications": publications}


# ---------------------------------------------------------------- independent counts

def counted_users(rows: list[dict], first: date, last: date) -> dict:
    inside = [r for r in rows if first <= r["day"] <= last]
    before = [r for r in rows if r["day"] < first]
    upto = [r for r in rows if r["day"] <= last]
    return {"start": before[-1]["followers"] if before else None,
            "new": sum(r["new_followers"] for r in inside),
            "gone": sum(r["unfollows"] for r in inside),
            "end": upto[-1]["followers"] if upto else None, "days": len(inside),
            "reads": sum(r["reads"] for r in inside),
            "shares": sum(r["shares"] for r in inside)}


def counted_kinds(publications, first: date, last: date) -> dict:
    """By kind: publications published first → last, and their reads and shares as of the
    latest snapshot on or before `last`."""
    kinds = {}
    for _, kind, day, snapshots in publications:
        if not first <= day <= last:
            continue
        known = [s for s in snapshots if date.fromisoformat(s[0]) <= last]
        count, reads, shares = kinds.get(kind, (0, 0, 0))
        kinds[kind] = (count + 1, reads + (known[-1][1] if known else 0),
                       shares + (known[-1][2] if known else 0))
    return kinds


# ---------------------------------------------------------------- reading the files back

def sheet_rows(book, title: str) -> dict[str, list]:
    """A sheet's table by its first column, under the header row (the row after the notes)."""
    sheet = book[title]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(values) if r[1] is not None and r[0] in (
        "渠道", "内容类型", "部分"))
    return {r[0]: tuple(r[1:]) for r in values[head + 1:]}


def table_rows(table) -> dict[str, list[str]]:
    return {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}


def made_report(client, team, dataset, tmp_path, lessons, plan):  # noqa: F811
    created = report_request(client, team["lead"])
    assert created.status_code == 201, created.get_json()
    report = created.get_json()
    assert (report["status"], report["from"], report["to"]) == ("draft", "2023-10-01",
                                                                "2023-10-31")
    assert sections(client, team["lead"], report["id"], lessons, plan).status_code == 200
    issued = client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    assert issued.status_code == 202, issued.get_json()
    assert issued.get_json()["status"] == "issued"
    done = wait_for(client, team["reader"], f"{URL}/{report['id']}",
                    lambda body: body["job"]["status"] in ("done", "failed"))
    assert done["job"]["status"] == "done", done["job"]
    files = {}
    for fmt in ("docx", "xlsx", "json"):
        answer = client.get(f"{URL}/{report['id']}.{fmt}", headers=team["reader"])
        assert answer.status_code == 200, (fmt, answer.get_json())
        files[fmt] = answer.data
    pdf = client.get(f"{URL}/{report['id']}.pdf", headers=team["reader"])
    # Only where LibreOffice can load Word documents (with Writer) is there a PDF: that it
    # converts is the proof that LibreOffice opens the document.
    assert (pdf.status_code == 200 and pdf.data.startswith(b"%PDF")) or (
        pdf.status_code == 404 and "没有 PDF 版本" in pdf.get_json()["message"])
    (tmp_path / "r.docx").write_bytes(files["docx"])
    return report, Document(str(tmp_path / "r.docx")), load_workbook(io.BytesIO(files["xlsx"])), \
        json.loads(files["json"])


def test_every_number_of_a_monthly_report_is_the_api_s_and_an_independent_count(
        consumer, client, team, dataset, tmp_path):  # noqa: F811
    lessons = "本月城市更新条例解读阅读较高。\n=HYPERLINK(\"http://evil.example\")"
    plan = "下月：不动产登记 8 周年专题。"
    report, document, book, manifest = made_report(client, team, dataset, tmp_path,
                                                   lessons, plan)
    assert document.paragraphs[0].text == "新媒体运营月度数据分析报告（2023-10）"
    assert [f["name"] for f in manifest["files"]][:2] == [
        "新媒体运营月度数据分析报告_2023-10.docx", "新媒体运营月度数据分析报告_2023-10.xlsx"]
    users_table, channels_table, kinds_table, obligations_table = document.tables
    users_doc, users_book = table_rows(users_table), sheet_rows(book, "用户情况")
    content_doc, content_book = table_rows(channels_table), sheet_rows(book, "各渠道内容")
    totals = {"new": 0, "gone": 0, "end": 0, "reads": 0, "shares": 0, "previous": 0}

    # ① and ② per channel: the API's month, the day before it, and the count of the rows.
    for key, name in PLATFORMS.items():
        rows = dataset["rows"].get(key, [])
        mine = counted_users(rows, *OCTOBER)
        before = counted_users(rows, *SEPTEMBER)
        channel = channel_id(client, team["reader"], key)
        month = series(client, team["reader"], channel, step="month",
                       **{"from": "2023-10-01"}, to="2023-10-31")["items"][0]
        eve = series(client, team["reader"], channel, step="day", **{"from": "2023-09-30"},
                     to="2023-09-30")["items"][0]
        september = series(client, team["reader"], channel, step="month",
                           **{"from": "2023-09-01"}, to="2023-09-30")["items"][0]
        assert (month["new_followers"], month["unfollows"], month["followers"],
                month["days_recorded"], month["reads"], month["shares"]) == (
            mine["new"], mine["gone"], mine["end"], mine["days"], mine["reads"],
            mine["shares"]), key
        assert eve["followers"] == mine["start"] and september["reads"] == before["reads"]
        net = mine["new"] - mine["gone"]
        assert users_book[name] == (mine["start"], mine["new"], mine["gone"], net,
                                    mine["end"], mine["days"]), key
        assert users_doc[name] == [as_text(mine["start"], "int"), as_text(mine["new"], "int"),
                                   as_text(mine["gone"], "int"), as_text(net, "signed"),
                                   as_text(mine["end"], "int"), as_text(mine["days"], "int")]
        conversion = round(mine["new"] / mine["reads"], 4) if mine["reads"] else None
        assert content_book[name] == (mine["reads"], mine["shares"], mine["new"], conversion,
                                      before["reads"]), key
        assert content_doc[name] == [as_text(mine["reads"], "int"),
                                     as_text(mine["shares"], "int"), as_text(mine["new"], "int"),
                                     as_text(conversion, "pct"),
                                     as_text(before["reads"], "int")]
        for figure, value in (("new", mine["new"]), ("gone", mine["gone"]),
                              ("end", mine["end"] or 0), ("reads", mine["reads"]),
                              ("shares", mine["shares"]), ("previous", before["reads"])):
            totals[figure] += value
    assert users_book["合计"][1:5] == (totals["new"], totals["gone"],
                                      totals["new"] - totals["gone"], totals["end"])
    assert content_book["合计"] == (totals["reads"], totals["shares"], totals["new"],
                                   round(totals["new"] / totals["reads"], 4),
                                   totals["previous"])
    assert content_doc["合计"][0] == as_text(totals["reads"], "int")
    summary = next(p.text for p in document.paragraphs if p.text.startswith("本期各渠道合计"))
    assert f"新增关注 {totals['new']:,} 人" in summary and f"期末累计关注 {totals['end']:,} 人" \
        in summary

    # ② by kind: this month's publications against the same kind in September.
    now = counted_kinds(dataset["publications"], *OCTOBER)
    earlier = counted_kinds(dataset["publications"], *SEPTEMBER)
    kinds_book, kinds_doc = sheet_rows(book, "同类内容"), table_rows(kinds_table)
    assert set(kinds_book) == {KIND_LABELS[k] for k in {*now, *earlier}}
    for kind, label in KIND_LABELS.items():
        count, reads, shares = now.get(kind, (0, 0, 0))
        was_count, was_reads, _ = earlier.get(kind, (0, 0, 0))
        each = round(reads / count, 2) if count else None
        change = round((reads - was_reads) / was_reads, 4) if was_reads else None
        assert kinds_book[label] == (count, reads, shares, each, was_count, was_reads,
                                     change), kind
        assert kinds_doc[label] == [as_text(count, "int"), as_text(reads, "int"),
                                    as_text(shares, "int"), as_text(each, "decimal"),
                                    as_text(was_count, "int"), as_text(was_reads, "int"),
                                    as_text(change, "pct")], kind
    # The API's latest figures of the publications whose latest snapshot is in the month.
    listed = client.get(f"/api/v1/publication-metrics?contract={CONTENT}&per_page=500",
                        headers=team["reader"]).get_json()["items"]
    october_latest = {i["publication_id"]: i for i in listed
                      if "2023-10-01" <= i["day"] <= "2023-10-31"
                      and "2023-10-01" <= i["published_on"] <= "2023-10-31"}
    assert sum(i["reads"] for i in october_latest.values()) == 430 + 5_100
    assert {i["kind"] for i in october_latest.values()} == {"article", "video"}

    # The obligations of the month as GET /compliance summarizes the same days.
    compliance = client.get(f"/api/v1/compliance?contract={CONTENT}&from=2023-10-01"
                            "&to=2023-10-31", headers=team["reader"]).get_json()["summary"]
    sheet = book["发布义务"]
    values = [r for r in sheet.iter_rows(values_only=True)][3:]
    assert values == [(s["name"], PLATFORMS[s["channel"]] if s["channel"] else "—",
                       s["periods"], s["met"], s["short"], s["pending"],
                       "、".join(s["short_periods"]) or "—") for s in compliance]
    assert [[c.text for c in row.cells] for row in obligations_table.rows[1:]] == [
        [v if isinstance(v, str) else as_text(v, "int") for v in row] for row in values]
    assert sum(s["short"] for s in compliance) > 0  # a thin month: floors fall short

    # ③ and ④ as the team wrote them: text, never a field or a formula.
    body = [p.text for p in document.paragraphs]
    lessons_at = body.index("三、经验总结")
    assert body[lessons_at + 1:lessons_at + 3] == lessons.splitlines()
    assert body[body.index("四、下期工作计划") + 1] == plan
    assert "转化率 = 本期新增关注 ÷ 本期阅读量" in "".join(body)
    assert "上一月发布的同类内容" in "".join(body)
    written = sheet_rows(book, "经验与计划")
    assert written["经验总结"] == (lessons,) and written["下期工作计划"] == (plan,)
    assert all(c.data_type != "f" for s in book for r in s.iter_rows() for c in r)


def test_the_new_followers_sources_are_the_days_sources_added_up(
        consumer, client, team, tmp_path):  # noqa: F811
    """WeChat's export splits new followers by source (some days not); weibo's never does:
    ① lists each source's October sum, the rest 未注明来源, as the series and the rows say."""
    wechat = source_rows(date(2023, 9, 1), date(2023, 10, 31))
    weibo = growing_rows("weibo", date(2023, 9, 1), date(2023, 10, 31), seed=9)
    assert upload(client, team["lead"], source_csv(wechat), channel="wechat").status_code == 201
    assert upload(client, team["lead"], csv_of(weibo, with_channel=False),
                  channel="weibo").status_code == 201
    _, document, book, _ = made_report(client, team, None, tmp_path, "经验", "计划")
    labels = ["搜一搜", "扫描二维码", "图文页", "名片分享", "其他"]
    head = ["渠道", *labels, "未注明来源", "新增关注"]
    october = [r for r in wechat if r["day"].month == 10]
    split = {k: sum(r["sources"][k] for r in october if r["sources"]) for k in SOURCE_KEYS}
    new = sum(r["new_followers"] for r in october)
    weibo_new = sum(r["new_followers"] for r in weibo if r["day"].month == 10)
    expected = {"微信公众号": [*split.values(), new - sum(split.values()), new],
                "微博": [0] * len(labels) + [weibo_new, weibo_new]}
    month = series(client, team["reader"], channel_id(client, team["reader"]), step="month",
                   **{"from": "2023-10-01"}, to="2023-10-31")["items"][0]
    assert list(month["follower_sources"].values()) == list(split.values())
    sources_table = document.tables[1]
    assert [c.text for c in sources_table.rows[0].cells] == head
    shown = table_rows(sources_table)
    book_rows = sheet_rows(book, "关注来源")
    for name, figures in expected.items():
        assert shown[name] == [as_text(v, "int") for v in figures], name
        assert book_rows[name] == tuple(figures), name
    assert book_rows["合计"] == tuple(a + b for a, b in zip(*expected.values(), strict=True))
    assert "本期各日之和" in "".join(p.text for p in document.paragraphs)


def test_a_quarterly_report_counts_the_contract_s_quarter(
        consumer, client, team, dataset, tmp_path):  # noqa: F811
    created = report_request(client, team["lead"], "quarterly", "2023/24-Q2")
    assert created.status_code == 201, created.get_json()
    report = created.get_json()
    assert (report["from"], report["to"]) == ("2023-10-01", "2023-12-31")
    sections(client, team["lead"], report["id"])
    assert client.post(f"{URL}/{report['id']}/issue", headers=team["admin"]).status_code == 202
    done = wait_for(client, team["lead"], f"{URL}/{report['id']}",
                    lambda body: body["job"]["status"] in ("done", "failed"))
    assert done["job"]["status"] == "done", done["job"]
    book = load_workbook(io.BytesIO(client.get(f"{URL}/{report['id']}.xlsx",
                                               headers=team["lead"]).data))
    users = sheet_rows(book, "用户情况")
    weibo = counted_users(dataset["rows"]["weibo"], date(2023, 10, 1), date(2023, 12, 31))
    assert users["微博"] == (weibo["start"], weibo["new"], weibo["gone"],
                            weibo["new"] - weibo["gone"], weibo["end"], weibo["days"])
    # The previous quarter (2023/24-Q1) holds September's reads and nothing before the term.
    wechat_q1 = counted_users(dataset["rows"]["wechat"], date(2023, 7, 1), date(2023, 9, 30))
    assert sheet_rows(book, "各渠道内容")["微信公众号"][4] == wechat_q1["reads"]


def test_the_first_period_has_no_previous_one(
        consumer, client, team, dataset, tmp_path):  # noqa: F811
    report = report_request(client, team["lead"], "monthly", "2023-07").get_json()
    sections(client, team["lead"], report["id"])
    client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    wait_for(client, team["lead"], f"{URL}/{report['id']}",
             lambda body: body["job"]["status"] in ("done", "failed"))
    answer = client.get(f"{URL}/{report['id']}.docx", headers=team["lead"])
    assert answer.status_code == 200, answer.get_json()
    (tmp_path / "july.docx").write_bytes(answer.data)
    document = Document(str(tmp_path / "july.docx"))
    assert "本期为合同期第一期，没有可比较的上期（上期各列为“—”）。" in [
        p.text for p in document.paragraphs]
    assert table_rows(document.tables[1])["微信公众号"][-1] == "—"


# ---------------------------------------------------------------- refusals

def test_who_may_create_write_issue_and_read(client, team, make_user, auth_headers):  # noqa: F811
    liaison = auth_headers(make_user("liaison", "li"))
    # The account's role first: officials and liaisons write nothing.
    for headers in (team["reader"], liaison):
        assert report_request(client, headers).status_code == 403
    # In the contract, only the editors' lead (and admins) write reports.
    for who in ("editor", "reviewer", "approver"):
        refused = report_request(client, team[who])
        assert refused.status_code == 403, who
        assert refused.get_json()["message"] == "您在该合同中的角色不能执行此操作"
    # Somebody outside the contract does not learn it exists.
    outside = report_request(client, team["outsider"])
    assert outside.status_code == 422 and "contract" in outside.get_json()["errors"]["json"]
    report = report_request(client, team["lead"]).get_json()
    for who in ("editor", "reviewer"):
        assert sections(client, team[who], report["id"]).status_code == 403
        assert client.post(f"{URL}/{report['id']}/issue", headers=team[who]).status_code == 403
    assert client.get(f"{URL}/{report['id']}", headers=team["outsider"]).status_code == 404
    assert client.get(f"{URL}/{report['id']}.docx", headers=team["outsider"]).status_code == 404
    assert client.get(f"{URL}?contract={CONTENT}",
                      headers=team["outsider"]).status_code == 404
    assert client.get(f"{URL}/{report['id']}.docx", headers=liaison).status_code == 403
    listed = client.get(f"{URL}?contract={CONTENT}", headers=team["editor"])
    assert [r["period"] for r in listed.get_json()["items"]] == ["2023-10"]
    assert (listed.get_json()["total"], listed.get_json()["per_page"]) == (1, 50)
    assert client.get(f"{URL}/{report['id']}", headers=team["approver"]).status_code == 200


def test_a_report_is_made_once_and_never_issued_with_a_section_empty(client, team):  # noqa: F811
    report = report_request(client, team["lead"]).get_json()
    again = report_request(client, team["admin"])
    assert again.status_code == 409 and "已存在" in again.get_json()["message"]
    empty = client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    assert empty.status_code == 409
    assert set(empty.get_json()["errors"]) == {"lessons", "plan"}
    assert "经验总结、下期工作计划 尚未填写" in empty.get_json()["message"]
    sections(client, team["lead"], report["id"], lessons="写了", plan="  \n ")
    blank = client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    assert blank.status_code == 409 and set(blank.get_json()["errors"]) == {"plan"}
    draft = client.get(f"{URL}/{report['id']}", headers=team["lead"]).get_json()
    assert (draft["status"], draft["job"], draft["sections_by"]) == ("draft", None, "lead")
    # Not issued: nothing to download yet.
    early = client.get(f"{URL}/{report['id']}.docx", headers=team["reader"])
    assert early.status_code == 409 and "尚未签发" in early.get_json()["message"]
    sections(client, team["lead"], report["id"], lessons="写了", plan="计划")
    issued = client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    assert issued.status_code == 202 and issued.get_json()["issued_by"] == "lead"
    assert issued.get_json()["job"]["status"] == "queued"
    assert issued.get_json()["job"]["kind_label"] == "新媒体运营数据分析报告"
    # No consumer runs here: the files are still being made.
    waiting = client.get(f"{URL}/{report['id']}.xlsx", headers=team["reader"])
    assert waiting.status_code == 409 and "正在生成" in waiting.get_json()["message"]
    late = sections(client, team["lead"], report["id"], lessons="改", plan="改")
    assert late.status_code == 409 and "已签发" in late.get_json()["message"]
    twice = client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    assert twice.status_code == 409
    kept = client.get(f"{URL}/{report['id']}", headers=team["lead"]).get_json()
    assert (kept["lessons"], kept["plan"], kept["status"]) == ("写了", "计划", "issued")


def test_a_failed_rendering_is_made_again_by_issuing_again(app, client, team):  # noqa: F811
    report = report_request(client, team["lead"]).get_json()
    sections(client, team["lead"], report["id"])
    first = client.post(f"{URL}/{report['id']}/issue", headers=team["lead"]).get_json()
    with app.app_context():  # what a consumer records when the rendering gives up
        records.fail(first["job"]["id"], "磁盘已满")
    failed = client.get(f"{URL}/{report['id']}.docx", headers=team["reader"])
    assert failed.status_code == 409 and "生成失败：磁盘已满" in failed.get_json()["message"]
    with running_consumer(app):
        again = client.post(f"{URL}/{report['id']}/issue", headers=team["admin"])
        assert again.status_code == 202, again.get_json()
        assert again.get_json()["job"]["id"] != first["job"]["id"]
        done = wait_for(client, team["lead"], f"{URL}/{report['id']}",
                        lambda body: body["job"]["status"] in ("done", "failed"))
    assert done["job"]["status"] == "done", done["job"]
    # Still the report the lead issued then, now with its files.
    assert (done["issued_by"], done["issued_at"]) == ("lead", first["issued_at"])
    assert client.get(f"{URL}/{report['id']}.xlsx", headers=team["reader"]).status_code == 200
    assert client.post(f"{URL}/{report['id']}/issue", headers=team["lead"]).status_code == 409


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "monthly", "period": "2023-13"}, "period"),
    ({"kind": "monthly", "period": "2023-06"}, "period"),  # before the term
    ({"kind": "monthly", "period": "2023/24-Q2"}, "period"),
    ({"kind": "quarterly", "period": "2023/24-Q5"}, "period"),
    ({"kind": "quarterly", "period": "2023-Q4"}, "period"),  # a calendar quarter
    ({"kind": "yearly", "period": "2023/24"}, "kind"),
    ({"kind": "monthly"}, "period"),
    ({"kind": "monthly", "period": "2023-10", "extra": 1}, "extra"),
    ({"kind": "monthly", "period": "2023-10", "contract": "no-such"}, "contract"),
])
def test_bad_periods_are_refused_naming_the_field(client, team, body, field):  # noqa: F811
    answer = client.post(URL, headers=team["lead"], json={"contract": CONTENT, **body})
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["errors"]["json"]


def test_sections_refuse_text_that_cannot_be_stored(client, team):  # noqa: F811
    report = report_request(client, team["lead"]).get_json()
    bad = sections(client, team["lead"], report["id"], lessons="a\x00b")
    assert bad.status_code == 422 and "lessons" in bad.get_json()["errors"]["json"]
    missing = client.put(f"{URL}/{report['id']}/sections", headers=team["lead"],
                         json={"lessons": "只有经验"})
    assert missing.status_code == 422 and "plan" in missing.get_json()["errors"]["json"]
    assert client.put(f"{URL}/999999/sections", headers=team["lead"],
                      json={"lessons": "x", "plan": "y"}).status_code == 404

