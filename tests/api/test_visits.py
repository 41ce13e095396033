"""Field visits through the HTTP API: logging, location checks, idempotency, scope, refusals,
sync, corrections, history, review and coverage."""

import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from models import Visit, db

XICHANG = "110102001000"            # 西长安街街道
FUYOUJIE = "110102001004"           # 府右街南社区, in 西长安街
XIJIAO = "110102001007"             # 西交民巷社区, in 西长安街
SHICHAHAI_STREET = "110102012000"   # 什刹海街道
IN_SHICHAHAI = "110102012001"
INSIDE_XICHANG = (39.909589, 116.377581)   # the street's centroid
FAR_AWAY = (39.88, 116.33)                 # 广安门外, kilometres away


def visit_body(**overrides):
    body = {"client_id": str(uuid.uuid4()), "community_code": FUYOUJIE,
            "visited_at": "2022-05-16T10:30:00+08:00", "latitude": INSIDE_XICHANG[0],
            "longitude": INSIDE_XICHANG[1], "accuracy_m": 25.0,
            "fix_at": "2022-05-16T10:29:00+08:00", "purpose": "routine",
            "notes": "走访居委会，讲解实名认证", "people_met": 3, "new_registrations": 2}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def post(client, headers, **overrides):
    return client.post("/api/v1/visits", json=visit_body(**overrides), headers=headers)


def test_logging_a_visit_stores_it_in_utc_with_a_street_location_check(
        client, liaison_headers):
    response = post(client, liaison_headers)
    assert response.status_code == 201
    visit = response.get_json()
    assert visit["visited_at"] == "2022-05-16T02:30:00+00:00"
    assert visit["location_check"] == "ok" and visit["location_basis"] == "street"
    assert visit["distance_m"] < 5
    assert visit["review_status"] == "pending" and visit["username"] == "li"
    assert visit["community_name"] == "府右街南社区居委会"


def test_a_fix_outside_the_street_is_kept_and_flagged_far(client, liaison_headers):
    response = post(client, liaison_headers, latitude=FAR_AWAY[0], longitude=FAR_AWAY[1])
    assert response.status_code == 201
    assert response.get_json()["location_check"] == "far"
    assert response.get_json()["distance_m"] > 3000


def test_a_fix_just_outside_the_edge_passes_within_accuracy_plus_margin(app, client,
                                                                        liaison_headers):
    from service.fieldwork.geo import distance_to_street_edge_m
    # Walk west from the centroid until just outside 西长安街's boundary.
    lat, lon = INSIDE_XICHANG
    while distance_to_street_edge_m(XICHANG, lat, lon) == 0:
        lon -= 0.0002
    edge = distance_to_street_edge_m(XICHANG, lat, lon)
    assert 0 < edge < 30
    near = post(client, liaison_headers, latitude=lat, longitude=lon, accuracy_m=10)
    assert near.get_json()["location_check"] == "ok"
    lon_far = lon - 0.004  # ~340 m further west
    far = post(client, liaison_headers, latitude=lat, longitude=lon_far, accuracy_m=10)
    assert far.get_json()["location_check"] == "far"
    generous = post(client, liaison_headers, latitude=lat, longitude=lon_far, accuracy_m=400)
    assert generous.get_json()["location_check"] == "ok"


def test_the_community_point_is_used_when_known(client, liaison_headers, admin_headers):
    patched = client.patch(f"/api/v1/communities/{FUYOUJIE}", headers=admin_headers,
                           json={"latitude": 39.9100, "longitude": 116.3800, "radius_m": 300})
    assert patched.status_code == 200 and patched.get_json()["radius_m"] == 300
    near = post(client, liaison_headers, latitude=39.9110, longitude=116.3800).get_json()
    assert near["location_basis"] == "community" and near["location_check"] == "ok"
    assert 100 < near["distance_m"] < 120
    far = post(client, liaison_headers, latitude=39.9150, longitude=116.3800).get_json()
    assert far["location_check"] == "far"


def test_no_fix_is_unknown_and_an_old_fix_is_stale(client, liaison_headers):
    unknown = post(client, liaison_headers, latitude=..., longitude=..., accuracy_m=...,
                   fix_at=...).get_json()
    assert unknown["location_check"] == "unknown" and unknown["distance_m"] is None
    stale = post(client, liaison_headers, fix_at="2022-05-16T10:14:00+08:00").get_json()
    assert stale["location_check"] == "stale"
    fresh = post(client, liaison_headers, fix_at="2022-05-16T10:16:00+08:00").get_json()
    assert fresh["location_check"] == "ok"


def test_the_same_client_id_and_content_answers_200_with_the_same_visit(client,
                                                                         liaison_headers):
    body = visit_body()
    first = client.post("/api/v1/visits", json=body, headers=liaison_headers)
    again = client.post("/api/v1/visits", json=body, headers=liaison_headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["id"] == again.get_json()["id"]
    # The same instant written with another offset is the same content.
    same_instant = {**body, "visited_at": "2022-05-16T02:30:00Z",
                    "fix_at": "2022-05-16T02:29:00+00:00"}
    assert client.post("/api/v1/visits", json=same_instant,
                       headers=liaison_headers).status_code == 200


def test_the_same_client_id_with_other_content_is_409(client, liaison_headers):
    body = visit_body()
    client.post("/api/v1/visits", json=body, headers=liaison_headers)
    response = client.post("/api/v1/visits", json={**body, "people_met": 9},
                           headers=liaison_headers)
    assert response.status_code == 409
    assert "client_id" in response.get_json()["errors"]


def test_ten_concurrent_retries_store_one_visit(app, liaison_headers):
    body = visit_body()
    answers = []

    def send():
        answers.append(app.test_client().post("/api/v1/visits", json=body,
                                              headers=liaison_headers))
    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * 9 + [201]
    assert len({a.get_json()["id"] for a in answers}) == 1
    with app.app_context():
        assert db.session.query(Visit).filter_by(client_id=body["client_id"]).count() == 1


def test_a_liaison_cannot_log_a_visit_outside_their_streets(client, liaison_headers):
    response = post(client, liaison_headers, community_code=IN_SHICHAHAI)
    assert response.status_code == 403
    assert response.get_json()["code"] == 403


def test_a_liaison_cannot_log_a_visit_before_their_assignment_starts(
        client, make_user, auth_headers):
    late = make_user("liaison", "late", communities=[FUYOUJIE], start_date=date(2022, 6, 1))
    headers = auth_headers(late)
    assert post(client, headers, visited_at="2022-05-31T10:00:00+08:00",
                fix_at=...).status_code == 403
    assert post(client, headers, visited_at="2022-06-01T10:00:00+08:00",
                fix_at=...).status_code == 201


def test_officials_cannot_log_visits_and_admins_log_for_a_liaison(
        client, make_user, auth_headers, admin_headers, liaison):
    official = auth_headers(make_user("official", "o"))
    assert post(client, official).status_code == 403
    on_behalf = post(client, admin_headers, username="li")
    assert on_behalf.status_code == 201 and on_behalf.get_json()["username"] == "li"
    as_admin = post(client, admin_headers)
    assert as_admin.status_code == 201 and as_admin.get_json()["username"] == "admin"


def test_a_liaison_cannot_log_for_someone_else(client, liaison_headers, make_user):
    make_user("liaison", "other", streets=[XICHANG])
    assert post(client, liaison_headers, username="other").status_code == 403


@pytest.mark.parametrize("overrides,field", [
    ({"latitude": 91}, "latitude"),
    ({"longitude": -181}, "longitude"),
    ({"latitude": "north"}, "latitude"),
    ({"latitude": 39.9, "longitude": ...}, "longitude"),
    ({"visited_at": "2022-05-16T10:30:00"}, "visited_at"),
    ({"visited_at": "yesterday"}, "visited_at"),
    ({"visited_at": "2022-03-14T23:00:00+08:00", "fix_at": ...}, "visited_at"),
    ({"community_code": "110102999999"}, "community_code"),
    ({"community_code": "12345"}, "community_code"),
    ({"purpose": "sightseeing"}, "purpose"),
    ({"people_met": -1}, "people_met"),
    ({"new_registrations": -5}, "new_registrations"),
    ({"notes": "长" * 2001}, "notes"),
    ({"client_id": "not-a-uuid"}, "client_id"),
    ({"colour": "red"}, "colour"),
])
def test_bad_visits_are_refused_naming_the_field(client, liaison_headers, overrides, field):
    response = post(client, liaison_headers, **overrides)
    assert response.status_code in (404, 422), response.get_json()
    body = response.get_json()
    errors = body.get("errors", {})
    assert field in errors.get("json", errors) or field in body["message"]


def test_a_visit_in_the_future_beyond_clock_skew_is_refused(client, liaison_headers):
    soon = (datetime.now(UTC) + timedelta(minutes=2)).isoformat()
    later = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()
    assert post(client, liaison_headers, visited_at=soon, fix_at=...).status_code == 201
    refused = post(client, liaison_headers, visited_at=later, fix_at=...)
    assert refused.status_code == 422
    assert "visited_at" in refused.get_json()["errors"]["json"]


def test_sync_takes_each_item_on_its_own_in_order(client, liaison_headers):
    stored = visit_body()
    client.post("/api/v1/visits", json=stored, headers=liaison_headers)
    good = visit_body()
    bad_purpose = visit_body(purpose="party")
    out_of_scope = visit_body(community_code=IN_SHICHAHAI)
    conflicting = {**stored, "notes": "another text"}
    items = [good, bad_purpose, stored, out_of_scope, "not an object", conflicting,
             visit_body(client_id=...)]
    response = client.post("/api/v1/visits/sync", json={"visits": items},
                           headers=liaison_headers)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["created", "rejected", "duplicate", "rejected",
                                              "rejected", "rejected", "rejected"]
    assert results[0]["client_id"] == good["client_id"] and results[0]["id"]
    assert "purpose" in results[1]["errors"]
    assert results[3]["client_id"] == out_of_scope["client_id"]
    assert "client_id" in results[5]["errors"]
    assert "client_id" in results[6]["errors"]
    listed = client.get("/api/v1/visits", headers=liaison_headers).get_json()
    assert listed["total"] == 2


def test_sync_refuses_more_than_200_items(client, liaison_headers):
    response = client.post("/api/v1/visits/sync",
                           json={"visits": [visit_body() for _ in range(201)]},
                           headers=liaison_headers)
    assert response.status_code == 422
    assert "visits" in response.get_json()["errors"]["json"]


def test_list_filters_and_scope(client, liaison_headers, make_user, auth_headers,
                                admin_headers):
    other = make_user("liaison", "other", streets=[SHICHAHAI_STREET])
    other_headers = auth_headers(other)
    post(client, liaison_headers, visited_at="2022-05-10T09:00:00+08:00", fix_at=...)
    post(client, liaison_headers, visited_at="2022-05-20T09:00:00+08:00", fix_at=...,
         community_code=XIJIAO, purpose="usage_guidance")
    post(client, other_headers, community_code=IN_SHICHAHAI, fix_at=...)
    mine = client.get("/api/v1/visits", headers=liaison_headers).get_json()
    assert mine["total"] == 2
    assert [v["visited_at"][:10] for v in mine["items"]] == ["2022-05-20", "2022-05-10"]
    everyone = client.get("/api/v1/visits", headers=admin_headers).get_json()
    assert everyone["total"] == 3

    def count(query):
        return client.get(f"/api/v1/visits?{query}", headers=admin_headers).get_json()["total"]
    assert count(f"street_code={XICHANG}") == 2
    assert count(f"community_code={XIJIAO}") == 1
    assert count("username=other") == 1
    assert count("from=2022-05-11&to=2022-05-20") == 2
    assert count("from=2022-05-10&to=2022-05-10") == 1
    assert count("purpose=usage_guidance") == 1
    assert count("location_check=ok") == 2
    assert count("location_check=far") == 1  # the other liaison stood in 西长安街
    assert count("review=pending&location_check=far") == 1
    assert count("review=approved") == 0
    assert client.get("/api/v1/visits?from=tomorrow",
                      headers=admin_headers).status_code == 422


def test_author_corrects_within_24_hours_and_history_records_it(app, client, liaison_headers):
    visit = post(client, liaison_headers).get_json()
    patched = client.patch(f"/api/v1/visits/{visit['id']}", headers=liaison_headers,
                           json={"people_met": 7, "latitude": FAR_AWAY[0],
                                 "longitude": FAR_AWAY[1]})
    assert patched.status_code == 200
    assert patched.get_json()["people_met"] == 7
    assert patched.get_json()["location_check"] == "far"
    history = client.get(f"/api/v1/visits/{visit['id']}/history",
                         headers=liaison_headers).get_json()
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["changes"]["people_met"] == [3, 7]
    assert history[1]["changes"]["location_check"] == ["ok", "far"]
    assert history[1]["actor"] == "li"
    with app.app_context():
        stored = db.session.get(Visit, visit["id"])
        stored.created_at = stored.created_at - timedelta(hours=25)
        db.session.commit()
    late = client.patch(f"/api/v1/visits/{visit['id']}", headers=liaison_headers,
                        json={"people_met": 8})
    assert late.status_code == 403


def test_only_the_author_or_an_admin_may_change_a_visit(client, liaison_headers, make_user,
                                                       auth_headers, admin_headers):
    visit = post(client, liaison_headers).get_json()
    colleague = auth_headers(make_user("liaison", "colleague", streets=[XICHANG]))
    assert client.patch(f"/api/v1/visits/{visit['id']}", headers=colleague,
                        json={"people_met": 1}).status_code == 404
    assert client.patch(f"/api/v1/visits/{visit['id']}", headers=admin_headers,
                        json={"notes": "管理员更正"}).status_code == 200
    assert client.patch(f"/api/v1/visits/{visit['id']}", headers=admin_headers,
                        json={}).status_code == 422


def test_deleted_visits_disappear_but_keep_their_history(client, liaison_headers,
                                                         admin_headers):
    visit = post(client, liaison_headers).get_json()
    assert client.delete(f"/api/v1/visits/{visit['id']}",
                         headers=liaison_headers).status_code == 204
    assert client.get(f"/api/v1/visits/{visit['id']}", headers=admin_headers).status_code == 404
    assert client.get("/api/v1/visits", headers=admin_headers).get_json()["total"] == 0
    history = client.get(f"/api/v1/visits/{visit['id']}/history",
                         headers=admin_headers).get_json()
    assert [h["action"] for h in history] == ["create", "delete"]
    coverage = client.get(f"/api/v1/visits/coverage?street_code={XICHANG}&as_of=2022-05-20",
                          headers=admin_headers).get_json()
    assert sum(row["visits"] for row in coverage["items"]) == 0


def test_review_queue_and_decisions(client, liaison_headers, admin_headers):
    far = post(client, liaison_headers, latitude=FAR_AWAY[0], longitude=FAR_AWAY[1]).get_json()
    post(client, liaison_headers)
    queue = client.get("/api/v1/visits?review=pending&location_check=far",
                       headers=admin_headers).get_json()
    assert [v["id"] for v in queue["items"]] == [far["id"]]
    no_reason = client.post(f"/api/v1/visits/{far['id']}/review", headers=admin_headers,
                            json={"status": "rejected"})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]["json"]
    rejected = client.post(f"/api/v1/visits/{far['id']}/review", headers=admin_headers,
                           json={"status": "rejected", "reason": "定位不在社区"})
    assert rejected.get_json()["review_status"] == "rejected"
    assert client.post(f"/api/v1/visits/{far['id']}/review", headers=liaison_headers,
                       json={"status": "approved"}).status_code == 403
    assert client.get("/api/v1/visits?review=pending&location_check=far",
                      headers=admin_headers).get_json()["total"] == 0


def test_coverage_lists_my_communities_most_overdue_first(client, liaison_headers):
    post(client, liaison_headers, community_code=FUYOUJIE,
         visited_at="2022-05-01T10:00:00+08:00", fix_at=...)
    post(client, liaison_headers, community_code=FUYOUJIE,
         visited_at="2022-08-01T10:00:00+08:00", fix_at=...)
    post(client, liaison_headers, community_code=XIJIAO,
         visited_at="2022-04-01T10:00:00+08:00", fix_at=...)
    body = client.get("/api/v1/visits/coverage?as_of=2022-08-10",
                      headers=liaison_headers).get_json()
    assert body["total"] == 11
    rows = {row["community_code"]: row for row in body["items"]}
    assert rows[FUYOUJIE]["visits"] == 2 and rows[FUYOUJIE]["days_since_last"] == 9
    assert rows[FUYOUJIE]["overdue"] is False
    assert rows[XIJIAO]["days_since_last"] == 131 and rows[XIJIAO]["overdue"] is True
    assert rows[XIJIAO]["last_visit_at"] == "2022-04-01T02:00:00+00:00"
    never = [r for r in body["items"] if r["visits"] == 0]
    assert len(never) == 9 and all(r["overdue"] and r["days_since_last"] is None
                                   for r in never)
    order = [r["community_code"] for r in body["items"]]
    assert order.index(XIJIAO) == 9 and order[-1] == FUYOUJIE
    early = client.get("/api/v1/visits/coverage?as_of=2022-05-01",
                       headers=liaison_headers).get_json()
    assert {r["community_code"]: r["visits"] for r in early["items"]}[FUYOUJIE] == 1


def test_coverage_scope(client, liaison_headers, admin_headers, make_user, auth_headers):
    make_user("liaison", "other", streets=[SHICHAHAI_STREET])
    assert client.get("/api/v1/visits/coverage?username=other",
                      headers=liaison_headers).status_code == 403
    theirs = client.get("/api/v1/visits/coverage?username=other&as_of=2022-06-01",
                        headers=admin_headers).get_json()
    assert theirs["total"] == 22
    district = client.get("/api/v1/visits/coverage", headers=admin_headers).get_json()
    assert district["total"] == 263
    # A street and a community of another street: both, once each.
    make_user("liaison", "both", streets=[SHICHAHAI_STREET], communities=[FUYOUJIE])
    both = client.get("/api/v1/visits/coverage?username=both&as_of=2022-06-01",
                      headers=admin_headers).get_json()
    codes = [row["community_code"] for row in both["items"]]
    assert len(codes) == len(set(codes)) == 23 and FUYOUJIE in codes and IN_SHICHAHAI in codes


def test_suggested_location_is_the_median_of_ok_visits(client, liaison_headers, admin_headers):
    points = [(39.9090, 116.3770), (39.9100, 116.3780), (39.9110, 116.3790),
              (39.9095, 116.3775)]
    for lat, lon in points:
        post(client, liaison_headers, latitude=lat, longitude=lon)
    post(client, liaison_headers, latitude=FAR_AWAY[0], longitude=FAR_AWAY[1])
    body = client.get(f"/api/v1/communities/{FUYOUJIE}/suggested-location",
                      headers=admin_headers).get_json()
    assert body == {"community_code": FUYOUJIE, "latitude": 39.90975, "longitude": 116.37775,
                    "visits": 4}
    empty = client.get(f"/api/v1/communities/{XIJIAO}/suggested-location",
                       headers=admin_headers).get_json()
    assert empty["visits"] == 0 and empty["latitude"] is None


def test_community_point_updates_are_admin_only_and_validated(client, liaison_headers,
                                                              admin_headers):
    assert client.patch(f"/api/v1/communities/{FUYOUJIE}", headers=liaison_headers,
                        json={"radius_m": 500}).status_code == 403
    half = client.patch(f"/api/v1/communities/{FUYOUJIE}", headers=admin_headers,
                        json={"latitude": 39.91})
    assert half.status_code == 422 and "longitude" in half.get_json()["errors"]["json"]
    assert client.patch(f"/api/v1/communities/{FUYOUJIE}", headers=admin_headers,
                        json={"radius_m": 5}).status_code == 422
