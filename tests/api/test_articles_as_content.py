"""The 2022 contract's WeChat articles and monthly topics are content of that contract (issue
#17): an article recorded through /articles is a piece of content with a version and a
publication on the contract's `wechat` channel, a topic through /topics one of its themes; the
content API, /publications, /themes and /compliance show the same rows."""

from sqlalchemy import func, select

from models import Content, ContentVersion, Publication, Theme, db

CONTRACT = "xicheng-2022"


def post(client, headers, url, body):
    response = client.post(f"/api/v1/{url}", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def publications(client, headers, **query):
    args = "&".join(f"{k}={v}" for k, v in {"contract": CONTRACT, **query}.items())
    response = client.get(f"/api/v1/publications?{args}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_2022_contract_names_its_wechat_channel_and_no_review_chain(client, admin_headers):
    body = client.get(f"/api/v1/contracts/{CONTRACT}", headers=admin_headers).get_json()
    assert [(c["key"], c["platform"], c["account"]) for c in body["channels"]] == [
        ("wechat", "微信公众号", "西城家园")]
    obligations = {o["key"]: o for o in body["obligations"]}
    assert obligations["wechat_articles_month"]["min"] == 4
    assert obligations["wechat_articles_month"]["mandatory"] is False
    assert obligations["monthly_topic"]["counts"] == "themes"


def test_an_article_is_content_with_a_version_and_a_publication_on_the_wechat_channel(
        client, admin_headers):
    topic = post(client, admin_headers, "topics", {"month": "2022-05", "title": "实名认证"})
    article = post(client, admin_headers, "articles", {
        "title": "西城家园上线新功能", "published_on": "2022-05-20",
        "url": "https://example.org/a/1", "topic_id": topic["id"]})
    listed = publications(client, admin_headers)
    assert listed["total"] == 1
    publication = listed["items"][0]
    assert (publication["content_id"], publication["channel"], publication["published_on"],
            publication["url"], publication["title"], publication["version"]) == (
        article["id"], "wechat", "2022-05-20", "https://example.org/a/1", "西城家园上线新功能",
        1)
    # Noon in Beijing stands for the day (the hour is not recorded).
    assert publication["published_at"] == "2022-05-20T04:00:00+00:00"
    content = client.get(f"/api/v1/content/{article['id']}", headers=admin_headers).get_json()
    assert (content["contract"], content["kind"], content["status"], content["channels"],
            content["theme_id"], content["version"]) == (
        CONTRACT, "article", "published", ["wechat"], topic["id"], 1)
    # A topic is a theme of the contract, delivered.
    themes = client.get(f"/api/v1/themes?contract={CONTRACT}", headers=admin_headers).get_json()
    assert [(t["id"], t["month"], t["title"], t["status"]) for t in themes["items"]] == [
        (topic["id"], "2022-05", "实名认证", "delivered")]


def test_a_new_title_is_a_new_version_that_the_publication_shows(client, admin_headers, app):
    article = post(client, admin_headers, "articles", {
        "title": "旧标题", "published_on": "2022-05-20", "url": "https://example.org/a/1"})
    changed = client.patch(f"/api/v1/articles/{article['id']}", headers=admin_headers,
                           json={"title": "新标题", "published_on": "2022-06-02"})
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["title"], changed.get_json()["published_on"]) == (
        "新标题", "2022-06-02")
    publication = publications(client, admin_headers)["items"][0]
    assert (publication["title"], publication["version"], publication["published_on"]) == (
        "新标题", 2, "2022-06-02")
    assert count(app, ContentVersion) == 2 and count(app, Publication) == 1
    history = client.get(f"/api/v1/articles/{article['id']}/history",
                         headers=admin_headers).get_json()
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["changes"] == {"title": ["旧标题", "新标题"],
                                     "published_on": ["2022-05-20", "2022-06-02"]}


def test_a_refused_article_leaves_nothing_and_a_deleted_one_no_longer_counts(
        client, admin_headers, app):
    refused = client.post("/api/v1/articles", headers=admin_headers, json={
        "title": "x", "published_on": "2022-05-01", "topic_id": 999})
    assert refused.status_code == 422
    outside = client.post("/api/v1/articles", headers=admin_headers, json={
        "title": "x", "published_on": "2023-05-01"})
    assert outside.status_code == 422 and "published_on" in outside.get_json()["errors"]["json"]
    assert (count(app, Content), count(app, ContentVersion), count(app, Publication)) == (0, 0, 0)
    article = post(client, admin_headers, "articles", {"title": "x", "published_on": "2022-05-01"})
    assert client.delete(f"/api/v1/articles/{article['id']}",
                         headers=admin_headers).status_code == 204
    assert publications(client, admin_headers)["total"] == 0
    assert (count(app, Content), count(app, ContentVersion), count(app, Publication)) == (0, 0, 0)
    assert client.get(f"/api/v1/content/{article['id']}", headers=admin_headers).status_code == 404


def test_deleting_a_topic_frees_its_month_and_leaves_its_articles_without_one(
        client, admin_headers, app):
    topic = post(client, admin_headers, "topics", {"month": "2022-05", "title": "a"})
    article = post(client, admin_headers, "articles", {
        "title": "x", "published_on": "2022-05-03", "topic_id": topic["id"]})
    assert client.delete(f"/api/v1/topics/{topic['id']}",
                         headers=admin_headers).status_code == 204
    assert count(app, Theme) == 0
    kept = client.get(f"/api/v1/articles/{article['id']}", headers=admin_headers).get_json()
    assert kept["topic_id"] is None
    history = client.get(f"/api/v1/articles/{article['id']}/history",
                         headers=admin_headers).get_json()
    assert history[-1]["changes"] == {"topic_id": [topic["id"], None]}
    post(client, admin_headers, "topics", {"month": "2022-05", "title": "b"})


def test_a_topic_of_another_contract_is_not_a_topic(client, admin_headers, app):
    """/topics shows the district contract's themes only; an article names one of them."""
    from service.district.contracts import load_contract, read_contract_file
    from tests.api.test_contracts_and_calendar import CONTENT_FILE
    with app.app_context():
        load_contract(read_contract_file(CONTENT_FILE))
    other = post(client, admin_headers, "themes", {
        "contract": "planning-media-2023", "month": "2023-07", "title": "地质灾害防治"})
    assert client.get(f"/api/v1/topics/{other['id']}", headers=admin_headers).status_code == 404
    assert client.get("/api/v1/topics", headers=admin_headers).get_json()["total"] == 0
    refused = client.post("/api/v1/articles", headers=admin_headers, json={
        "title": "x", "published_on": "2022-05-01", "topic_id": other["id"]})
    assert refused.status_code == 422 and "topic_id" in refused.get_json()["errors"]["json"]


def test_compliance_counts_the_2022_articles_and_topics_month_by_month(
        client, admin_headers, make_user, auth_headers):
    post(client, admin_headers, "topics", {"month": "2022-05", "title": "五月专题"})
    for day in ("2022-05-01", "2022-05-09", "2022-05-20", "2022-05-31"):
        post(client, admin_headers, "articles", {"title": f"五月 {day}", "published_on": day})
    for day in ("2022-06-01", "2022-06-30", "2022-07-01"):
        post(client, admin_headers, "articles", {"title": f"六七月 {day}", "published_on": day})
    official = auth_headers(make_user("official", "guan"))
    response = client.get(f"/api/v1/compliance?contract={CONTRACT}&period=month"
                          f"&from=2022-05-01&to=2022-06-30", headers=official)
    assert response.status_code == 200, response.get_json()
    items = {(i["obligation"], i["label"]): i for i in response.get_json()["items"]}
    assert set(items) == {(key, month) for key in ("wechat_articles_month", "monthly_topic")
                          for month in ("2022-05", "2022-06")}
    may, june = items["wechat_articles_month", "2022-05"], items["wechat_articles_month", "2022-06"]
    assert (may["actual"], may["status"], may["required"]["min"]) == (4, "met", 4)
    assert (june["actual"], june["status"], june["mandatory"]) == (2, "short", False)
    assert (items["monthly_topic", "2022-05"]["actual"],
            items["monthly_topic", "2022-05"]["status"]) == (1, "met")
    assert (items["monthly_topic", "2022-06"]["actual"],
            items["monthly_topic", "2022-06"]["status"]) == (0, "short")
    # The publications behind the figure are those /publications lists for May.
    may_list = publications(client, admin_headers, **{"from": "2022-05-01", "to": "2022-05-31"})
    assert sorted(may["publications"]) == sorted(p["id"] for p in may_list["items"])
    # And the target still counts them as a monthly average (7 articles by 2022-07-14).
    targets = client.get("/api/v1/targets?as_of=2022-07-14", headers=admin_headers).get_json()
    figures = {t["key"]: t["actual"] for t in targets["items"]}
    assert figures["topics_monthly_avg"] == round(1 / 4, 2)
    assert figures["articles_monthly_avg"] == round(7 / 4, 2)


def test_liaisons_and_officials_cannot_record_articles_or_topics(
        client, admin_headers, make_user, auth_headers):
    article = post(client, admin_headers, "articles", {"title": "x",
                                                       "published_on": "2022-05-01"})
    for role in ("liaison", "official"):
        headers = auth_headers(make_user(role))
        assert client.post("/api/v1/articles", json={"title": "y"},
                           headers=headers).status_code == 403
        assert client.patch(f"/api/v1/articles/{article['id']}", json={"title": "y"},
                            headers=headers).status_code == 403
        assert client.delete(f"/api/v1/articles/{article['id']}",
                             headers=headers).status_code == 403
        assert client.post("/api/v1/topics", json={"month": "2022-05", "title": "y"},
                           headers=headers).status_code == 403
        assert client.get(f"/api/v1/articles/{article['id']}",
                          headers=headers).status_code == 200


def test_compliance_refuses_a_contract_without_obligations(runner, client, admin_headers,
                                                           tmp_path):
    path = tmp_path / "contract.json"
    path.write_text('{"key": "city-2023", "name": "新媒体运营", "start": "2023-07-01", '
                    '"end": "2024-06-30", "targets": []}', encoding="utf-8")
    assert runner.invoke(args=["load-contract", str(path)]).exit_code == 0
    refused = client.get("/api/v1/compliance?contract=city-2023", headers=admin_headers)
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]
    assert errors.get("query", errors.get("json"))["contract"] == [
        "该合同没有发布义务可统计：city-2023"]


def test_an_article_or_topic_written_after_a_weeks_figures_makes_them_stale(
        client, admin_headers, app):
    """The weekly workbooks count the articles and topics: writing one after a week's set was
    read marks the week's set stale (service/reports/freshness.py)."""
    from datetime import UTC, datetime, timedelta

    from service.reports.calendar import parse_week
    from service.reports.freshness import changed_since

    week = parse_week("2022-W20")  # 2022-05-16 → 2022-05-22

    def stale_since(moment) -> bool:
        with app.app_context():
            return changed_since(week, moment)

    before = datetime.now(UTC) - timedelta(minutes=5)
    article = post(client, admin_headers, "articles", {"title": "x",
                                                       "published_on": "2022-05-18"})
    assert stale_since(before)
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert not stale_since(later)
    # One published after the week does not change the week's figures.
    post(client, admin_headers, "articles", {"title": "y", "published_on": "2022-05-30"})
    client.delete(f"/api/v1/articles/{article['id']}", headers=admin_headers)
    assert not stale_since(before)
    post(client, admin_headers, "topics", {"month": "2022-09", "title": "九月"})
    assert stale_since(before)
