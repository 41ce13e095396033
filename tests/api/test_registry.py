"""The promotion work registry through the API: every kind's life cycle, refusals, scope and
history."""

import pytest

XICHANG, SHICHAHAI = "110102001000", "110102012000"
FUYOUJIE, IN_SHICHAHAI = "110102001004", "110102012001"

KINDS = {
    "trainings": ({"date": "2022-05-10", "title": "平台使用培训", "street_codes": [XICHANG],
                   "community_codes": [FUYOUJIE], "trainer": "王老师", "attendees": 40},
                  {"attendees": 45}),
    "events": ({"date": "2022-06-01", "title": "社区拉新活动", "community_code": FUYOUJIE,
                "participants": 120, "signups_registered": 60, "signups_verified": 45},
               {"signups_verified": 50}),
    "service-groups": ({"name": "府右街南居民群", "channel": "wechat_group",
                        "community_code": FUYOUJIE, "members": 300,
                        "created_on": "2022-04-01"}, {"members": 320}),
    "cases": ({"title": "议事协商解决停车难", "community_code": FUYOUJIE,
               "published_on": "2022-07-01", "url": "https://example.org/case/1",
               "summary": "居民通过平台议事"}, {"summary": "更新后的摘要"}),
    "topics": ({"month": "2022-05", "title": "五月专题：实名认证"}, {"title": "五月专题"}),
    "articles": ({"title": "西城家园上线新功能", "published_on": "2022-05-20",
                  "url": "https://example.org/a/1"}, {"title": "新标题"}),
    "demo-communities": ({"community_code": FUYOUJIE, "designated_on": "2022-06-01",
                          "note": "首批示范社区"}, {"undesignated_on": "2022-12-01"}),
}


@pytest.mark.parametrize("url", list(KINDS))
def test_each_kind_lives_through_create_list_get_update_delete_with_history(
        client, admin_headers, url):
    body, change = KINDS[url]
    created = client.post(f"/api/v1/{url}", json=body, headers=admin_headers)
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    for key, value in body.items():
        assert record[key] == value
    listed = client.get(f"/api/v1/{url}", headers=admin_headers).get_json()
    assert [r["id"] for r in listed["items"]] == [record["id"]]
    updated = client.patch(f"/api/v1/{url}/{record['id']}", json=change, headers=admin_headers)
    assert updated.status_code == 200, updated.get_json()
    for key, value in change.items():
        assert updated.get_json()[key] == value
    assert client.delete(f"/api/v1/{url}/{record['id']}",
                         headers=admin_headers).status_code == 204
    assert client.get(f"/api/v1/{url}/{record['id']}", headers=admin_headers).status_code == 404
    assert client.get(f"/api/v1/{url}", headers=admin_headers).get_json()["total"] == 0
    history = client.get(f"/api/v1/{url}/{record['id']}/history", headers=admin_headers)
    assert history.status_code == 404  # deleted records are gone from the API


def test_history_records_who_changed_what(client, admin_headers):
    body, change = KINDS["events"]
    record = client.post("/api/v1/events", json=body, headers=admin_headers).get_json()
    client.patch(f"/api/v1/events/{record['id']}", json=change, headers=admin_headers)
    history = client.get(f"/api/v1/events/{record['id']}/history",
                         headers=admin_headers).get_json()
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["changes"] == {"signups_verified": [45, 50]}
    assert history[1]["actor"] == "admin"


def test_lists_filter_by_date_street_and_community(client, admin_headers):
    def add(url, **body):
        assert client.post(f"/api/v1/{url}", json=body, headers=admin_headers).status_code == 201
    add("events", date="2022-05-01", title="a", street_code=XICHANG)
    add("events", date="2022-06-01", title="b", community_code=FUYOUJIE)
    add("events", date="2022-07-01", title="c", community_code=IN_SHICHAHAI)
    add("trainings", date="2022-05-01", title="t1", community_codes=[FUYOUJIE])
    add("trainings", date="2022-05-02", title="t2", street_codes=[SHICHAHAI])

    def titles(query, url="events"):
        items = client.get(f"/api/v1/{url}?{query}", headers=admin_headers).get_json()["items"]
        return [i["title"] for i in items]
    assert titles("") == ["c", "b", "a"]
    assert titles("from=2022-05-15&to=2022-06-30") == ["b"]
    assert titles(f"street_code={XICHANG}") == ["b", "a"]
    assert titles(f"community_code={FUYOUJIE}") == ["b"]
    assert titles(f"street_code={XICHANG}", "trainings") == ["t1"]
    assert titles(f"street_code={SHICHAHAI}", "trainings") == ["t2"]


@pytest.mark.parametrize("url,body,field", [
    ("events", {"date": "2021-05-01", "title": "x", "street_code": XICHANG}, "date"),
    ("events", {"date": "2023-04-01", "title": "x", "street_code": XICHANG}, "date"),
    ("events", {"date": "2022-05-01", "title": "x", "street_code": XICHANG,
                "participants": -1}, "participants"),
    ("events", {"date": "2022-05-01", "title": "x", "street_code": "110102999000"},
     "street_code"),
    ("events", {"date": "2022-05-01", "title": "x"}, "street_code"),
    ("events", {"date": "2022-05-01", "title": "x", "street_code": XICHANG,
                "community_code": FUYOUJIE}, "street_code"),
    ("trainings", {"date": "2022-05-01", "title": "x", "community_codes": ["110102999999"]},
     "community_codes"),
    ("service-groups", {"name": "g", "channel": "wechat_group", "street_code": XICHANG,
                        "created_on": "2022-05-01", "closed_on": "2022-04-01"}, "closed_on"),
    ("cases", {"title": "x", "community_code": FUYOUJIE, "published_on": "2022-05-01",
               "url": "not a url"}, "url"),
    ("topics", {"month": "2022-13", "title": "x"}, "month"),
    ("topics", {"month": "2021-12", "title": "x"}, "month"),
    ("articles", {"title": "x", "published_on": "2022-05-01", "topic_id": 999}, "topic_id"),
])
def test_bad_records_are_refused_naming_the_field(client, admin_headers, url, body, field):
    response = client.post(f"/api/v1/{url}", json=body, headers=admin_headers)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]


def test_a_topic_month_already_taken_is_refused_until_deleted(client, admin_headers):
    first = client.post("/api/v1/topics", json={"month": "2022-05", "title": "a"},
                        headers=admin_headers).get_json()
    again = client.post("/api/v1/topics", json={"month": "2022-05", "title": "b"},
                        headers=admin_headers)
    assert again.status_code == 422 and "month" in again.get_json()["errors"]["json"]
    client.delete(f"/api/v1/topics/{first['id']}", headers=admin_headers)
    assert client.post("/api/v1/topics", json={"month": "2022-05", "title": "b"},
                       headers=admin_headers).status_code == 201


def test_a_community_cannot_be_designated_twice_at_once(client, admin_headers):
    body = {"community_code": FUYOUJIE, "designated_on": "2022-06-01"}
    assert client.post("/api/v1/demo-communities", json=body,
                       headers=admin_headers).status_code == 201
    assert client.post("/api/v1/demo-communities", json=body,
                       headers=admin_headers).status_code == 409


def test_liaisons_write_only_in_their_scope_and_officials_only_read(
        client, make_user, auth_headers, admin_headers):
    liaison = auth_headers(make_user("liaison", streets=[XICHANG]))
    official = auth_headers(make_user("official"))
    mine = {"date": "2022-05-01", "title": "x", "community_code": FUYOUJIE}
    theirs = {"date": "2022-05-01", "title": "x", "community_code": IN_SHICHAHAI}
    assert client.post("/api/v1/events", json=mine, headers=liaison).status_code == 201
    assert client.post("/api/v1/events", json=theirs, headers=liaison).status_code == 403
    assert client.post("/api/v1/events", json=mine, headers=official).status_code == 403
    assert client.post("/api/v1/trainings", json={"date": "2022-05-01", "title": "x",
                       "street_codes": [XICHANG, SHICHAHAI]}, headers=liaison).status_code == 403
    assert client.post("/api/v1/topics", json={"month": "2022-05", "title": "x"},
                       headers=liaison).status_code == 403
    other = client.post("/api/v1/events", json=theirs, headers=admin_headers).get_json()
    assert client.patch(f"/api/v1/events/{other['id']}", json={"title": "y"},
                        headers=liaison).status_code == 403
    assert client.delete(f"/api/v1/events/{other['id']}", headers=liaison).status_code == 403
    assert client.get("/api/v1/events", headers=official).get_json()["total"] == 2
    # Moving one's own record out of scope is refused too.
    own = client.get("/api/v1/events", headers=liaison).get_json()["items"]
    own_id = next(e["id"] for e in own if e["community_code"] == FUYOUJIE)
    assert client.patch(f"/api/v1/events/{own_id}", json={"community_code": IN_SHICHAHAI},
                        headers=liaison).status_code == 403


def test_interactions_replace_a_posted_date_and_take_many_days(client, admin_headers,
                                                               make_user, auth_headers):
    day = {"date": "2022-05-01", "views": 1000, "likes": 50, "comments": 5}
    first = client.post("/api/v1/interactions", json=day, headers=admin_headers).get_json()
    again = client.post("/api/v1/interactions", json={**day, "views": 1200},
                        headers=admin_headers).get_json()
    assert again["id"] == first["id"] and again["views"] == 1200
    bulk = client.post("/api/v1/interactions/bulk", headers=admin_headers, json={"days": [
        {"date": "2022-05-01", "views": 1300, "likes": 1, "comments": 1},
        {"date": "2022-05-02", "views": 10, "likes": 1, "comments": 1}]})
    assert bulk.status_code == 201 and len(bulk.get_json()) == 2
    listed = client.get("/api/v1/interactions", headers=admin_headers).get_json()
    assert listed["total"] == 2
    duplicate = client.post("/api/v1/interactions/bulk", headers=admin_headers, json={"days": [
        {"date": "2022-05-03", "views": 1, "likes": 1, "comments": 1},
        {"date": "2022-05-03", "views": 2, "likes": 1, "comments": 1}]})
    assert duplicate.status_code == 422
    assert client.get("/api/v1/interactions", headers=admin_headers).get_json()["total"] == 2
    liaison = auth_headers(make_user("liaison", streets=[XICHANG]))
    assert client.post("/api/v1/interactions", json=day, headers=liaison).status_code == 403


def test_moving_an_interaction_day_onto_a_taken_date_is_409(client, admin_headers):
    for day in ["2022-05-01", "2022-05-02"]:
        client.post("/api/v1/interactions", headers=admin_headers,
                    json={"date": day, "views": 1, "likes": 1, "comments": 1})
    second = client.get("/api/v1/interactions?from=2022-05-02&to=2022-05-02",
                        headers=admin_headers).get_json()["items"][0]
    response = client.patch(f"/api/v1/interactions/{second['id']}", headers=admin_headers,
                            json={"date": "2022-05-01"})
    assert response.status_code == 409 and "date" in response.get_json()["errors"]
