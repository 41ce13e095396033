"""The console's liaison assignments through the API: a handover in one step, and the
district view of who covers what."""

import pytest

XICHANG, XINJIEKOU = "110102001000", "110102003000"
FUYOUJIE = "110102001004"


def assignments_of(client, headers, username):
    return client.get(f"/api/v1/assignments?username={username}", headers=headers
                      ).get_json()["items"]


def test_a_handover_ends_one_assignment_and_starts_the_other_the_next_day(
        client, admin_headers, make_user):
    make_user("liaison", "wang", communities=[FUYOUJIE])
    make_user("liaison", "zhou", display_name="周杰")
    [old] = assignments_of(client, admin_headers, "wang")
    response = client.post(f"/api/v1/assignments/{old['id']}/handover", headers=admin_headers,
                           json={"username": "zhou", "last_day": "2022-06-30"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ended"]["end_date"] == "2022-06-30"
    assert body["started"] == {**body["started"], "username": "zhou", "display_name": "周杰",
                               "community_code": FUYOUJIE, "start_date": "2022-07-01",
                               "end_date": None, "community_name": "府右街南社区居委会"}
    [new] = assignments_of(client, admin_headers, "zhou")
    assert new["start_date"] == "2022-07-01"
    history = client.get(f"/api/v1/assignments?community_code={FUYOUJIE}",
                         headers=admin_headers).get_json()["items"]
    assert [(a["username"], a["start_date"], a["end_date"]) for a in history] == [
        ("zhou", "2022-07-01", None), ("wang", "2022-03-15", "2022-06-30")]


@pytest.mark.parametrize("body,field", [
    ({"username": "wang", "last_day": "2022-06-30"}, "username"),      # the same liaison
    ({"username": "guan", "last_day": "2022-06-30"}, "username"),      # not a liaison
    ({"username": "nobody", "last_day": "2022-06-30"}, "username"),
    ({"username": "zhou", "last_day": "2022-03-01"}, "last_day"),      # before it began
    ({"username": "zhou", "last_day": "2022-12-31"}, "last_day"),      # after it ended
    ({"username": "zhou", "last_day": "30.6.2022"}, "last_day"),
    ({"username": "zhou"}, "last_day"),
])
def test_a_refused_handover_names_the_field_and_changes_nothing(client, admin_headers,
                                                                make_user, body, field):
    from datetime import date
    make_user("liaison", "wang", streets=[XICHANG], end_date=date(2022, 9, 30))
    make_user("liaison", "zhou")
    make_user("official", "guan")
    [old] = assignments_of(client, admin_headers, "wang")
    response = client.post(f"/api/v1/assignments/{old['id']}/handover", headers=admin_headers,
                           json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert assignments_of(client, admin_headers, "wang")[0]["end_date"] == "2022-09-30"
    assert assignments_of(client, admin_headers, "zhou") == []


def test_handover_of_an_unknown_assignment_is_404(client, admin_headers, make_user):
    make_user("liaison", "zhou")
    response = client.post("/api/v1/assignments/999/handover", headers=admin_headers,
                           json={"username": "zhou", "last_day": "2022-06-30"})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["liaison", "official"])
def test_only_admins_hand_over_and_see_the_district(client, make_user, auth_headers, role):
    make_user("liaison", "wang", streets=[XICHANG])
    caller = make_user(role, "caller", streets=[XICHANG] if role == "liaison" else ())
    headers = auth_headers(caller)
    assert client.post("/api/v1/assignments/1/handover", headers=headers,
                       json={"username": "caller", "last_day": "2022-06-30"}
                       ).status_code == 403
    assert client.get("/api/v1/assignments/district", headers=headers).status_code == 403


def test_the_district_view_shows_streets_liaisons_and_uncovered_communities(
        client, admin_headers, make_user):
    make_user("liaison", "wang", display_name="王芳", streets=[XICHANG])
    make_user("liaison", "zhou", communities=["110102003015"])
    body = client.get("/api/v1/assignments/district?date=2022-05-01",
                      headers=admin_headers).get_json()
    streets = {s["code"]: s for s in body["streets"]}
    assert len(streets) == 15
    assert [li["display_name"] for li in streets[XICHANG]["liaisons"]] == ["王芳"]
    assert streets[XICHANG]["uncovered"] == 0
    xinjiekou = streets[XINJIEKOU]
    covered = [c["code"] for c in xinjiekou["communities"] if c["covered"]]
    assert covered == ["110102003015"]
    assert xinjiekou["uncovered"] == len(xinjiekou["communities"]) - 1
    assert body["uncovered"] == 263 - len(streets[XICHANG]["communities"]) - 1
    before = client.get("/api/v1/assignments/district?date=2022-03-01",
                        headers=admin_headers).get_json()
    assert before["uncovered"] == 263
    assert client.get("/api/v1/assignments/district?date=soon",
                      headers=admin_headers).status_code == 422
