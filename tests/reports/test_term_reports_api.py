"""The mid-term report and the final summary (项目总结报告) of the 2023 content contract (#18
point 3) through the API: created with no period (the contract fixes the span), written,
issued, made by a real consumer, downloaded with the appendix of the editing log. Every number
of the Word document and the workbooks is compared with GET /compliance, /compliance/growth,
the content's history and an independent count of the rows the test stored; every publication
is listed with its link and every signature in the appendix. Refusals are tried too."""

import hashlib
import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook

from exports.document import as_text
from service.district.contract_members import MEMBER_ROLE_LABELS, MemberRole
from tests.api.test_compliance_api import make_piece
from tests.api.test_content_review import CONTENT, publish
from tests.api.test_content_review import team as team  # noqa: F401 (the fixture)
from tests.jobs.test_queue import wait_for
from tests.reports.test_content_report_api import (
    KIND_LABELS,
    PLATFORMS,
    PUBLISHED,
    report_request,
    sections,
)
from tests.reports.test_content_report_api import dataset as dataset  # noqa: F401

URL = "/api/v1/reports/content"
SHANGHAI = ZoneInfo("Asia/Shanghai")
MIDTERM, TERM = (date(2023, 7, 1), date(2023, 12, 31)), (date(2023, 7, 1), date(2024, 6, 30))
# Published after the mid-term span: only in the final summary. A title that looks like a
# formula stays text.
LATE = ("article", "weibo", "2024-02-01", "=HYPERLINK(\"http://evil.example\",\"点我\")")
KPI_STATES = {None: "尚不能判断", False: "预计达标", True: "有风险"}
KPI_STATES_AT_END = {None: "尚不能判断", False: "达标", True: "未达标"}


def term_request(client, headers, kind):
    return client.post(URL, headers=headers, json={"contract": CONTENT, "kind": kind})


@pytest.fixture
def published(client, team, dataset):  # noqa: F811
    """The monthly reports' dataset plus a piece published in 2024: every publication as
    (piece id, kind, channel, day, title, url), as GET /publications lists them and as the
    test published them."""
    kind, channel, day, title = LATE
    piece = make_piece(client, team, kind, [channel], title=title)
    answer = publish(client, team["editor2"], piece, channel=channel,
                     published_at=f"{day}T09:00:00+08:00", url="https://weibo.com/late?a=1&b=2")
    assert answer.status_code == 201, answer.get_json()
    listed = client.get(f"/api/v1/publications?contract={CONTENT}&per_page=100",
                        headers=team["lead"]).get_json()["items"]
    by_id = {p["id"]: p for p in listed}
    rows = []
    for n, (publication, its_kind, its_day, _) in enumerate(dataset["publications"]):
        rows.append((by_id[publication]["content_id"], its_kind, PUBLISHED[n][1], its_day,
                     f"{its_kind} {n}", f"https://example.com/{n}"))
    rows.append((piece["id"], kind, channel, date.fromisoformat(day), title,
                 "https://weibo.com/late?a=1&b=2"))
    assert sorted((p["content_id"], p["channel"], p["published_on"], p["title"], p["url"])
                  for p in listed) == sorted((r[0], r[2], r[3].isoformat(), r[4], r[5])
                                             for r in rows)
    return rows


def made(client, team, kind, tmp_path, lessons="经验", plan="计划"):  # noqa: F811
    created = term_request(client, team["lead"], kind)
    assert created.status_code == 201, created.get_json()
    report = created.get_json()
    assert sections(client, team["lead"], report["id"], lessons, plan).status_code == 200
    issued = client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    assert issued.status_code == 202, issued.get_json()
    done = wait_for(client, team["reader"], f"{URL}/{report['id']}",
                    lambda body: body["job"]["status"] in ("done", "failed"))
    assert done["job"]["status"] == "done", done["job"]
    files = {}
    for fmt, path in (("docx", ".docx"), ("xlsx", ".xlsx"), ("json", ".json"),
                      ("appendix", "/appendix.xlsx")):
        answer = client.get(f"{URL}/{report['id']}{path}", headers=team["reader"])
        assert answer.status_code == 200, (fmt, answer.get_json())
        files[fmt] = answer
    pdf = client.get(f"{URL}/{report['id']}.pdf", headers=team["reader"])
    assert (pdf.status_code == 200 and pdf.data.startswith(b"%PDF")) or (
        pdf.status_code == 404 and "没有 PDF 版本" in pdf.get_json()["message"])
    if pdf.status_code == 200:
        files["pdf"] = pdf
    (tmp_path / f"{kind}.docx").write_bytes(files["docx"].data)
    return report, files, Document(str(tmp_path / f"{kind}.docx")), \
        load_workbook(io.BytesIO(files["xlsx"].data)), \
        load_workbook(io.BytesIO(files["appendix"].data))


def sheet_table(book, title: str, first_head: str) -> list[tuple]:
    """A sheet's rows under its header row (the one whose first cell is `first_head`)."""
    values = [tuple(r) for r in book[title].iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(values) if r[0] == first_head and r[1] is not None)
    return values[head + 1:]


def doc_tables(document, first_head: str) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows[1:]] for t in document.tables
            if t.rows[0].cells[0].text == first_head]


def as_cells(row: tuple) -> list[str]:
    """A workbook row as the document prints it (numbers by the kind of their column)."""
    return [v if isinstance(v, str) else as_text(v, "int") for v in row]


def counted_growth(rows: dict[str, list[dict]], growth: dict, end: date) -> dict:
    """The followers' and the reads' KPIs counted from the channels' stored rows: followers
    on the first recorded day of the term (each channel's) and on `end` (each one's latest),
    reads of the first and of the latest `window_days`."""
    stock = next(k for k in growth["kpis"] if k["compare"] == "stock")
    window = next(k for k in growth["kpis"] if k["compare"] == "window")
    first = date.fromisoformat(window["baseline_from"])
    width = date.fromisoformat(window["baseline_to"]) - first
    upto = [[r for r in channel if r["day"] <= end] for channel in rows.values()]
    return {stock["key"]: (sum(c[0]["followers"] for c in rows.values() if c),
                           sum(c[-1]["followers"] for c in upto if c)),
            window["key"]: (sum(r["reads"] for c in rows.values() for r in c
                                if first <= r["day"] <= first + width),
                            sum(r["reads"] for c in rows.values() for r in c
                                if max(first, end - width) <= r["day"] <= end))}


def check_kpis(client, team, document, book, end: date, rows):  # noqa: F811
    growth = client.get(f"/api/v1/compliance/growth?contract={CONTENT}&as_of={end}",
                        headers=team["reader"]).get_json()
    for key, (baseline, current) in counted_growth(rows, growth, end).items():
        kpi = next(k for k in growth["kpis"] if k["key"] == key)
        assert (kpi["baseline"], kpi["current"]) == (baseline, current), key
    states = KPI_STATES if growth["days_left"] else KPI_STATES_AT_END
    expected = [(k["name"], k["baseline"], k["current"], k["growth"], k["growth_required"],
                 k["target"], k["projected"], states[k["behind"]]) for k in growth["kpis"]]
    assert sheet_table(book, "增长指标", "增长指标") == expected
    kinds = ("text", "int", "int", "pct", "pct", "int", "int", "text")
    assert doc_tables(document, "增长指标") == [[
        [as_text(v, kind) if kind != "text" else v for v, kind in zip(row, kinds, strict=True)]
        for row in expected]]
    overview = dict(sheet_table(book, "概况", "项目"))
    assert overview["扣款风险金额（元）"] == growth["price_at_risk"]
    return growth


def check_obligations(client, team, document, book, start: date, end: date):  # noqa: F811
    summary = client.get(f"/api/v1/compliance?contract={CONTENT}&from={start}&to={end}",
                         headers=team["reader"]).get_json()["summary"]
    expected = [(s["name"], PLATFORMS[s["channel"]] if s["channel"] else "—", s["periods"],
                 s["met"], s["short"], s["pending"], "、".join(s["short_periods"]) or "—")
                for s in summary]
    assert sheet_table(book, "发布义务", "发布义务") == expected
    assert doc_tables(document, "发布义务") == [[as_cells(row) for row in expected]]
    return summary


def check_publications(document, book, published, start: date, end: date):
    """Each channel's sheet and the document hold exactly the span's publications, with their
    links, by day; an independent count from what the test published."""
    inside = [p for p in published if start <= p[3] <= end]
    doc_rows = [row for table in doc_tables(document, "发布日期") for row in table]
    for key, name in PLATFORMS.items():
        mine = sorted((p for p in inside if p[2] == key), key=lambda p: (p[3], p[0]))
        expected = [(datetime.combine(p[3], datetime.min.time()), p[4], KIND_LABELS[p[1]], p[5])
                    for p in mine]
        assert sheet_table(book, f"发布清单-{name}", "发布日期") == expected, key
        heading = f"{name}（{len(mine):,} 条）"
        assert heading in [p.text for p in document.paragraphs], heading
    assert sorted(doc_rows) == sorted([p[3].isoformat(), p[4], KIND_LABELS[p[1]], p[5]]
                                      for p in inside)
    overview = dict(sheet_table(book, "概况", "项目"))
    assert overview["发布条数"] == len(inside)
    assert f"统计期内共发布 {len(inside):,} 条" in "".join(p.text for p in document.paragraphs)
    # Links and titles are text: no formula anywhere.
    assert all(c.data_type != "f" for s in book for r in s.iter_rows() for c in r)


def check_signatures(client, team, appendix, published, start: date, end: date):  # noqa: F811
    """One row per signature of each version published in the span, as the content's history
    tells it (signer, role, time in Asia/Shanghai, decision), five levels a piece."""
    rows = sheet_table(appendix, "编辑审校记录", "内容标题")
    expected = []
    for piece, kind, channel, _day, title, _url in sorted(
            (p for p in published if start <= p[3] <= end), key=lambda p: (p[3], p[0])):
        history = client.get(f"/api/v1/content/{piece}/history",
                             headers=team["lead"]).get_json()
        for event in history:
            if event["event"] != "review":
                continue
            signed = datetime.fromisoformat(event["at"]).astimezone(SHANGHAI)
            expected.append((title, KIND_LABELS[kind], 1, PLATFORMS[channel],
                             event["level_name"], event["actor"]["display_name"],
                             MEMBER_ROLE_LABELS[MemberRole(event["role"])],
                             f"{signed:%Y-%m-%d %H:%M}",
                             "通过" if event["decision"] == "pass" else "退回", "有效"))
    assert len(expected) == 5 * len([p for p in published if start <= p[3] <= end])
    assert sorted(rows) == sorted(expected)
    assert all(c.data_type != "f" for s in appendix for r in s.iter_rows() for c in r)
    return len(rows)


def check_manifest(files, report_kind: str):
    """The manifest lists every file downloaded, by its SHA-256, the appendix by its name."""
    manifest = json.loads(files["json"].data)
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert sorted(listed.values()) == sorted(hashlib.sha256(answer.data).hexdigest()
                                             for fmt, answer in files.items() if fmt != "json")
    appendix = next(n for n in listed if n.endswith("_附件_编辑审校记录.xlsx"))
    assert listed[appendix] == hashlib.sha256(files["appendix"].data).hexdigest()
    assert manifest["period"] == {"midterm": "中期", "final": "全期"}[report_kind]


def test_the_midterm_report_holds_every_number_publication_and_signature(
        consumer, client, team, dataset, published, tmp_path):  # noqa: F811
    lessons = "上半年微信公众号阅读稳定增长。\n=1+1"
    report, files, document, book, appendix = made(client, team, "midterm", tmp_path,
                                                   lessons, "下半年：加强短视频。")
    assert (report["kind"], report["period"], report["from"], report["to"]) == (
        "midterm", "中期", "2023-07-01", "2023-12-31")
    assert document.paragraphs[0].text == "新媒体运营项目中期报告（2023-07-01 至 2023-12-31）"
    check_kpis(client, team, document, book, MIDTERM[1], dataset["rows"])
    check_obligations(client, team, document, book, *MIDTERM)
    check_publications(document, book, published, *MIDTERM)
    signatures = check_signatures(client, team, appendix, published, *MIDTERM)
    assert f"编辑审校记录（{signatures:,} 个签署）见附件工作簿。" in [
        p.text for p in document.paragraphs]
    assert dict(sheet_table(book, "概况", "项目"))["审校签署数"] == signatures
    check_manifest(files, "midterm")
    body = [p.text for p in document.paragraphs]
    assert body[body.index("三、经验总结") + 1:body.index("三、经验总结") + 3] == \
        lessons.splitlines()
    assert body[body.index("四、下一步工作计划") + 1] == "下半年：加强短视频。"
    written = dict(sheet_table(book, "经验与计划", "部分"))
    assert written == {"经验总结": lessons, "下一步工作计划": "下半年：加强短视频。"}


def test_the_final_summary_covers_the_whole_term(
        consumer, client, team, dataset, published, tmp_path):  # noqa: F811
    report, files, document, book, appendix = made(client, team, "final", tmp_path)
    assert (report["period"], report["from"], report["to"]) == ("全期", "2023-07-01",
                                                                "2024-06-30")
    growth = check_kpis(client, team, document, book, TERM[1], dataset["rows"])
    assert growth["days_left"] == 0
    check_obligations(client, team, document, book, *TERM)
    check_publications(document, book, published, *TERM)
    check_signatures(client, team, appendix, published, *TERM)
    check_manifest(files, "final")
    assert "四、工作建议" in [p.text for p in document.paragraphs]
    late = sheet_table(book, "发布清单-微博", "发布日期")[-1]
    assert late[1] == LATE[3] and late[3] == "https://weibo.com/late?a=1&b=2"


# ---------------------------------------------------------------- refusals

def test_term_reports_are_made_once_by_the_lead_and_never_with_a_section_empty(
        client, team):  # noqa: F811
    for who in ("editor", "reviewer", "approver"):
        refused = term_request(client, team[who], "midterm")
        assert refused.status_code == 403, who
    outside = term_request(client, team["outsider"], "final")
    assert outside.status_code == 422 and "contract" in outside.get_json()["errors"]["json"]
    report = term_request(client, team["lead"], "midterm").get_json()
    again = term_request(client, team["admin"], "midterm")
    assert again.status_code == 409 and "已存在" in again.get_json()["message"]
    final = term_request(client, team["admin"], "final")
    assert final.status_code == 201, final.get_json()
    assert client.get(f"{URL}/{report['id']}", headers=team["outsider"]).status_code == 404
    assert client.get(f"{URL}/{report['id']}/appendix.xlsx",
                      headers=team["outsider"]).status_code == 404
    for who in ("editor", "reviewer"):
        assert sections(client, team[who], report["id"]).status_code == 403
        assert client.post(f"{URL}/{report['id']}/issue", headers=team[who]).status_code == 403
    sections(client, team["lead"], report["id"], lessons="写了", plan=" ")
    empty = client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    assert empty.status_code == 409 and set(empty.get_json()["errors"]) == {"plan"}
    assert "下一步工作计划 尚未填写" in empty.get_json()["message"]
    early = client.get(f"{URL}/{report['id']}/appendix.xlsx", headers=team["reader"])
    assert early.status_code == 409 and "尚未签发" in early.get_json()["message"]
    listed = client.get(f"{URL}?contract={CONTENT}", headers=team["editor"]).get_json()
    assert [(r["kind"], r["period"]) for r in listed["items"]] == [("final", "全期"),
                                                                    ("midterm", "中期")]


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "midterm", "period": "2023-12"}, "period"),
    ({"kind": "final", "period": "全期"}, "period"),
    ({"kind": "term"}, "kind"),
])
def test_a_term_report_takes_no_period(client, team, body, field):  # noqa: F811
    answer = client.post(URL, headers=team["lead"], json={"contract": CONTENT, **body})
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["errors"]["json"]


def test_a_monthly_report_has_no_appendix(consumer, client, team):  # noqa: F811
    report = report_request(client, team["lead"]).get_json()
    sections(client, team["lead"], report["id"])
    client.post(f"{URL}/{report['id']}/issue", headers=team["lead"])
    wait_for(client, team["lead"], f"{URL}/{report['id']}",
             lambda body: body["job"]["status"] in ("done", "failed"))
    missing = client.get(f"{URL}/{report['id']}/appendix.xlsx", headers=team["lead"])
    assert missing.status_code == 404 and "没有附件" in missing.get_json()["message"]
