"""Every write endpoint of the OpenAPI document, every text field, every nasty value: the
answer is never a 5xx, a refusal writes nothing, and the week's workbooks still render.

The endpoints come from the live spec, so a new write endpoint fails this test until it has a
valid body below: nobody can add one that was never tried with such text."""

import io
import itertools
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from models import db
from service.district.contracts import ensure_shipped_contracts
from tests.api.test_visits import FUYOUJIE, XICHANG, visit_body

NASTY = [
    '=HYPERLINK("http://evil.example/","click")', "=cmd|' /C calc'!A0", "+1", "-1",
    "@SUM(A1)", "\tx", "\rx", "＝1+1",                      # formula prefixes
    "a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f", "lone\ud800",  # cannot be stored
    "x" * 100_000,                                             # far over every limit
    "\u202eevil.exe\u202c", "zero\u200bwidth\ufeff",          # right-to-left, zero-width
    "😀👨‍👩‍👧 表情", "<script>alert(1)</script>",
]
COMMUNITIES = [line.split(",")[2] for line in (
    Path(__file__).parents[2] / "data/district/xicheng_communities.csv").read_text(
    encoding="utf-8").splitlines()[1:]]
WEEK = "2022-W20"  # the week of visit_body()'s visit
STRONG_PASSWORD = "Xicheng-ops-2022!"
# Tables written on purpose by a refused request: a failed login is recorded for the throttle.
WRITTEN_ON_REFUSAL = {"login_attempts"}
# The multipart uploads' text is their file, which their own tests try with bad files.
NOT_JSON = {("post", "/api/v1/user-counts/import"), ("post", "/api/v1/contracts"),
            ("post", "/api/v1/users/community-import"),
            ("post", "/api/v1/channel-metrics/import"),
            ("post", "/api/v1/publication-metrics/import"), ("post", "/api/v1/messages/import")}

RECORDS = {
    "trainings": {"date": "2022-05-10", "title": "平台使用培训", "street_codes": [XICHANG],
                  "community_codes": [FUYOUJIE], "trainer": "王老师", "attendees": 40},
    "events": {"date": "2022-05-17", "title": "社区拉新活动", "community_code": FUYOUJIE,
               "participants": 120, "signups_registered": 60, "signups_verified": 45},
    "service-groups": {"name": "府右街南居民群", "channel": "wechat_group",
                       "community_code": FUYOUJIE, "members": 300, "created_on": "2022-04-01"},
    "cases": {"title": "议事协商解决停车难", "community_code": FUYOUJIE,
              "published_on": "2022-05-18", "url": "https://example.org/case/1",
              "summary": "居民通过平台议事"},
    "topics": {"month": "2022-05", "title": "五月专题：实名认证"},
    "articles": {"title": "西城家园上线新功能", "published_on": "2022-05-20",
                 "url": "https://example.org/a/1"},
    "demo-communities": {"community_code": FUYOUJIE, "designated_on": "2022-05-16",
                         "note": "首批示范社区"},
    "interactions": {"date": "2022-05-16", "views": 100, "likes": 10, "comments": 1},
}


def valid_bodies(n: int) -> dict:
    """A valid body for each write endpoint; `n` keeps unique fields unique."""
    month = 3 + n % 10
    bodies = {
        ("post", "/api/v1/auth/login"): {"username": "admin", "password": "wrong password"},
        ("post", "/api/v1/users"): {"username": f"user{n}", "password": STRONG_PASSWORD,
                                    "role": "liaison", "display_name": "新同事"},
        ("patch", "/api/v1/users/{user_id}"): {"display_name": "改名"},
        # Refused (the current password is wrong): the admin's token must keep working.
        ("post", "/api/v1/auth/password"): {"current_password": "not-the-password",
                                            "new_password": STRONG_PASSWORD},
        ("post", "/api/v1/users/{user_id}/password-reset"): None,
        ("post", "/api/v1/assignments/{assignment_id}/handover"): {
            "username": "li", "last_day": "2022-04-01"},
        ("patch", "/api/v1/communities/{code}"): {"radius_m": 400},
        ("post", "/api/v1/assignments"): {"username": "li", "community_code": FUYOUJIE,
                                          "start_date": "2022-03-15"},
        ("delete", "/api/v1/assignments/{assignment_id}"): None,
        ("post", "/api/v1/visits"): visit_body(username="li"),
        ("post", "/api/v1/visits/sync"): {"visits": [visit_body()]},
        ("patch", "/api/v1/visits/{visit_id}"): {"notes": "补充说明"},
        ("delete", "/api/v1/visits/{visit_id}"): None,
        ("post", "/api/v1/visits/{visit_id}/review"): {"status": "approved", "reason": "核实"},
        # Visit 1: the first made by the resources fixture (ids start again in a clean table).
        ("post", "/api/v1/visits/reviews"): {"visit_ids": [1], "status": "approved",
                                             "reason": "核实"},
        ("post", "/api/v1/reports/effect"): {"month": "2022-09"},
        ("post", "/api/v1/reports/execution"): {"as_of": "2022-09-30"},
        ("post", "/api/v1/problems"): {"community_code": FUYOUJIE, "title": "楼道灯坏了",
                                       "category": "设施", "description": "三层"},
        ("patch", "/api/v1/problems/{problem_id}"): {"resolution": "已报修"},
        ("post", "/api/v1/user-counts"): {"date": "2022-05-15", "items": [
            {"community_code": FUYOUJIE, "registered": 10, "verified": 5}]},
        ("patch", "/api/v1/targets/{key}"): {"target": 16, "reason": "补充协议"},
        ("put", "/api/v1/calendar/{date}"): {"kind": "holiday", "name": "国庆节",
                                             "reason": "国务院办公厅通知"},
        ("post", "/api/v1/reports/weekly/{week}/runs"): None,
        # The default contract has no member roles: refused (422), never a 500.
        ("put", "/api/v1/contracts/{key}/members/{user_id}"): {"role": "editor"},
        ("delete", "/api/v1/contracts/{key}/members/{user_id}"): None,
        ("post", "/api/v1/channels"): {
            "contract": "xicheng-2022", "key": f"channel{n}", "platform": "抖音",
            "account": "西城家园", "source": "补充协议",
            "posting_windows": [{"days": "working", "from": "08:00", "to": "09:00"}]},
        ("patch", "/api/v1/channels/{channel_id}"): {
            "platform": "抖音号", "account": f"西城家园{n}", "source": "补充协议",
            "posting_windows": [{"days": "all", "from": "12:00", "to": f"1{3 + n % 7}:00"}]},
        # The 2022 contract's months are over: an admin changes its themes with a reason.
        ("post", "/api/v1/themes"): {
            "contract": "xicheng-2022", "month": f"2022-{month:02d}", "title": "实名认证",
            "description": "推广实名认证", "format": "海报、视频", "departments": ["宣传科"]},
        ("patch", "/api/v1/themes/{theme_id}"): {
            "title": f"主题{n}", "description": "补充内容", "format": "长图",
            "departments": ["宣传科", f"第{n}科"], "reason": "补充"},
        # Content of the 2023 contract (loaded by the resources fixture), written by an admin.
        ("post", "/api/v1/content"): {
            "contract": "planning-media-2023", "title": f"规划内容{n}", "kind": "article",
            "original": True, "column": "名城保护", "channels": ["wechat"],
            "body": f"正文第{n}稿。"},
        # Drops a theme the piece never had: refused (422), nothing written.
        ("patch", "/api/v1/content/{content_id}"): {"theme_id": None},
        ("post", "/api/v1/content/{content_id}/versions"): {"title": "新标题",
                                                            "body": f"修改后的正文{n}。"},
        # Refused after validation (admins do not sign, the version is unknown): no write.
        ("post", "/api/v1/content/{content_id}/reviews"): {
            "version": "0" * 64, "level": "first", "decision": "pass", "notes": "已核对",
            "checklist": {"已核对": True}},
        ("post", "/api/v1/publications"): {
            "content_id": 1, "version": "0" * 64, "channel": "wechat",
            "published_at": "2023-07-03T10:00:00+08:00", "url": "https://example.org/p/1"},
        # Channel metrics: figures only (no text); the kept channel is the 2022 contract's, so
        # the day is refused (422), as is the publication nobody made (404).
        ("put", "/api/v1/channels/{channel_id}/metrics/{date}"): {
            "followers": 100 + n, "new_followers": 3, "unfollows": 1, "reads": 50,
            "shares": 2, "interactions": 4},
        ("put", "/api/v1/publications/{publication_id}/metrics/{date}"): {
            "reads": 10 + n, "shares": 1, "likes": 2},
        # Messages of the 2023 contract, entered and answered by an admin (who never
        # approves: those are refused, as a reply before the approval it needs).
        ("post", "/api/v1/messages"): {
            "contract": "planning-media-2023", "channel": "weibo", "kind": "comment",
            "received_at": "2023-09-28T10:00:00+08:00", "handle": f"网友{n}", "text": "留言",
            "category": "不动产登记", "external_id": f"wb-{n}"},
        ("post", "/api/v1/messages/{message_id}/route"): {"department": "不动产登记处",
                                                          "note": "请答复"},
        ("post", "/api/v1/messages/{message_id}/answer"): {"text": f"答复{n}"},
        ("post", "/api/v1/messages/{message_id}/approve"): {"text": "同意", "note": "可"},
        ("post", "/api/v1/messages/{message_id}/reply"): {
            "text": "您好", "replied_at": "2023-09-28T11:00:00+08:00"},
        ("post", "/api/v1/reply-templates"): {
            "contract": "planning-media-2023", "category": "不动产登记", "title": f"口径{n}",
            "text": "您好，请到政务服务中心办理。"},
        ("post", "/api/v1/faqs"): {
            "contract": "planning-media-2023", "title": f"问题集锦{n}",
            "items": [{"question": "在哪里办理？", "answer": "政务服务中心。"}]},
        ("post", "/api/v1/faqs/{faq_id}/publish"): {"channels": ["wechat"],
                                                    "column": "不动产登记"},
        # Operations reports of the 2023 contract, by an admin: a month of its term (one
        # taken already is a 409), its written sections, and issuing it (a 409 while a
        # section is empty; once issued, the sections are refused with a 409).
        ("post", "/api/v1/reports/content"): {
            "contract": "planning-media-2023", "kind": "monthly",
            "period": f"{2023 + (n % 12 >= 6)}-{(n + 6) % 12 + 1:02d}"},
        ("put", "/api/v1/reports/content/{report_id}/sections"): {
            "lessons": f"经验{n}：早发稿。", "plan": "下月：城市更新专题。"},
        ("post", "/api/v1/reports/content/{report_id}/issue"): None,
        ("post", "/api/v1/interactions/bulk"): {"days": [
            {"date": f"2022-{month:02d}-0{1 + n % 9}", "views": 1, "likes": 1,
             "comments": 1}]},
    }
    for url, body in RECORDS.items():
        unique = {"topics": {"month": f"2022-{month:02d}"},
                  "demo-communities": {"community_code": COMMUNITIES[n % len(COMMUNITIES)]},
                  "interactions": {"date": f"2022-{month:02d}-1{n % 10}"}}.get(url, {})
        bodies[("post", f"/api/v1/{url}")] = {**body, **unique}
        bodies[("patch", f"/api/v1/{url}/{{record_id}}")] = {
            k: v for k, v in body.items() if isinstance(v, str) and k not in (
                "date", "month", "designated_on", "published_on", "created_on")} or {
            "views": 5}
        bodies[("delete", f"/api/v1/{url}/{{record_id}}")] = None
    return bodies


def resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def text_paths(spec: dict, schema: dict, prefix: tuple = ()) -> list[tuple]:
    """Where a JSON body holds text: each string property, also inside array items."""
    paths = []
    for name, prop in resolve(spec, schema).get("properties", {}).items():
        prop = resolve(spec, prop)
        if prop.get("type") == "string":
            paths.append((*prefix, name))
        elif prop.get("type") == "array":
            items = resolve(spec, prop.get("items", {}))
            if items.get("type") == "string":
                paths.append((*prefix, name, 0))
            elif items.get("properties"):
                paths.extend(text_paths(spec, items, (*prefix, name, 0)))
    return paths


def with_value(body, path: tuple, value):
    """A copy of `body` with `value` at `path` (lists are filled where the path needs it)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(body or [{}])
        items[head] = with_value(items[head] if head < len(items) else {}, rest, value)
        return items
    copy = dict(body or {})
    copy[head] = with_value(copy.get(head), rest, value)
    return copy


def row_counts() -> dict:
    names = [t.name for t in db.metadata.sorted_tables if t.name not in WRITTEN_ON_REFUSAL]
    query = "SELECT " + ", ".join(f"(SELECT count(*) FROM {n})" for n in names)
    return dict(zip(names, db.session.execute(text(query)).one(), strict=True))


@pytest.fixture
def resources(app, client, admin_headers, make_user):
    """Path values for one request: records made through the API, one per kind for changes
    and a new one for each deletion."""
    with app.app_context():
        ensure_shipped_contracts()  # the 2023 content contract, for content
    make_user("liaison", "li", streets=[XICHANG])
    other = make_user("liaison", "other")
    member = make_user("content", "neirong")
    numbers = itertools.count(10_000)

    def create(url: str) -> int:
        # Unique fields (a topic's month, a demo community) may be taken by then: try others.
        for _ in range(40):
            body = valid_bodies(next(numbers))[("post", url)]
            response = client.post(url, json=body, headers=admin_headers)
            if response.status_code == 201:
                return response.get_json()["id"]
        raise AssertionError(f"could not create a record at {url}: {response.get_json()}")

    # Made before any text is tried: the text tried may take every free unique value.
    collections = ["/api/v1/assignments", "/api/v1/visits", "/api/v1/problems",
                   "/api/v1/channels", "/api/v1/themes",
                   "/api/v1/content", "/api/v1/messages", "/api/v1/faqs",
                   "/api/v1/reports/content",
                   *(f"/api/v1/{url}" for url in RECORDS)]
    kept = {url: create(url) for url in collections}
    to_delete = {url: create(url) for url in collections}

    def values(path: str, method: str) -> dict:
        if "{" not in path:
            return {}
        if path.startswith("/api/v1/reports/content/"):
            return {"report_id": kept["/api/v1/reports/content"]}
        if path.startswith(("/api/v1/users/", "/api/v1/communities/", "/api/v1/targets/",
                            "/api/v1/reports/")):
            return {"user_id": other.id, "code": FUYOUJIE, "key": "trainings", "week": WEEK}
        if path.startswith("/api/v1/contracts/"):
            return {"key": "xicheng-2022", "user_id": other.id}
            return {"key": "planning-media-2023", "user_id": member.id}
        if path.endswith("/metrics/{date}"):
            return {"channel_id": kept["/api/v1/channels"], "publication_id": 1,
                    "date": "2023-07-03"}
        if path.startswith("/api/v1/calendar/"):
            return {"date": "2022-10-08"}  # a day of the contract in force's term
        collection = "/".join(path.split("/")[:4])
        name = path.split("{")[1].split("}")[0]
        return {name: (to_delete if method == "delete" else kept)[collection]}

    return values


def test_every_write_endpoint_takes_any_text_without_breaking(app, client, admin_headers,
                                                               resources, runner, tmp_path):
    spec = client.get("/api/openapi.json").get_json()
    numbers = itertools.count(1)
    problems, tried = [], 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "patch", "put", "delete") or (method, path) in NOT_JSON:
                continue
            bodies = valid_bodies(next(numbers))
            assert (method, path) in bodies, f"no valid body for {method.upper()} {path}"
            schema = (operation.get("requestBody", {}).get("content", {})
                      .get("application/json", {}).get("schema", {}))
            paths = text_paths(spec, schema) if schema else [()]
            if path == "/api/v1/visits/sync":  # its items are read one by one
                paths = [("visits", 0, name) for name in ("notes", "client_id", "purpose")]
            for text_path, value in itertools.product(paths, NASTY if schema else [None]):
                body = valid_bodies(next(numbers))[(method, path)]
                body = with_value(body, text_path, value) if schema else None
                url = path.format(**resources(path, method))
                with app.app_context():
                    before = row_counts()
                # json.dumps escapes a lone surrogate as a phone's JSON would (\ud800).
                response = client.open(url, method=method.upper(), headers=admin_headers,
                                       data=None if body is None else json.dumps(body),
                                       content_type="application/json")
                tried += 1
                where = f"{method.upper()} {path} {text_path!r}={value!r:.40}"
                if response.status_code >= 500:
                    problems.append(f"{where}: {response.status_code}")
                elif response.status_code >= 400:
                    with app.app_context():
                        after = row_counts()
                    if after != before:
                        changed = {k for k in after if after[k] != before[k]}
                        problems.append(f"{where}: refused ({response.status_code}) but "
                                        f"wrote {sorted(changed)}")
                if not response.is_json and response.status_code != 204:
                    problems.append(f"{where}: answered {response.content_type}")
    assert tried > 500
    assert problems == [], "\n".join(problems[:40])
    assert_the_week_renders(client, admin_headers, runner, tmp_path)


def assert_the_week_renders(client, admin_headers, runner, tmp_path):
    result = runner.invoke(args=["weekly-reports", "--week", WEEK, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(next((tmp_path / WEEK).glob(f"run-*/{WEEK}.zip"))) as archive:
        assert len(archive.namelist()) == 263 + 15 + 1
    for url in (f"/api/v1/reports/weekly/{WEEK}/communities/{FUYOUJIE}.xlsx",
                f"/api/v1/reports/weekly/{WEEK}/district.xlsx"):
        response = client.get(url, headers=admin_headers)
        assert response.status_code == 200, url
        workbook = load_workbook(io.BytesIO(response.data))
        formulas = [c.coordinate for sheet in workbook for row in sheet.iter_rows()
                    for c in row if c.data_type == "f"]
        assert formulas == [], f"{url}: live formulas at {formulas[:5]}"
