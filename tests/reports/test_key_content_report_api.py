"""Key-content propagation reports (重点内容传播分析报告, #18 point 3) through the API: a report
of kind key_content about one published piece, drafted by the editors' lead, its sections
written, issued, made by a real consumer of the job queue and downloaded by the contract's
members. Every number of the Word document and the workbook is compared with
/publication-metrics and with medians the test counts itself from the snapshots it stored;
refusals and the compliance counts of issued reports are tried too."""

import io
import json
from datetime import date, datetime, timedelta
from statistics import median

import pytest
from docx import Document
from openpyxl import load_workbook

from exports.document import as_text
from models import User, db
from service.clock import local_today
from service.reports.content import issue_report
from tests.api.test_compliance_api import make_piece
from tests.api.test_content_review import CONTENT, publish
from tests.api.test_content_review import team as team  # noqa: F401 (the fixture)
from tests.jobs.test_queue import wait_for

URL = "/api/v1/reports/content"
AGES = (1, 3, 7, 14, 30)
PLATFORMS = {"wechat": "微信公众号", "weibo": "微博"}
KEY_TITLE = "重点：城市更新/条例解读"
# (name, kind, [(channel, day published, [(day of a snapshot, reads, shares, likes)])])
PIECES = [
    ("key", "article", [
        ("wechat", "2023-10-09", [("2023-10-10", 1_200, 20, 30), ("2023-10-12", 2_000, 35, 41),
                                  ("2023-10-16", 2_600, 50, 60), ("2023-11-20", 4_000, 80, 90)]),
        ("weibo", "2023-10-10", [("2023-10-11", 300, 5, 6), ("2023-10-20", 700, 9, 10)])]),
    ("a", "article", [("wechat", "2023-09-01", [
        ("2023-09-02", 500, 5, 7), ("2023-09-04", 800, 8, 9), ("2023-09-08", 1_000, 10, 12),
        ("2023-10-15", 1_500, 15, 18)])]),
    ("b", "article", [("wechat", "2023-09-15", [("2023-09-16", 900, 9, 11),
                                                ("2023-09-30", 1_300, 13, 14)])]),
    ("c", "article", [("wechat", "2023-10-20", [("2023-10-21", 100, 1, 2)])]),
    ("e", "article", [("wechat", "2023-11-01", [("2023-11-02", 333, 3, 4)])]),
    ("d", "article", [("wechat", "2023-08-01", [])]),  # a peer never counted
    # Other kinds on the same channels: never compared with an article.
    ("repost", "repost", [("wechat", "2023-10-02", [("2023-10-03", 99_000, 900, 800)])]),
    ("video", "video", [("weibo", "2023-10-02", [("2023-10-03", 88_000, 700, 600)])]),
]


def sections(client, headers, report, lessons="分析", plan="建议"):
    return client.put(f"{URL}/{report}/sections", headers=headers,
                      json={"lessons": lessons, "plan": plan})


def key_request(client, headers, content):
    return client.post(URL, headers=headers, json={"contract": CONTENT, "kind": "key_content",
                                                   "content": content})


@pytest.fixture
def dataset(client, team):  # noqa: F811
    """The pieces published and their snapshots entered, all through the API: {name: piece}
    and every publication (name, kind, channel, day, snapshots, id)."""
    pieces, publications = {}, []
    for number, (name, kind, published) in enumerate(PIECES):
        piece = make_piece(client, team, kind, [c for c, _, _ in published],
                           title=KEY_TITLE if name == "key" else f"{kind} {name}")
        pieces[name] = piece
        for channel, day, snapshots in published:
            answer = publish(client, team["editor2"], piece, channel=channel,
                             published_at=f"{day}T10:00:00+08:00",
                             url=f"https://example.com/{number}/{channel}")
            assert answer.status_code == 201, answer.get_json()
            publication = answer.get_json()["id"]
            for when, reads, shares, likes in snapshots:
                entered = client.put(f"/api/v1/publications/{publication}/metrics/{when}",
                                     headers=team["lead"],
                                     json={"reads": reads, "shares": shares, "likes": likes})
                assert entered.status_code == 200, entered.get_json()
            publications.append((name, kind, channel, date.fromisoformat(day),
                                 [(date.fromisoformat(s[0]), *s[1:]) for s in snapshots],
                                 publication))
    return {"pieces": pieces, "publications": publications}


# ---------------------------------------------------------------- independent counts

def at(snapshots, day):
    known = [s[1:] for s in snapshots if s[0] <= day]
    return tuple(known[-1]) if known else None


def expected_ages(publications, channel, as_of):
    """For the key piece on a channel, at each age: its figures, the medians of the other
    articles on that channel (those with a snapshot by then) and how many were compared."""
    _, kind, _, day, snapshots, _ = next(p for p in publications
                                         if p[0] == "key" and p[2] == channel)
    peers = [p for p in publications if p[0] != "key" and p[1] == kind and p[2] == channel]
    rows = []
    for age in AGES:
        others = [f for p in peers if p[3] + timedelta(days=age) <= as_of
                  and (f := at(p[4], p[3] + timedelta(days=age)))]
        medians = [median(f[i] for f in others) for i in range(3)] if others else [None] * 3
        mine = at(snapshots, day + timedelta(days=age))
        change = round((mine[0] - medians[0]) / medians[0], 4) if others and mine else None
        rows.append((age, day + timedelta(days=age), mine, medians, len(others), change))
    return rows, len(peers)


def sheet_values(book, title):
    """A sheet's rows under its header row (the row whose first cell is the head's)."""
    values = [list(r) for r in book[title].iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(values) if r[0] in ("渠道", "发布后天数", "部分"))
    return values[head + 1:]


def as_day(value):
    return value.date() if isinstance(value, datetime) else value


def made_report(client, team, dataset, tmp_path, lessons, plan):  # noqa: F811
    created = key_request(client, team["lead"], dataset["pieces"]["key"]["id"])
    assert created.status_code == 201, created.get_json()
    report = created.get_json()
    assert (report["kind"], report["content"], report["content_title"], report["from"],
            report["status"]) == ("key_content", dataset["pieces"]["key"]["id"], KEY_TITLE,
                                  "2023-10-09", "draft")
    assert sections(client, team["lead"], report["id"], lessons, plan).status_code == 200
    issued = client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    assert issued.status_code == 202, issued.get_json()
    # Its figures are as of the day it is issued.
    assert issued.get_json()["to"] == local_today().isoformat()
    done = wait_for(client, team["reader"], f"{URL}/{report['id']}",
                    lambda body: body["job"]["status"] in ("done", "failed"))
    assert done["job"]["status"] == "done", done["job"]
    files = {}
    for fmt in ("docx", "xlsx", "json"):
        answer = client.get(f"{URL}/{report['id']}.{fmt}", headers=team["reader"])
        assert answer.status_code == 200, (fmt, answer.get_json())
        files[fmt] = answer.data
    pdf = client.get(f"{URL}/{report['id']}.pdf", headers=team["reader"])
    assert (pdf.status_code == 200 and pdf.data.startswith(b"%PDF")) or (
        pdf.status_code == 404 and "没有 PDF 版本" in pdf.get_json()["message"])
    (tmp_path / "k.docx").write_bytes(files["docx"])
    return done, Document(str(tmp_path / "k.docx")), \
        load_workbook(io.BytesIO(files["xlsx"])), json.loads(files["json"])


def test_every_number_of_a_key_content_report_is_the_api_s_and_an_independent_count(
        consumer, client, team, dataset, tmp_path):  # noqa: F811
    lessons = "微信首日阅读高于同类。\n=HYPERLINK(\"http://evil.example\")"
    plan = "+建议：在微博加推。"
    report, document, book, manifest = made_report(client, team, dataset, tmp_path,
                                                   lessons, plan)
    as_of = date.fromisoformat(report["to"])
    stem = "重点内容传播分析报告_重点：城市更新_条例解读"
    assert [f["name"] for f in manifest["files"]][:2] == [f"{stem}.docx", f"{stem}.xlsx"]
    assert (manifest["content"], manifest["from"], manifest["to"]) == (
        KEY_TITLE, "2023-10-09", report["to"])
    assert document.paragraphs[0].text == f"重点内容传播分析报告（{KEY_TITLE}）"
    published_table, wechat_table, weibo_table, total_table = document.tables

    # 一: the latest figures, as /publication-metrics shows them.
    listed = client.get(f"/api/v1/publication-metrics?contract={CONTENT}&per_page=500",
                        headers=team["reader"]).get_json()["items"]
    api = {i["channel"]: i for i in listed if i["content_id"] == report["content"]}
    published_book = sheet_values(book, "发布情况")
    published_doc = [[c.text for c in row.cells] for row in published_table.rows[1:]]
    assert [r[0] for r in published_book] == ["微信公众号", "微博", "合计"]
    for row, cells, key in zip(published_book, published_doc, ("wechat", "weibo"),
                               strict=False):
        mine = api[key]
        peers = sum(1 for p in dataset["publications"]
                    if p[0] != "key" and p[1] == "article" and p[2] == key)
        assert (as_day(row[1]).isoformat(), row[2], as_day(row[3]).isoformat(),
                *row[4:]) == (mine["published_on"], mine["url"], mine["day"], mine["reads"],
                              mine["shares"], mine["likes"], peers), key
        assert cells == [PLATFORMS[key], mine["published_on"], mine["url"], mine["day"],
                         as_text(mine["reads"], "int"), as_text(mine["shares"], "int"),
                         as_text(mine["likes"], "int"), as_text(peers, "int")]
    totals = [sum(api[k][f] for k in api) for f in ("reads", "shares", "likes")]
    assert published_book[2][4:7] == totals
    assert published_doc[2][4:7] == [as_text(v, "int") for v in totals]

    # 二: each channel at each age beside the median of the channel's other articles.
    sums = {age: [0, 0, 0, 0] for age in AGES}
    for key, sheet, table in (("wechat", "传播1", wechat_table), ("weibo", "传播2", weibo_table)):
        rows, peers = expected_ages(dataset["publications"], key, as_of)
        got_book = sheet_values(book, sheet)
        got_doc = [[c.text for c in row.cells] for row in table.rows[1:]]
        assert len(got_book) == len(got_doc) == len(AGES)
        for (age, day, mine, medians, compared, change), line, cells in zip(
                rows, got_book, got_doc, strict=True):
            figures = list(mine) if mine else [None] * 3
            assert (line[0], as_day(line[1]), *line[2:]) == (
                f"第 {age} 天", day, *figures, *medians, compared, change), (key, age)
            assert cells == [f"第 {age} 天", day.isoformat(),
                             *(as_text(v, "int") for v in figures),
                             *(as_text(v, "decimal") for v in medians),
                             as_text(compared, "int"), as_text(change, "pct")], (key, age)
            if mine:
                sums[age] = [s + v for s, v in zip(sums[age], [*mine, 1], strict=True)]
        said = "不作同类比较" if not peers else f"与该渠道其他 {peers} 条文章发布比较"
        assert any(said in p.text for p in document.paragraphs), key
        assert said in book[sheet]["A2"].value
    # The figures written out once, as a reader checks them: wechat's day 1 beside 500 and
    # 900 and 100 and 333 (a, b, c, e; d has no snapshot): median 416.5.
    assert sheet_values(book, "传播1")[0][2:9] == [1_200, 20, 30, 416.5, 4, 5.5, 4]
    assert sheet_values(book, "传播2")[0][5:9] == [None, None, None, 0]

    # 三: the totals across channels at each age.
    total_book = sheet_values(book, "各渠道合计")
    total_doc = [[c.text for c in row.cells] for row in total_table.rows[1:]]
    assert total_book == [[f"第 {age} 天", *sums[age]] for age in AGES]
    assert total_doc == [[f"第 {age} 天", *(as_text(v, "int") for v in sums[age])]
                         for age in AGES]

    # 四 and 五 as the team wrote them: text, never a field or a formula.
    body = [p.text for p in document.paragraphs]
    at_lessons = body.index("四、传播分析与经验")
    assert body[at_lessons + 1:at_lessons + 3] == lessons.splitlines()
    assert body[body.index("五、改进建议") + 1] == plan
    written = {r[0]: r[1] for r in sheet_values(book, "分析与建议")}
    assert written == {"传播分析与经验": lessons, "改进建议": plan}
    assert all(c.data_type != "f" for s in book for r in s.iter_rows() for c in r)


# ---------------------------------------------------------------- refusals

def test_who_may_make_a_key_content_report(client, team, make_user,  # noqa: F811
                                           auth_headers, dataset):
    key = dataset["pieces"]["key"]["id"]
    liaison = auth_headers(make_user("liaison", "li"))
    for headers in (team["reader"], liaison):
        assert key_request(client, headers, key).status_code == 403
    for who in ("editor", "reviewer", "approver"):
        assert key_request(client, team[who], key).status_code == 403, who
    outside = key_request(client, team["outsider"], key)
    assert outside.status_code == 422 and "contract" in outside.get_json()["errors"]["json"]
    report = key_request(client, team["lead"], key).get_json()
    assert sections(client, team["editor"], report["id"]).status_code == 403
    assert client.post(f"{URL}/{report['id']}/issue", headers=team["editor"]).status_code == 403
    assert client.get(f"{URL}/{report['id']}", headers=team["outsider"]).status_code == 404
    assert client.get(f"{URL}/{report['id']}.docx", headers=team["outsider"]).status_code == 404
    assert client.get(f"{URL}/{report['id']}.docx", headers=liaison).status_code == 403
    assert client.get(f"{URL}/{report['id']}", headers=team["editor"]).status_code == 200


def test_one_report_per_published_content_and_never_issued_with_a_section_empty(
        client, team, dataset):  # noqa: F811
    unpublished = make_piece(client, team, "article", ["wechat"], title="未发布")
    for content in (None, 999_999, unpublished["id"], "1"):
        body = {"contract": CONTENT, "kind": "key_content"}
        if content is not None:
            body["content"] = content
        refused = client.post(URL, headers=team["lead"], json=body)
        assert refused.status_code == 422, (content, refused.get_json())
        assert "content" in refused.get_json()["errors"]["json"], content
    report = key_request(client, team["lead"], dataset["pieces"]["key"]["id"]).get_json()
    again = key_request(client, team["admin"], dataset["pieces"]["key"]["id"])
    assert again.status_code == 409 and "content" in again.get_json()["errors"]
    empty = client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    assert empty.status_code == 409 and set(empty.get_json()["errors"]) == {"lessons", "plan"}
    assert "传播分析与经验、改进建议 尚未填写" in empty.get_json()["message"]
    sections(client, team["lead"], report["id"], plan=" \n")
    blank = client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    assert blank.status_code == 409 and set(blank.get_json()["errors"]) == {"plan"}
    # Another piece has its own report; a monthly report still needs its period.
    other = key_request(client, team["lead"], dataset["pieces"]["a"]["id"])
    assert other.status_code == 201, other.get_json()
    listed = client.get(f"{URL}?contract={CONTENT}", headers=team["reader"]).get_json()
    # By their first day: piece a went out in September.
    assert [r["content"] for r in listed["items"]] == [dataset["pieces"]["a"]["id"],
                                                       dataset["pieces"]["key"]["id"]]
    monthly = client.post(URL, headers=team["lead"], json={"contract": CONTENT,
                                                           "kind": "monthly"})
    assert monthly.status_code == 422 and "period" in monthly.get_json()["errors"]["json"]
    for body, field in (({"kind": "monthly", "period": "2023-10", "content": 1}, "content"),
                        ({"kind": "key_content", "period": "2023-10",
                          "content": dataset["pieces"]["b"]["id"]}, "period")):
        mixed = client.post(URL, headers=team["lead"], json={"contract": CONTENT, **body})
        assert mixed.status_code == 422 and field in mixed.get_json()["errors"]["json"], body


# ---------------------------------------------------------------- compliance

def _issue_on(app, report_id, day: date):
    """Issue as the lead on a day of the term (the API issues today, after the term)."""
    with app.app_context():
        lead = db.session.scalar(db.select(User).where(User.username == "lead"))
        issue_report(actor=lead, report_id=report_id,
                     now=datetime.fromisoformat(f"{day}T02:00:00+00:00"))


def test_issued_reports_count_for_compliance(app, client, team, dataset):  # noqa: F811
    def year_and_months():
        answer = client.get(f"/api/v1/compliance?contract={CONTENT}", headers=team["reader"])
        assert answer.status_code == 200, answer.get_json()
        items = answer.get_json()["items"]
        return ({(i["obligation"], i["label"]): i for i in items
                 if i["counts"] in ("data_reports", "key_content_reports")})

    before = year_and_months()
    assert before[("key_content_reports_year", "2023/24")]["actual"] == 0
    assert before[("key_content_reports_year", "2023/24")]["status"] == "short"
    key = key_request(client, team["lead"], dataset["pieces"]["key"]["id"]).get_json()
    drafted = key_request(client, team["lead"], dataset["pieces"]["a"]["id"]).get_json()
    october = client.post(URL, headers=team["lead"], json={
        "contract": CONTENT, "kind": "monthly", "period": "2023-10"}).get_json()
    quarter = client.post(URL, headers=team["lead"], json={
        "contract": CONTENT, "kind": "quarterly", "period": "2023/24-Q2"}).get_json()
    for report in (key, drafted, october, quarter):
        sections(client, team["lead"], report["id"])
    _issue_on(app, key["id"], date(2023, 12, 5))
    _issue_on(app, october["id"], date(2023, 11, 3))
    _issue_on(app, quarter["id"], date(2024, 1, 8))
    assert client.get(f"{URL}/{key['id']}", headers=team["lead"]).get_json()["to"] == \
        "2023-12-05"
    after = year_and_months()
    year = after[("key_content_reports_year", "2023/24")]
    # Issued ones only: the other piece's report is a draft.
    assert (year["actual"], year["status"]) == (1, "short")
    assert year["note"] == f"计入的报告：#{key['id']}（2023-12-05 签发）"
    months = {label: i["actual"] for (o, label), i in after.items()
              if o == "data_reports_month"}
    assert months == {label: int(label == "2023-10") for label in months}
    assert after[("data_reports_month", "2023-10")]["status"] == "met"
    quarters = {label: i["actual"] for (o, label), i in after.items()
                if o == "data_reports_quarter"}
    assert quarters == {"2023/24-Q1": 0, "2023/24-Q2": 1, "2023/24-Q3": 0, "2023/24-Q4": 0}
