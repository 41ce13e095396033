"""The real district through the API, and idempotent seeding through the command line."""

from datetime import date

from models import Community, Street, db

XICHENG_STREETS = 15
XICHENG_COMMUNITIES = 263


def test_streets_lists_all_fifteen_with_their_community_counts(client, admin_headers):
    body = client.get("/api/v1/streets", headers=admin_headers).get_json()
    assert body["total"] == XICHENG_STREETS
    by_code = {s["code"]: s for s in body["items"]}
    assert by_code["110102001000"]["name"] == "西长安街街道"
    assert by_code["110102001000"]["community_count"] == 11
    assert by_code["110102020000"]["community_count"] == 38
    assert sum(s["community_count"] for s in body["items"]) == XICHENG_COMMUNITIES
    assert by_code["110102012000"]["latitude"] == 39.933965


def test_communities_are_paginated_in_code_order(client, admin_headers):
    first = client.get("/api/v1/communities?per_page=100", headers=admin_headers).get_json()
    assert first["total"] == XICHENG_COMMUNITIES
    assert first["per_page"] == 100 and first["page"] == 1
    codes = [c["code"] for c in first["items"]]
    assert codes == sorted(codes)
    third = client.get("/api/v1/communities?per_page=100&page=3",
                       headers=admin_headers).get_json()
    assert len(third["items"]) == 63
    default = client.get("/api/v1/communities", headers=admin_headers).get_json()
    assert default["per_page"] == 50 and len(default["items"]) == 50


def test_communities_filter_by_street_and_by_part_of_the_name(client, admin_headers):
    body = client.get("/api/v1/communities?street_code=110102013000",
                      headers=admin_headers).get_json()
    assert body["total"] == 9
    assert {c["street_name"] for c in body["items"]} == {"大栅栏街道"}
    found = client.get("/api/v1/communities?q=扣钟", headers=admin_headers).get_json()
    assert [c["code"] for c in found["items"]] == ["110102009043"]
    assert found["items"][0]["latitude"] is None


def test_community_detail_shows_current_liaisons(client, admin_headers, make_user):
    make_user("liaison", "li", streets=["110102001000"], display_name="李联络")
    make_user("liaison", "old", communities=["110102001004"],
              end_date=date(2022, 6, 1))
    body = client.get("/api/v1/communities/110102001004", headers=admin_headers).get_json()
    assert body["name"] == "府右街南社区居委会"
    assert body["street_name"] == "西长安街街道"
    assert [x["username"] for x in body["liaisons"]] == ["li"]


def test_unknown_codes_are_404_or_422(client, admin_headers):
    missing = client.get("/api/v1/communities/110102999999", headers=admin_headers)
    assert missing.status_code == 404
    assert missing.get_json()["code"] == 404
    bad_street = client.get("/api/v1/communities?street_code=110102999000",
                            headers=admin_headers)
    assert bad_street.status_code == 404
    assert "street_code" in bad_street.get_json()["errors"]
    malformed = client.get("/api/v1/communities?street_code=abc", headers=admin_headers)
    assert malformed.status_code == 422
    assert "street_code" in malformed.get_json()["errors"]["query"]


def test_seed_district_is_idempotent(runner, app):
    first = runner.invoke(args=["seed-district"])
    assert first.exit_code == 0, first.output
    assert "streets: 15, communities: 263, changed: 0" in first.output
    with app.app_context():
        community = db.session.get(Community, "110102001004")
        community.name = "renamed"
        db.session.commit()
    repaired = runner.invoke(args=["seed-district"])
    assert "changed: 1" in repaired.output
    again = runner.invoke(args=["seed-district"])
    assert "changed: 0" in again.output
    with app.app_context():
        assert db.session.query(Street).count() == XICHENG_STREETS
        assert db.session.query(Community).count() == XICHENG_COMMUNITIES
        assert db.session.get(Community, "110102001004").name == "府右街南社区居委会"
