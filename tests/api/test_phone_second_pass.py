"""What the phone's second pass (issue #15) needs from the API: fractions of people are refused,
coverage carries each community's point and is counted at the contract's end once it is over,
and the street boundaries a phone judges a position with before sending."""

import uuid

import pytest

from models import Community, db
from service.fieldwork.geo import STREET_EDGE_MARGIN_M, distance_to_street_edge_m

XICHANG = "110102001000"            # 西长安街街道
FUYOUJIE = "110102001004"           # 府右街南社区, in 西长安街


def visit_body(**overrides):
    body = {"client_id": str(uuid.uuid4()), "community_code": FUYOUJIE,
            "visited_at": "2022-05-16T10:30:00+08:00", "latitude": 39.909589,
            "longitude": 116.377581, "accuracy_m": 25.0, "fix_at": "2022-05-16T10:29:00+08:00",
            "purpose": "routine", "notes": "", "people_met": 3, "new_registrations": 2}
    body.update(overrides)
    return body


@pytest.mark.parametrize("field", ["people_met", "new_registrations"])
def test_a_fraction_of_a_person_is_refused_not_truncated(client, liaison_headers, field):
    response = client.post("/api/v1/visits", json=visit_body(**{field: 2.5}),
                           headers=liaison_headers)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"][field] == ["应为整数"]
    listed = client.get("/api/v1/visits", headers=liaison_headers).get_json()
    assert listed["total"] == 0


def test_a_fraction_is_refused_in_a_sync_and_in_a_correction(client, liaison_headers):
    good, bad = visit_body(), visit_body(people_met=1.5)
    results = client.post("/api/v1/visits/sync", json={"visits": [good, bad]},
                          headers=liaison_headers).get_json()["results"]
    assert [r["status"] for r in results] == ["created", "rejected"]
    assert results[1]["errors"] == {"people_met": ["应为整数"]}
    patch = client.patch(f"/api/v1/visits/{results[0]['id']}", json={"new_registrations": 0.5},
                         headers=liaison_headers)
    assert patch.status_code == 422
    visit = client.get(f"/api/v1/visits/{results[0]['id']}", headers=liaison_headers)
    assert visit.get_json()["new_registrations"] == 2


def test_a_correction_may_change_the_community_and_the_purpose(client, liaison_headers):
    visit = client.post("/api/v1/visits", json=visit_body(), headers=liaison_headers).get_json()
    changed = client.patch(f"/api/v1/visits/{visit['id']}", json={
        "community_code": "110102001007", "purpose": "usage_guidance"}, headers=liaison_headers)
    assert changed.status_code == 200
    assert changed.get_json()["community_name"] == "西交民巷社区居委会"
    assert changed.get_json()["purpose"] == "usage_guidance"


def test_coverage_carries_each_community_point_and_radius(app, client, liaison_headers):
    with app.app_context():
        community = db.session.get(Community, FUYOUJIE)
        community.latitude, community.longitude, community.radius_m = 39.9101, 116.3772, 500
        db.session.commit()
    items = client.get("/api/v1/visits/coverage", headers=liaison_headers).get_json()["items"]
    row = next(i for i in items if i["community_code"] == FUYOUJIE)
    assert (row["latitude"], row["longitude"], row["radius_m"]) == (39.9101, 116.3772, 500)
    other = next(i for i in items if i["community_code"] != FUYOUJIE)
    assert other["latitude"] is None and other["longitude"] is None


def test_coverage_after_the_contract_counts_days_at_its_end(client, liaison_headers):
    # The test contract runs 2022-03-15 to 2023-03-15; today is years later.
    body = visit_body(visited_at="2023-03-10T10:00:00+08:00",
                      fix_at="2023-03-10T09:59:00+08:00")
    assert client.post("/api/v1/visits", json=body, headers=liaison_headers).status_code == 201
    items = client.get("/api/v1/visits/coverage", headers=liaison_headers).get_json()["items"]
    row = next(i for i in items if i["community_code"] == FUYOUJIE)
    assert row["days_since_last"] == 5 and row["visits"] == 1
    asked = client.get("/api/v1/visits/coverage?as_of=2023-03-12",
                       headers=liaison_headers).get_json()["items"]
    assert next(i for i in asked if i["community_code"] == FUYOUJIE)["days_since_last"] == 2


def test_the_location_reference_gives_every_street_boundary(client, liaison_headers):
    assert client.get("/api/v1/visits/location-reference").status_code == 401
    body = client.get("/api/v1/visits/location-reference", headers=liaison_headers).get_json()
    assert body["street_margin_m"] == STREET_EDGE_MARGIN_M and body["stale_after_s"] == 900
    assert len(body["streets"]) == 15
    xichang = next(s for s in body["streets"] if s["code"] == XICHANG)
    assert xichang["name"] == "西长安街街道"
    ring = xichang["rings"][0]
    assert len(ring) > 10 and ring[0] == ring[-1]
    # The points are the boundary the server checks against: each is on its edge.
    for lon, lat in ring[:: max(1, len(ring) // 8)]:
        assert distance_to_street_edge_m(XICHANG, lat + 0.00001, lon) < 5
