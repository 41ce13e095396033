"""Assignments through the API, and the scope rule every feature relies on."""

from datetime import date

import pytest

from models import Community, User, db
from service.district.assignments import may_act_in, may_act_in_street

GUANG_AN_MEN_WAI = "110102020000"
IN_GUANG_AN_MEN_WAI = "110102020036"  # 荣丰南
FU_YOU_JIE_NAN = "110102001004"  # 西长安街


def test_admin_assigns_a_liaison_to_a_street_and_lists_it(client, admin_headers, make_user):
    make_user("liaison", "li")
    created = client.post("/api/v1/assignments", headers=admin_headers, json={
        "username": "li", "street_code": GUANG_AN_MEN_WAI, "start_date": "2022-03-15"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["username"] == "li" and body["street_code"] == GUANG_AN_MEN_WAI
    assert body["community_code"] is None and body["end_date"] is None
    listed = client.get(f"/api/v1/assignments?community_code={IN_GUANG_AN_MEN_WAI}",
                        headers=admin_headers).get_json()
    assert [a["id"] for a in listed["items"]] == [body["id"]]


def test_ending_an_assignment_keeps_the_row(client, admin_headers, make_user):
    make_user("liaison", "li", communities=[FU_YOU_JIE_NAN], start_date=date(2022, 3, 15))
    assignment = client.get("/api/v1/assignments?username=li",
                            headers=admin_headers).get_json()["items"][0]
    ended = client.delete(f"/api/v1/assignments/{assignment['id']}", headers=admin_headers)
    assert ended.status_code == 200 and ended.get_json()["end_date"] is not None
    assert ended.get_json()["active"] is False
    all_rows = client.get("/api/v1/assignments?username=li", headers=admin_headers).get_json()
    assert all_rows["total"] == 1
    active = client.get("/api/v1/assignments?username=li&active=true",
                        headers=admin_headers).get_json()
    assert active["total"] == 0
    inactive = client.get("/api/v1/assignments?username=li&active=false",
                          headers=admin_headers).get_json()
    assert inactive["total"] == 1


def test_a_liaison_lists_only_their_own_assignments(client, make_user, auth_headers):
    mine = make_user("liaison", "mine", streets=[GUANG_AN_MEN_WAI])
    make_user("liaison", "other", streets=["110102001000"])
    listed = client.get("/api/v1/assignments?username=other",
                        headers=auth_headers(mine)).get_json()
    assert {a["username"] for a in listed["items"]} == {"mine"}


@pytest.mark.parametrize("body,field,status", [
    ({"username": "li", "start_date": "2022-03-15"}, "street_code", 422),
    ({"username": "li", "street_code": GUANG_AN_MEN_WAI, "community_code": FU_YOU_JIE_NAN,
      "start_date": "2022-03-15"}, "street_code", 422),
    ({"username": "li", "street_code": "110102999000", "start_date": "2022-03-15"},
     "street_code", 422),
    ({"username": "li", "community_code": "110102999999", "start_date": "2022-03-15"},
     "community_code", 422),
    ({"username": "nobody", "street_code": GUANG_AN_MEN_WAI, "start_date": "2022-03-15"},
     "username", 422),
    ({"username": "li", "street_code": GUANG_AN_MEN_WAI, "start_date": "2022-05-01",
      "end_date": "2022-04-01"}, "end_date", 422),
    ({"username": "li", "street_code": GUANG_AN_MEN_WAI, "start_date": "15/03/2022"},
     "start_date", 422),
    ({"username": "official1", "street_code": GUANG_AN_MEN_WAI, "start_date": "2022-03-15"},
     "username", 422),
])
def test_bad_assignments_are_refused_naming_the_field(client, admin_headers, make_user, body,
                                                      field, status):
    make_user("liaison", "li")
    make_user("official", "official1")
    response = client.post("/api/v1/assignments", headers=admin_headers, json=body)
    assert response.status_code == status
    errors = response.get_json()["errors"]
    assert field in errors.get("json", errors)


def test_scope_follows_street_and_community_assignments_and_their_dates(app, make_user):
    street_liaison = make_user("liaison", "s", streets=[GUANG_AN_MEN_WAI],
                               start_date=date(2022, 4, 1), end_date=date(2022, 6, 30))
    community_liaison = make_user("liaison", "c", communities=[FU_YOU_JIE_NAN])
    official = make_user("official", "o")
    admin = make_user("admin", "a")
    with app.app_context():
        def may(user, code, day):
            return may_act_in(db.session.get(User, user.id), db.session.get(Community, code),
                              day)
        assert may(street_liaison, IN_GUANG_AN_MEN_WAI, date(2022, 4, 1))
        assert may(street_liaison, IN_GUANG_AN_MEN_WAI, date(2022, 6, 30))
        assert not may(street_liaison, IN_GUANG_AN_MEN_WAI, date(2022, 3, 31))
        assert not may(street_liaison, IN_GUANG_AN_MEN_WAI, date(2022, 7, 1))
        assert not may(street_liaison, FU_YOU_JIE_NAN, date(2022, 5, 1))
        assert may(community_liaison, FU_YOU_JIE_NAN, date(2022, 5, 1))
        assert not may(community_liaison, "110102001007", date(2022, 5, 1))
        assert not may(official, FU_YOU_JIE_NAN, date(2022, 5, 1))
        assert may(admin, FU_YOU_JIE_NAN, date(2022, 5, 1))
        assert may_act_in_street(db.session.get(User, street_liaison.id), GUANG_AN_MEN_WAI,
                                 date(2022, 5, 1))
        assert not may_act_in_street(db.session.get(User, community_liaison.id),
                                     "110102001000", date(2022, 5, 1))
