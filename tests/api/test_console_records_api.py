"""What the console's pages 推广工作登记, 合同目标 and 周报 ask of the API beyond the registry's
own tests: a target changed with a required reason, a contract file uploaded (a bad one
refused, naming what is wrong, changing nothing), and every week of the contract with its
sets' status in one request. Officials and liaisons are refused every write."""

import io
import json

import pytest

FUYOUJIE = "110102001004"
CONTRACT = {"key": "city-2023", "name": "新媒体运营", "client": "市局",
            "start": "2023-07-01", "end": "2024-06-30",
            "targets": [{"key": "articles", "name": "公众号文章", "target": 780,
                         "measure": "count", "source": "articles"}]}


@pytest.fixture
def official_headers(make_user, auth_headers):
    return auth_headers(make_user("official", "guan"))


@pytest.fixture
def liaison_headers(make_user, auth_headers):
    return auth_headers(make_user("liaison", "li", communities=[FUYOUJIE]))


def upload(client, headers, content: bytes | str, name: str = "contract.yaml"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post("/api/v1/contracts", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), name)})


def current(client, headers) -> dict:
    return client.get("/api/v1/contracts/current", headers=headers).get_json()


def test_a_target_change_needs_a_reason_and_keeps_it_in_the_history(client, admin_headers):
    missing = client.patch("/api/v1/targets/events", json={"target": 18}, headers=admin_headers)
    assert missing.status_code == 422
    assert "reason" in missing.get_json()["errors"]["json"]
    blank = client.patch("/api/v1/targets/events", json={"target": 18, "reason": "  "},
                         headers=admin_headers)
    assert blank.status_code == 422 and blank.get_json()["errors"]["json"]["reason"]
    same = client.patch("/api/v1/targets/events", json={"target": 15, "reason": "不变"},
                        headers=admin_headers)
    assert same.status_code == 422 and "target" in same.get_json()["errors"]["json"]
    changed = client.patch("/api/v1/targets/events",
                           json={"target": 18, "reason": "补充协议增加三场"}, headers=admin_headers)
    assert changed.status_code == 200 and changed.get_json()["target"] == 18
    history = client.get("/api/v1/targets/events/history", headers=admin_headers).get_json()
    assert [(h["action"], h["actor"], h["changes"]) for h in history] == [
        ("update", "admin", {"target": [15.0, 18.0], "reason": "补充协议增加三场"})]


def test_officials_and_liaisons_cannot_change_targets_or_load_contracts(
        client, admin_headers, official_headers, liaison_headers):
    for headers in (official_headers, liaison_headers):
        assert client.patch("/api/v1/targets/events", json={"target": 1, "reason": "x"},
                            headers=headers).status_code == 403
        # Refused before the body is read: even a bad file is a 403, not a 422.
        assert upload(client, headers, "not: [a contract").status_code == 403
        assert upload(client, headers, json.dumps(CONTRACT)).status_code == 403
    assert current(client, admin_headers)["key"] == "xicheng-2022"


def test_an_uploaded_contract_file_becomes_current_as_the_command_would_load_it(
        client, admin_headers, official_headers):
    loaded = upload(client, admin_headers, json.dumps(CONTRACT, ensure_ascii=False),
                    "contract.json")
    assert loaded.status_code == 201, loaded.get_json()
    assert loaded.get_json()["key"] == "city-2023"
    body = current(client, official_headers)
    assert (body["name"], body["start"], body["end"]) == ("新媒体运营", "2023-07-01", "2024-06-30")
    assert [(t["key"], t["target"], t["source"]) for t in body["targets"]] == [
        ("articles", 780.0, "articles")]
    # YAML too, and loading the shipped contract again brings it back with its targets.
    with open("data/contracts/xicheng-2022.yaml", "rb") as handle:
        again = upload(client, admin_headers, handle.read())
    assert again.status_code == 201
    shipped = current(client, admin_headers)
    assert shipped["key"] == "xicheng-2022"
    assert len(shipped["targets"]) == 12
    # Each target carries the agreement's words and clause, for the execution report.
    assert shipped["contractor"]
    assert all(t["commitment"] and t["clause"] == "一(三)" for t in shipped["targets"])
    visits = next(t for t in shipped["targets"] if t["key"] == "visits")
    assert "1052" in visits["commitment"]


BAD_FILES = [
    ("key: [unclosed\n", "file", "YAML 格式错误"),
    ("- just\n- a list\n", "file", "应为一个对象"),
    # Nested aliases ("billion laughs") would expand beyond any memory once stored as JSON.
    ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "key: x\nname: y\nstart: 2023-01-01\nend: 2023-12-31\ntargets: []\nrules: {c: *b}\n",
     "file", "不接受 YAML 别名"),
    (b"\xff\xfe bad bytes", "file", "UTF-8"),
    ("key: x\nname: y\nstart: 2023-01-01\nend: 2022-01-01\ntargets: []\n", "end", "结束日期"),
    ("key: x\nname: y\nstart: 2023-01-01\nend: 2023-12-31\n", "targets", "缺少字段：targets"),
    ("key: x\nname: y\nstart: 2023-13-01\nend: 2023-12-31\ntargets: []\n", "file", "无效的日期"),
    ("key: x\nname: y\nstart: 1 May\nend: 2023-12-31\ntargets: []\n", "start", "日期格式错误"),
    ("key: x\nname: y\nstart: 2023-01-01\nend: 2023-12-31\ntargets:\n"
     "  - {key: a, name: 文章, target: 10, measure: weekly, source: articles}\n",
     "targets", "计量方式未知：weekly"),
    ("key: x\nname: y\nstart: 2023-01-01\nend: 2023-12-31\ntargets:\n"
     "  - {key: a, name: 文章, target: 10, measure: count, source: posters}\n",
     "targets", "数据来源未知：posters"),
    ("key: x\nname: y\nstart: 2023-01-01\nend: 2023-12-31\ntargets:\n"
     "  - {key: a, name: 文章, target: many, measure: count, source: articles}\n",
     "targets", "数值无效"),
    ("key: x\nname: y\nstart: 2023-01-01\nend: 2023-12-31\ntargets:\n"
     "  - {key: a, name: 文章, target: .nan, measure: count, source: articles}\n",
     "targets", "数值应在"),
    ("key: x\nname: y\nstart: 2023-01-01\nend: 2023-12-31\ntargets:\n"
     "  - {key: a, name: 文章, target: 3, measure: count, source: articles}\n"
     "  - {key: a, name: 文章, target: 4, measure: count, source: articles}\n",
     "targets", "目标重复：a"),
    ("key: x\nname: y\nstart: 2023-01-01\nend: 2023-12-31\ntargets:\n"
     "  - {key: s, name: 培训覆盖, target: 15, measure: every_street, source: events}\n",
     "targets", "数据来源未知：events"),
    ("key: x\nname: y\nstart: 2023-01-01\nend: 2023-12-31\ntargets:\n"
     "  - {key: a, name: 文章, target: 3, measure: count, source: articles, commitment: [1]}\n",
     "targets", "commitment 应为文本"),
]


@pytest.mark.parametrize(("content", "field", "says"), BAD_FILES)
def test_a_bad_contract_file_is_refused_naming_what_is_wrong_and_changes_nothing(
        client, admin_headers, content, field, says):
    before = current(client, admin_headers)
    refused = upload(client, admin_headers, content)
    assert refused.status_code == 422, refused.get_json()
    body = refused.get_json()
    messages = [m for ms in body["errors"].get("json", body["errors"]).values() for m in ms]
    assert field in body["errors"].get("json", body["errors"]) and any(
        says in m for m in messages), body
    assert current(client, admin_headers) == before


def test_an_upload_without_a_file_is_refused_naming_the_field(client, admin_headers):
    refused = client.post("/api/v1/contracts", headers=admin_headers,
                          content_type="multipart/form-data", data={})
    assert refused.status_code == 422
    assert "file" in refused.get_json()["errors"]["files"]


def test_the_contract_weeks_come_in_one_request_with_their_status(
        client, admin_headers, official_headers, liaison_headers, make_set):
    empty = client.get("/api/v1/reports/weekly/weeks", headers=official_headers)
    assert empty.status_code == 200
    body = empty.get_json()
    assert body["contract"]["key"] == "xicheng-2022"
    weeks = [w["week"] for w in body["items"]]
    # 2022-03-15 (a Tuesday, W11) to 2023-03-15 (a Wednesday, W11): 53 ISO weeks.
    assert weeks[0] == "2022-W11" and weeks[-1] == "2023-W11" and len(weeks) == 53
    assert {w["status"] for w in body["items"]} == {"none"}
    make_set("2022-W20")
    items = {w["week"]: w for w in client.get("/api/v1/reports/weekly/weeks",
                                              headers=admin_headers).get_json()["items"]}
    made = items["2022-W20"]
    # The same answer as the week's own status (an account assigned within the last moments
    # before the set was read may already make it stale: see freshness.IN_FLIGHT).
    alone = client.get("/api/v1/reports/weekly/2022-W20", headers=admin_headers).get_json()
    assert (made["generated"], made["stale"], made["sets"]) == (True, alone["stale"], 1)
    assert made["status"] == ("stale" if alone["stale"] else "done")
    assert made["latest"]["status"] == "done" and made["active"] is None
    assert items["2022-W21"]["status"] == "none"
    # A record of the week added afterwards makes its set stale (and later weeks', none made).
    client.post("/api/v1/events", json={"date": "2022-05-18", "title": "补录活动"},
                headers=admin_headers)
    items = {w["week"]: w for w in client.get("/api/v1/reports/weekly/weeks",
                                              headers=admin_headers).get_json()["items"]}
    assert (items["2022-W20"]["status"], items["2022-W20"]["stale"]) == ("stale", True)
    # Liaisons see the statuses too (downloads stay scoped); only admins ask for sets.
    assert client.get("/api/v1/reports/weekly/weeks", headers=liaison_headers).status_code == 200
    for headers in (official_headers, liaison_headers):
        assert client.post("/api/v1/reports/weekly/2022-W21/runs",
                           headers=headers).status_code == 403
    assert client.get("/api/v1/reports/weekly/weeks?page=2",
                      headers=admin_headers).status_code == 422


@pytest.mark.parametrize("url", ["trainings", "events", "service-groups", "cases", "topics",
                                 "articles", "demo-communities", "interactions"])
def test_officials_may_read_records_but_never_write_them(client, official_headers, url):
    assert client.get(f"/api/v1/{url}", headers=official_headers).status_code == 200
    assert client.post(f"/api/v1/{url}", json={}, headers=official_headers).status_code == 403
    assert client.patch(f"/api/v1/{url}/1", json={"title": "x"},
                        headers=official_headers).status_code == 403
    assert client.delete(f"/api/v1/{url}/1", headers=official_headers).status_code == 403


def test_a_set_delivered_without_files_shows_as_archived(app, client, admin_headers):
    from datetime import UTC, datetime

    from service.reports import runs
    with app.app_context():
        runs.record_delivered_set("2022-W30", actor=None, seconds=12, files=280,
                                  finished_at=datetime(2022, 8, 1, 0, 10, tzinfo=UTC))
    items = {w["week"]: w for w in client.get("/api/v1/reports/weekly/weeks",
                                              headers=admin_headers).get_json()["items"]}
    assert (items["2022-W30"]["status"], items["2022-W30"]["generated"],
            items["2022-W30"]["sets"]) == ("archived", False, 1)


def test_the_command_refuses_the_same_bad_file_with_the_same_words(runner, client, admin_headers,
                                                                   tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(next(c for c, _, says in BAD_FILES if "weekly" in says), encoding="utf-8")
    refused = runner.invoke(args=["load-contract", str(bad)])
    assert refused.exit_code != 0 and "计量方式未知：weekly" in refused.output
    assert current(client, admin_headers)["key"] == "xicheng-2022"
