"""Compliance through the API (#17 point 7): a small real October 2023 built through the real
endpoints — content through all five levels by the members holding each role, published on
WeChat and Weibo, a 调休 Saturday (2023-10-07, working) and a holiday (2023-10-01) among the
days — then `GET /api/v1/compliance` read against an independent count of what was posted;
its refusals; and monthly themes (每月一题) linked to content, counted or missed."""

from collections import Counter
from datetime import date, timedelta

from tests.api.test_content_review import CONTENT, publish, sign_all
from tests.api.test_content_review import team as team  # noqa: F401 (the fixture)

FUYOUJIE = "110102001004"
# What is posted: (kind, channel, local publication day). Articles and reposts are 文章; a
# poster is not. 10-01 is National Day (a holiday), 10-07 and 10-08 调休 weekend workdays.
POSTS = [
    ("article", "wechat", "2023-09-29"),  # 中秋节 (holiday)
    ("article", "wechat", "2023-10-01"),
    ("article", "weibo", "2023-10-01"),
    ("article", "wechat", "2023-10-07"),
    ("repost", "wechat", "2023-10-07"),
    ("article", "weibo", "2023-10-07"),
    ("poster", "wechat", "2023-10-08"),
    ("repost", "wechat", "2023-10-08"),
    ("article", "weibo", "2023-10-09"),
]
WORKING = {"2023-10-07", "2023-10-08"}  # the 调休 days inside 09-29 … 10-08


def compliance(client, headers, **query):
    params = "&".join(f"{k}={v}" for k, v in {"contract": CONTENT, **query}.items())
    return client.get(f"/api/v1/compliance?{params}", headers=headers)


def make_piece(client, team, kind, channels, theme_id=None, title=None):  # noqa: F811
    body = {"contract": CONTENT, "title": title or f"{kind}：城市更新条例解读",
            "kind": kind, "original": kind == "article", "column": "北京城市总规",
            "channels": channels, "body": "《北京市城市更新条例》正式施行。"}
    if theme_id is not None:
        body["theme_id"] = theme_id
    created = client.post("/api/v1/content", headers=team["editor"], json=body)
    assert created.status_code == 201, created.get_json()
    piece = created.get_json()
    sign_all(client, team, piece)
    return piece


def post_all(client, team, posts=POSTS, theme_id=None):  # noqa: F811
    """Each post its own piece through the whole chain, then published: {post: id}."""
    ids = {}
    for number, (kind, channel, day) in enumerate(posts):
        piece = make_piece(client, team, kind, [channel], theme_id,
                           title=f"{kind} {channel} {day} #{number}")
        answer = publish(client, team["editor2"], piece, channel=channel,
                         published_at=f"{day}T10:00:00+08:00",
                         url=f"https://example.com/{number}")
        assert answer.status_code == 201, answer.get_json()
        assert answer.get_json()["published_on"] == day
        ids[(number, kind, channel, day)] = answer.get_json()["id"]
    return ids


def articles_on(ids, channel, day) -> list[int]:
    return [i for (_n, kind, ch, d), i in ids.items()
            if ch == channel and d == day and kind in ("article", "repost")]


def test_daily_wechat_figures_follow_the_frozen_calendar(client, team):  # noqa: F811
    ids = post_all(client, team)
    answer = compliance(client, team["reader"], period="day", **{"from": "2023-09-29"},
                        to="2023-10-08", channel="wechat")
    assert answer.status_code == 200, answer.get_json()
    report = answer.get_json()
    assert list(report) == ["contract", "from", "to", "today", "items", "summary"]
    assert report["contract"] == {"key": CONTENT, "name": report["contract"]["name"],
                                  "client": report["contract"]["client"],
                                  "start": "2023-07-01", "end": "2024-06-30"}
    assert (report["from"], report["to"]) == ("2023-09-29", "2023-10-08")
    assert date.fromisoformat(report["today"]) >= date(2026, 1, 1)
    days = [(date(2023, 9, 29) + timedelta(days=n)).isoformat() for n in range(10)]
    by_day = {item["label"]: item for item in report["items"]}
    # One wechat article obligation a day: the working-day one on 调休 days, the holiday one
    # on the others (09-29 … 10-06 are the 中秋 and 国庆 holidays); by obligation, then day.
    assert sorted(item["label"] for item in report["items"]) == days
    for day in days:
        item = by_day[day]
        expected = articles_on(ids, "wechat", day)
        assert item["channel"] == "wechat" and item["period"] == "day"
        assert item["required"] == {"min": 2 if day in WORKING else 1, "max": None}, day
        assert item["obligation"] == ("wechat_articles_working_day" if day in WORKING
                                      else "wechat_articles_holiday")
        assert item["day_kind"] == ("adjusted_workday" if day in WORKING else "holiday"), day
        assert item["actual"] == len(expected) and item["publications"] == expected, day
        owed = item["required"]["min"]
        assert item["status"] == ("met" if len(expected) >= owed else "short"), day
        assert set(item) == {"obligation", "name", "counts", "mandatory", "period", "label",
                             "from", "to", "channel", "channels", "required", "actual",
                             "status", "publications", "day_kind", "working_days", "note"}
    # The poster of 10-08 is not an article: one of two owed.
    assert (by_day["2023-10-07"]["status"], by_day["2023-10-08"]["actual"],
            by_day["2023-10-08"]["status"]) == ("met", 1, "short")
    assert (by_day["2023-10-01"]["status"], by_day["2023-10-02"]["status"]) == ("met", "short")
    summary = {s["obligation"]: s for s in report["summary"]}
    assert summary["wechat_articles_working_day"]["short_periods"] == ["2023-10-08"]
    assert summary["wechat_articles_working_day"]["met"] == 1
    assert summary["wechat_articles_holiday"]["met"] == 2  # 09-29 and 10-01
    assert summary["wechat_articles_holiday"]["short"] == 6


def test_the_week_of_national_day_owes_its_full_floor(client, team):  # noqa: F811
    ids = post_all(client, team)
    answer = compliance(client, team["editor"], period="week", **{"from": "2023-10-02"},
                        to="2023-10-08")
    assert answer.status_code == 200, answer.get_json()
    weekly = {(i["obligation"], i["channel"]): i for i in answer.get_json()["items"]}
    week = {"2023-10-02", "2023-10-03", "2023-10-04", "2023-10-05", "2023-10-06",
            "2023-10-07", "2023-10-08"}
    posted = Counter(ch for (_n, _k, ch, day) in ids if day in week)
    for channel in ("wechat", "weibo", "toutiao", "beijing_hao", "baijiahao"):
        item = weekly[("weekly_items_each_platform", channel)]
        assert item["label"] == "2023-W40" and (item["from"], item["to"]) == (
            "2023-10-02", "2023-10-08")
        assert item["required"]["min"] == 10 and item["working_days"] == 2
        assert item["actual"] == posted[channel]
        assert item["publications"] == sorted(
            i for (_n, _k, ch, day), i in ids.items() if ch == channel and day in week)
        assert item["status"] == "short" and "仅 2 个工作日" in item["note"]
    assert (posted["wechat"], posted["weibo"]) == (4, 1)


def test_the_term_by_default_and_the_themes_counted_by_month(client, team):  # noqa: F811
    october = client.post("/api/v1/themes", headers=team["lead"], json={
        "contract": CONTENT, "month": "2023-10", "title": "城市更新",
        "description": "《北京市城市更新条例》"})
    september = client.post("/api/v1/themes", headers=team["lead"], json={
        "contract": CONTENT, "month": "2023-09", "title": "营商环境 6.0"})
    assert october.status_code == september.status_code == 201
    october, september = october.get_json(), september.get_json()
    assert (october["status"], september["status"]) == ("missed", "missed")
    ids = post_all(client, team, POSTS[3:4], theme_id=october["id"])
    # Content of the September theme published in October does not save September.
    post_all(client, team, [("article", "weibo", "2023-10-09")], theme_id=september["id"])
    answer = compliance(client, team["approver"], period="month")
    assert answer.status_code == 200, answer.get_json()
    report = answer.get_json()
    assert (report["from"], report["to"]) == ("2023-07-01", "2024-06-30")
    themes = {i["label"]: i for i in report["items"] if i["obligation"] == "monthly_theme"}
    assert len(themes) == 12 and themes["2023-10"]["counts"] == "themes"
    assert themes["2023-10"]["actual"] == 1 and themes["2023-10"]["status"] == "met"
    assert themes["2023-10"]["publications"] == list(ids.values())
    assert themes["2023-09"]["actual"] == 0 and themes["2023-09"]["status"] == "short"
    assert themes["2023-07"]["status"] == "short"
    shown = {t["month"]: t["status"] for t in client.get(
        f"/api/v1/themes?contract={CONTENT}", headers=team["reader"]).get_json()["items"]}
    assert shown == {"2023-09": "missed", "2023-10": "delivered"}
    for status, months in (("delivered", ["2023-10"]), ("missed", ["2023-09"]),
                           ("planned", [])):
        filtered = client.get(f"/api/v1/themes?contract={CONTENT}&status={status}",
                              headers=team["reader"]).get_json()["items"]
        assert [t["month"] for t in filtered] == months, status
    detail = client.get(f"/api/v1/themes/{october['id']}", headers=team["reader"]).get_json()
    assert [c["title"] for c in detail["content"]] == ["article wechat 2023-10-07 #0"]


def test_refusals(client, team, make_user, auth_headers, liaison_headers):  # noqa: F811
    community = auth_headers(make_user("community", "sq", community_code=FUYOUJIE))
    assert compliance(client, team["outsider"]).status_code == 404
    assert compliance(client, team["outsider"], contract="nope").status_code == 404
    assert compliance(client, community).status_code == 403
    assert compliance(client, liaison_headers).status_code == 403
    missing = client.get("/api/v1/compliance", headers=team["reader"])
    assert missing.status_code == 422 and "contract" in missing.get_json()["errors"]["query"]

    def refused(field, **query):
        answer = compliance(client, team["reader"], **query)
        assert answer.status_code == 422, (query, answer.get_json())
        errors = answer.get_json()["errors"]
        return field in errors.get("query", errors.get("json", {}))

    assert refused("period", period="fortnight")
    assert refused("channel", channel="douyin")
    assert refused("to", **{"from": "2023-10-08"}, to="2023-10-01")
    assert refused("to", **{"from": "2023-07-01"}, to="2024-08-30")
    assert refused("from", **{"from": "2023-06-30"}, to="2023-07-05")
    assert refused("from", **{"from": "2023-13-01"})
    # The 2022 contract's obligations are counted too (tests/api/test_articles_as_content.py).
    assert compliance(client, team["reader"], contract="xicheng-2022").status_code == 200


def test_a_piece_names_a_theme_of_its_own_contract(client, team):  # noqa: F811
    theme = client.post("/api/v1/themes", headers=team["lead"], json={
        "contract": CONTENT, "month": "2023-11", "title": "民生保障"}).get_json()
    district = client.post("/api/v1/themes", headers=team["admin"], json={
        "contract": "xicheng-2022", "month": "2022-11", "title": "实名认证"})
    assert district.status_code == 201, district.get_json()
    foreign = district.get_json()["id"]
    body = {"contract": CONTENT, "title": "不动产登记 8 周年", "kind": "article",
            "original": True, "channels": ["wechat"], "body": "正文。"}
    for wrong in (foreign, 999_999):
        refused = client.post("/api/v1/content", headers=team["editor"],
                              json={**body, "theme_id": wrong})
        assert refused.status_code == 422
        assert refused.get_json()["errors"]["json"]["theme_id"] == [f"该合同没有此主题：{wrong}"]
    piece = client.post("/api/v1/content", headers=team["editor"], json=body).get_json()
    assert piece["theme_id"] is None and piece["theme"] is None
    url = f"/api/v1/content/{piece['id']}"
    assert client.patch(url, headers=team["editor"],
                        json={"theme_id": foreign}).status_code == 422
    assert client.patch(url, headers=team["reader"],
                        json={"theme_id": theme["id"]}).status_code == 403
    assert client.patch(url, headers=team["outsider"],
                        json={"theme_id": theme["id"]}).status_code == 404
    linked = client.patch(url, headers=team["editor2"], json={"theme_id": theme["id"]})
    assert linked.status_code == 200, linked.get_json()
    assert linked.get_json()["theme"] == {"id": theme["id"], "month": "2023-11",
                                          "title": "民生保障"}
    # Linking is not an edit of the text: the version and its hash stay.
    assert (linked.get_json()["version"], linked.get_json()["sha256"]) == (1, piece["sha256"])
    shown = client.get(f"/api/v1/themes/{theme['id']}", headers=team["reader"]).get_json()
    assert [c["id"] for c in shown["content"]] == [piece["id"]]
    history = client.get(f"{url}/history", headers=team["reader"]).get_json()
    assert len(history) == 1  # versions, signatures and publications only
    dropped = client.patch(url, headers=team["editor2"], json={"theme_id": None})
    assert dropped.status_code == 200 and dropped.get_json()["theme"] is None
    again = client.patch(url, headers=team["editor2"], json={"theme_id": None})
    assert again.status_code == 422 and "theme_id" in again.get_json()["errors"]["json"]


def test_a_piece_is_planned_for_a_day_of_the_term_and_listed_by_it(client, team):  # noqa: F811
    body = {"contract": CONTENT, "title": "国庆假期开放安排", "kind": "article",
            "original": True, "channels": ["wechat", "weibo"], "body": "正文。"}
    outside = client.post("/api/v1/content", headers=team["editor"],
                          json={**body, "planned_on": "2024-07-01"})
    assert outside.status_code == 422
    assert "planned_on" in outside.get_json()["errors"]["json"]
    piece = client.post("/api/v1/content", headers=team["editor"],
                        json={**body, "planned_on": "2023-10-07"}).get_json()
    assert piece["planned_on"] == "2023-10-07"
    other = client.post("/api/v1/content", headers=team["editor"],
                        json={**body, "title": "未排期的稿件"}).get_json()
    assert other["planned_on"] is None

    def planned(start, end):
        answer = client.get(f"/api/v1/content?contract={CONTENT}&planned_from={start}"
                            f"&planned_to={end}", headers=team["reader"])
        assert answer.status_code == 200, answer.get_json()
        return [c["id"] for c in answer.get_json()["items"]]
    assert planned("2023-10-01", "2023-10-31") == [piece["id"]]
    assert planned("2023-10-08", "2023-10-31") == []
    # Moved a day later by an editor: no new version, recorded; a reader may not move it.
    url = f"/api/v1/content/{piece['id']}"
    assert client.patch(url, headers=team["reader"],
                        json={"planned_on": "2023-10-08"}).status_code == 403
    moved = client.patch(url, headers=team["editor2"], json={"planned_on": "2023-10-08"})
    assert moved.status_code == 200, moved.get_json()
    assert (moved.get_json()["planned_on"], moved.get_json()["version"]) == ("2023-10-08", 1)
    assert planned("2023-10-08", "2023-10-08") == [piece["id"]]
    assert client.patch(url, headers=team["editor2"],
                        json={"planned_on": "2023-06-30"}).status_code == 422
    empty = client.patch(url, headers=team["editor2"], json={})
    assert empty.status_code == 422 and empty.get_json()["errors"]["json"] == {
        "_schema": ["请至少修改一个字段"]}
    cleared = client.patch(url, headers=team["editor2"], json={"planned_on": None})
    assert cleared.status_code == 200 and cleared.get_json()["planned_on"] is None


def test_a_running_month_s_theme_keeps_its_stored_status(app):
    """While its month runs a theme shows what is stored even with content published; once
    over, published in its month is delivered, nothing published missed, delivered stays."""
    from models import Theme
    from service.content.themes import theme_status

    planned = Theme(id=1, month="2023-10", status="in_production")
    delivered = Theme(id=2, month="2023-10", status="delivered")
    running, after = date(2023, 10, 20), date(2023, 11, 1)
    assert theme_status(planned, running, published=True) == "in_production"
    assert theme_status(planned, running, published=False) == "in_production"
    assert theme_status(planned, after, published=True) == "delivered"
    assert theme_status(planned, after, published=False) == "missed"
    assert theme_status(delivered, after, published=False) == "delivered"


def test_every_period_over_the_whole_term_and_odd_queries(client, team):  # noqa: F811
    """The whole term at each period answers (an admin, nothing published: year floors
    short), and odd query values are 4xx JSON naming the field, never a 500."""
    expected = {"day": 366, "week": 53, "month": 12, "quarter": 4, "year": 1, "term": 1}
    for period, count in expected.items():
        answer = compliance(client, team["admin"], period=period)
        assert answer.status_code == 200, (period, answer.get_json())
        items = answer.get_json()["items"]
        labels = {i["label"] for i in items}
        assert len(labels) == count, period
        assert all(i["status"] in ("short", "not_tracked", "met") for i in items), period
    odd = [{"period": ""}, {"channel": ""}, {"from": "2023-02-30"}, {"to": "yesterday"},
           {"from": "9999-12-31"}, {"channel": "微信\u0000"}, {"contract": "x" * 65},
           {"unknown": "1"}]
    for query in odd:
        answer = compliance(client, team["admin"], **query)
        assert 400 <= answer.status_code < 500 and answer.is_json, (query, answer.status_code)


def test_a_product_posted_on_several_accounts_is_one_product(client, team):  # noqa: F811
    """一图读懂 ≥ 8 a year counts products: the same infographic on WeChat and Weibo is one;
    the weekly floors of each platform still count each posting on its own account."""
    one = make_piece(client, team, "infographic", ["wechat", "weibo"], title="一图读懂：城市更新")
    other = make_piece(client, team, "infographic", ["weibo"], title="一图读懂：营商环境")
    postings = [(one, "wechat"), (one, "weibo"), (other, "weibo")]
    ids = []
    for number, (piece, channel) in enumerate(postings):
        answer = publish(client, team["editor2"], piece, channel=channel,
                         published_at="2023-10-09T10:00:00+08:00",
                         url=f"https://example.com/product/{number}")
        assert answer.status_code == 201, answer.get_json()
        ids.append(answer.get_json()["id"])
    report = compliance(client, team["approver"], period="year").get_json()
    infographics = [i for i in report["items"] if i["counts"] == "infographics"]
    assert len(infographics) == 1
    assert infographics[0]["actual"] == 2 and infographics[0]["status"] == "short"
    assert sorted(infographics[0]["publications"]) == sorted(ids)
    assert "只计一件" in infographics[0]["note"]
    weekly = compliance(client, team["approver"], period="week", **{"from": "2023-10-09",
                                                                   "to": "2023-10-15"})
    items = {i["channel"]: i for i in weekly.get_json()["items"]
             if i["counts"] == "items" and i["channel"] in ("wechat", "weibo")}
    assert (items["wechat"]["actual"], items["weibo"]["actual"]) == (1, 2)
