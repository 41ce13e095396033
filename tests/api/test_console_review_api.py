"""The operator's review queue and community locations through the HTTP API: the queue of
visits that do not count yet (oldest first, by street, liaison and check), one decision or
several in one all-or-nothing transaction, refusals, and the communities still without a
point."""

import pytest

from tests.api.test_visits import FAR_AWAY, FUYOUJIE, IN_SHICHAHAI, XIJIAO, post

SHICHAHAI_STREET = "110102012000"
QUEUE = "/api/v1/visits?standing=awaiting_review&order=oldest"


@pytest.fixture
def queue(client, liaison_headers, make_user, auth_headers):
    """Three visits awaiting review (far, stale, no fix) of li in 西长安街, one of zhao in
    什刹海, and one that counts already."""
    zhao = auth_headers(make_user("liaison", "zhao", streets=[SHICHAHAI_STREET]))
    made = {
        "far": post(client, liaison_headers, latitude=FAR_AWAY[0], longitude=FAR_AWAY[1],
                    visited_at="2022-05-17T10:00:00+08:00",
                    fix_at="2022-05-17T09:59:00+08:00"),
        "stale": post(client, liaison_headers, community_code=XIJIAO,
                      visited_at="2022-05-16T09:00:00+08:00",
                      fix_at="2022-05-16T08:00:00+08:00"),
        "unknown": post(client, liaison_headers, latitude=None, longitude=None,
                        accuracy_m=None, fix_at=None, visited_at="2022-05-18T10:00:00+08:00"),
        "zhao": post(client, zhao, community_code=IN_SHICHAHAI, latitude=None,
                     longitude=None, accuracy_m=None, fix_at=None,
                     visited_at="2022-05-15T10:00:00+08:00"),
        "ok": post(client, liaison_headers),
    }
    assert all(r.status_code == 201 for r in made.values()), [r.get_json() for r in made.values()]
    return {name: r.get_json() for name, r in made.items()}


def ids(client, headers, url):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    return [v["id"] for v in response.get_json()["items"]]


def test_the_queue_holds_what_does_not_count_yet_oldest_first(client, admin_headers, queue):
    assert ids(client, admin_headers, QUEUE) == [
        queue[k]["id"] for k in ("zhao", "stale", "far", "unknown")]
    assert ids(client, admin_headers, QUEUE + "&street_code=110102001000") == [
        queue[k]["id"] for k in ("stale", "far", "unknown")]
    assert ids(client, admin_headers, QUEUE + "&username=zhao") == [queue["zhao"]["id"]]
    assert ids(client, admin_headers, QUEUE + "&location_check=stale") == [queue["stale"]["id"]]
    # The newest first remains the default order of the list.
    assert ids(client, admin_headers, "/api/v1/visits?standing=awaiting_review")[0] == \
        queue["unknown"]["id"]
    first = client.get(QUEUE, headers=admin_headers).get_json()["items"][0]
    assert first["username"] == "zhao" and first["liaison"] == "zhao"
    assert first["community_radius_m"] == 800 and first["community_latitude"] is None
    assert ids(client, admin_headers, "/api/v1/visits?standing=counted") == [queue["ok"]["id"]]


def test_several_visits_rejected_at_once_with_a_reason_the_liaison_sees(
        client, admin_headers, liaison_headers, queue):
    chosen = [queue["far"]["id"], queue["stale"]["id"]]
    response = client.post("/api/v1/visits/reviews", headers=admin_headers,
                           json={"visit_ids": chosen, "status": "rejected",
                                 "reason": "定位不在社区附近"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["reviewed"] == 2
    assert [(v["id"], v["review_status"], v["standing"]) for v in body["items"]] == [
        (chosen[0], "rejected", "not_counted"), (chosen[1], "rejected", "not_counted")]
    mine = {v["id"]: v for v in client.get("/api/v1/visits", headers=liaison_headers)
            .get_json()["items"]}
    assert all(mine[i]["review_reason"] == "定位不在社区附近" for i in chosen)
    assert ids(client, admin_headers, QUEUE) == [queue["zhao"]["id"], queue["unknown"]["id"]]
    history = client.get(f"/api/v1/visits/{chosen[0]}/history", headers=admin_headers)
    assert [h["action"] for h in history.get_json()] == ["create", "review"]
    assert history.get_json()[-1]["changes"]["review_reason"] == [None, "定位不在社区附近"]


def test_approving_several_makes_them_count(client, admin_headers, queue):
    chosen = [queue["unknown"]["id"], queue["zhao"]["id"]]
    response = client.post("/api/v1/visits/reviews", headers=admin_headers,
                           json={"visit_ids": chosen, "status": "approved"})
    assert response.status_code == 200, response.get_json()
    assert {v["standing"] for v in response.get_json()["items"]} == {"counted"}
    assert set(ids(client, admin_headers, "/api/v1/visits?standing=counted")) == {
        queue["ok"]["id"], *chosen}


def test_a_batch_with_one_bad_item_decides_nothing_and_names_it(client, admin_headers, queue):
    deleted = post(client, admin_headers, username="li").get_json()["id"]
    assert client.delete(f"/api/v1/visits/{deleted}", headers=admin_headers).status_code == 204
    far, stale = queue["far"]["id"], queue["stale"]["id"]
    for chosen, position in (([far, 999_999], 1), ([far, stale, deleted], 2),
                             ([far, stale, far], 2)):
        response = client.post("/api/v1/visits/reviews", headers=admin_headers,
                               json={"visit_ids": chosen, "status": "approved"})
        assert response.status_code == 422, response.get_json()
        assert list(response.get_json()["errors"]["json"]["visit_ids"]) == [str(position)]
        assert "未审核任何走访" in response.get_json()["message"]
    assert len(ids(client, admin_headers, QUEUE)) == 4
    history = client.get(f"/api/v1/visits/{queue['far']['id']}/history", headers=admin_headers)
    assert [h["action"] for h in history.get_json()] == ["create"]


@pytest.mark.parametrize("body, field", [
    ({"visit_ids": [1], "status": "rejected"}, "reason"),
    ({"visit_ids": [1], "status": "rejected", "reason": "   "}, "reason"),
    ({"visit_ids": [], "status": "approved"}, "visit_ids"),
    ({"visit_ids": [1, "x"], "status": "approved"}, "visit_ids"),
    ({"visit_ids": [1.5], "status": "approved"}, "visit_ids"),
    ({"visit_ids": list(range(1, 300)), "status": "approved"}, "visit_ids"),
    ({"visit_ids": [1], "status": "maybe"}, "status"),
    ({"visit_ids": [1]}, "status"),
    ({"status": "approved"}, "visit_ids"),
    ({"visit_ids": [1], "status": "approved", "extra": 1}, "extra"),
    ({"visit_ids": [1], "status": "approved", "reason": "a\x00b"}, "reason"),
])
def test_bad_batches_are_422_naming_the_field(client, admin_headers, queue, body, field):
    response = client.post("/api/v1/visits/reviews", headers=admin_headers, json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]
    assert len(ids(client, admin_headers, QUEUE)) == 4


@pytest.mark.parametrize("role", ["official", "liaison"])
def test_only_admins_review_whatever_the_body(client, make_user, auth_headers, queue, role):
    headers = auth_headers(make_user(role, f"someone_{role}", streets=["110102001000"]
                                     if role == "liaison" else []))
    for body in ({"visit_ids": [queue["far"]["id"]], "status": "approved"}, {"junk": 1}, None):
        response = client.post("/api/v1/visits/reviews", headers=headers, json=body)
        assert response.status_code == 403, response.get_json()
    single = client.post(f"/api/v1/visits/{queue['far']['id']}/review", headers=headers,
                         json={"status": "approved"})
    assert single.status_code == 403
    for body in ({"latitude": 39.91, "longitude": 116.38, "radius_m": 300}, {"junk": 1}):
        placed = client.patch(f"/api/v1/communities/{FUYOUJIE}", headers=headers, json=body)
        assert placed.status_code == 403, placed.get_json()


def test_bad_queue_filters_are_422(client, admin_headers):
    for query, field in (("standing=maybe", "standing"), ("order=sideways", "order"),
                         ("location_check=near", "location_check")):
        response = client.get(f"/api/v1/visits?{query}", headers=admin_headers)
        assert response.status_code == 422
        assert field in response.get_json()["errors"]["query"]


def test_communities_without_a_point_and_placing_one(client, admin_headers, liaison_headers):
    for _ in range(3):
        assert post(client, liaison_headers, community_code=XIJIAO).status_code == 201
    without = client.get("/api/v1/communities?has_point=false&street_code=110102001000"
                         "&per_page=500", headers=admin_headers).get_json()
    assert XIJIAO in [c["code"] for c in without["items"]]
    suggestion = client.get(f"/api/v1/communities/{XIJIAO}/suggested-location",
                            headers=admin_headers).get_json()
    assert suggestion["visits"] == 3 and suggestion["latitude"] is not None
    placed = client.patch(f"/api/v1/communities/{XIJIAO}", headers=admin_headers,
                          json={"latitude": suggestion["latitude"],
                                "longitude": suggestion["longitude"], "radius_m": 400})
    assert placed.status_code == 200, placed.get_json()
    located = client.get("/api/v1/communities?has_point=true", headers=admin_headers).get_json()
    assert [c["code"] for c in located["items"]] == [XIJIAO]
    after = client.get("/api/v1/communities?has_point=false&per_page=500",
                       headers=admin_headers).get_json()
    assert after["total"] == 262 and XIJIAO not in [c["code"] for c in after["items"]]
    assert client.get("/api/v1/communities?has_point=maybe",
                      headers=admin_headers).status_code == 422
    assert client.patch(f"/api/v1/communities/{FUYOUJIE}", headers=liaison_headers,
                        json={"radius_m": 300}).status_code == 403


def test_suggested_locations_of_many_communities_in_one_list(client, admin_headers,
                                                              liaison_headers):
    for lat in (39.9001, 39.9003, 39.9002):
        assert post(client, liaison_headers, community_code=XIJIAO, latitude=lat,
                    longitude=116.3802).get_json()["location_check"] == "ok"
    far = post(client, liaison_headers, community_code=FUYOUJIE, latitude=FAR_AWAY[0],
               longitude=FAR_AWAY[1]).get_json()
    assert far["location_check"] == "far"  # a far visit supports no suggestion
    body = client.get("/api/v1/communities/suggested-locations?street_code=110102001000"
                      "&has_point=false&per_page=500", headers=admin_headers).get_json()
    by_code = {row["community_code"]: row for row in body["items"]}
    assert body["total"] == len(by_code) > 2
    assert by_code[XIJIAO] == {"community_code": XIJIAO, "latitude": 39.9002,
                               "longitude": 116.3802, "visits": 3}
    assert by_code[FUYOUJIE] == {"community_code": FUYOUJIE, "latitude": None,
                                 "longitude": None, "visits": 0}
    # The same figure as the single community's endpoint.
    single = client.get(f"/api/v1/communities/{XIJIAO}/suggested-location",
                        headers=admin_headers).get_json()
    assert single == by_code[XIJIAO]
    client.patch(f"/api/v1/communities/{XIJIAO}", headers=admin_headers,
                 json={"latitude": 39.9002, "longitude": 116.3802})
    left = client.get("/api/v1/communities/suggested-locations?has_point=false&per_page=500",
                      headers=admin_headers).get_json()
    assert left["total"] == 262 and XIJIAO not in [r["community_code"] for r in left["items"]]
    for query, field in (("street_code=1", "street_code"), ("has_point=x", "has_point"),
                         ("color=red", "color")):
        refused = client.get(f"/api/v1/communities/suggested-locations?{query}",
                             headers=admin_headers)
        assert refused.status_code == 422 and field in refused.get_json()["errors"]["query"]
    assert client.get("/api/v1/communities/suggested-locations?street_code=110102999000",
                      headers=admin_headers).status_code == 404
