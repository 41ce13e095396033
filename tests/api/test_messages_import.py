"""Importing a platform's export of messages (#18 points 1 and 4): a dry run shows what would
be entered with the due times; any bad row refuses the whole file, listing the rows; a file
imported twice enters nothing twice."""

import io
from datetime import datetime

from openpyxl import Workbook

from tests.api.test_messages import CONTENT, queue, team  # noqa: F401 (the fixture)

HEADER = ["编号", "渠道", "类型", "收到时间", "用户", "内容", "分类"]
ROWS = [
    ["wx-001", "微信公众号", "私信", "2023-09-28 10:00", "市民甲", "国庆期间能办理登记吗？",
     "不动产登记"],
    ["wb-001", "weibo", "评论", "2023-10-09 09:15", "网友乙", "@SUM(A1) 求助", ""],
    ["wb-002", "微博", "业务咨询", datetime(2024, 2, 2, 15, 0), "网友丙", "老楼加装电梯怎么申请？",
     "城市更新"],
]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, headers, data, name="export.xlsx", **form):
    return client.post("/api/v1/messages/import", headers=headers,
                       data={"file": (io.BytesIO(data), name), "contract": CONTENT, **form},
                       content_type="multipart/form-data")


def test_a_dry_run_shows_the_messages_and_their_due_times_and_stores_nothing(client, team):  # noqa: F811
    data = xlsx([["微信、微博留言导出（2023 年）"], HEADER, *ROWS])
    dry = upload(client, team["editor"], data, dry_run="true")
    assert dry.status_code == 200, dry.get_json()
    answer = dry.get_json()
    assert answer["dry_run"] is True and answer["rows"] == 3 and answer["entered"] == []
    assert [(m["channel"], m["kind"], m["due_at"], m["flagged"]) for m in answer["messages"]] == [
        ("wechat", "private_message", "2023-10-07T02:00:00+00:00", True),
        ("weibo", "comment", "2023-10-10T01:15:00+00:00", False),
        ("weibo", "inquiry", "2024-02-04T07:00:00+00:00", False)]
    assert queue(client, team["editor"]) == []
    stored = upload(client, team["editor"], data)
    assert stored.status_code == 201, stored.get_json()
    assert len(stored.get_json()["entered"]) == 3
    listed = queue(client, team["editor"])
    assert [m["external_id"] for m in listed] == ["wx-001", "wb-001", "wb-002"]
    # Text is data: stored as the user wrote it.
    assert listed[1]["text"] == "@SUM(A1) 求助" and listed[1]["source"] == "import"
    assert listed[0]["category"] == "不动产登记"
    # The same export again: every row was entered already; nothing is added.
    again = upload(client, team["editor"], data)
    assert again.status_code == 422
    rows = again.get_json()["errors"]["files"]["rows"]
    assert [(r["row"], r["column"]) for r in rows] == [(3, "编号"), (4, "编号"), (5, "编号")]
    assert len(queue(client, team["editor"])) == 3


def test_one_bad_row_refuses_the_whole_file_listing_each_row(client, team):  # noqa: F811
    csv = "\n".join([
        ",".join(HEADER),
        "a1,weibo,评论,2023-09-28 10:00,网友,好,",
        "a2,douyin,评论,2023-09-28 10:00,网友,好,",
        "a3,weibo,来信,2023-09-28 10:00,网友,好,",
        "a4,weibo,评论,昨天,网友,好,",
        "a5,weibo,评论,2023-06-01 10:00,网友,好,",
        "a6,weibo,评论,2023-09-28 10:00,,好,",
        "a1,weibo,评论,2023-09-28 11:00,网友,重复编号,",
    ]).encode("utf-8")
    for dry_run in ("true", "false"):
        refused = upload(client, team["editor"], csv, name="export.csv", dry_run=dry_run)
        assert refused.status_code == 422, refused.get_json()
        errors = refused.get_json()["errors"]["files"]
        assert [(r["row"], r["column"]) for r in errors["rows"]] == [
            (3, "渠道"), (4, "类型"), (5, "收到时间"), (6, "收到时间"), (7, "用户"),
            (8, "编号")]
        assert errors["errors_total"] == 6
        assert "未导入任何数据" in refused.get_json()["message"]
    assert queue(client, team["editor"]) == []


def test_who_may_not_import_and_files_that_are_not_tables_are_refused(
        client, team, liaison_headers):  # noqa: F811
    data = xlsx([HEADER, *ROWS])
    for headers in (liaison_headers, team["reader"]):
        assert upload(client, headers, data).status_code == 403
    assert upload(client, team["reviewer"], data).status_code == 403
    assert upload(client, team["outsider"], data).status_code == 422
    unreadable = upload(client, team["editor"], b"PK\x03\x04 not a zip")
    assert unreadable.status_code in (400, 415, 422)
    no_header = upload(client, team["editor"], xlsx([["a", "b"], [1, 2]]))
    assert no_header.status_code in (400, 415, 422)
    assert "表头" in no_header.get_json()["message"]
    assert queue(client, team["editor"]) == []
