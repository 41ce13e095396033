"""The console's accounts through the API: one-time passwords shown once, the must-change flag
that refuses everything but setting a new password, search, phone and last login."""

from datetime import date

import pytest

from tests.api.test_auth import login

NEW_PASSWORD = "teapot-lantern-49-orbit"


def bearer(body: dict) -> dict:
    return {"Authorization": f"Bearer {body['access_token']}"}


def test_an_account_opened_without_a_password_gets_a_one_time_password_to_change(
        client, admin_headers):
    created = client.post("/api/v1/users", headers=admin_headers, json={
        "username": "zhao", "role": "liaison", "display_name": "赵敏", "phone": "138 0000 1234"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    one_time = body["one_time_password"]
    assert len(one_time) == 14 and body["must_change_password"] is True
    assert body["phone"] == "138 0000 1234" and body["last_login_at"] is None
    shown = client.get(f"/api/v1/users/{body['id']}", headers=admin_headers).get_json()
    assert "one_time_password" not in shown  # shown once, never again

    logged_in = login(client, "zhao", one_time)
    assert logged_in.status_code == 200
    assert logged_in.get_json()["user"]["must_change_password"] is True
    refused = client.get("/api/v1/me", headers=bearer(logged_in.get_json()))
    assert refused.status_code == 403
    assert "设置新密码" in refused.get_json()["message"]
    assert client.get("/api/v1/assignments",
                      headers=bearer(logged_in.get_json())).status_code == 403

    changed = client.post("/api/v1/auth/password", headers=bearer(logged_in.get_json()),
                          json={"current_password": one_time, "new_password": NEW_PASSWORD})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["user"]["must_change_password"] is False
    assert client.get("/api/v1/me", headers=bearer(changed.get_json())).status_code == 200
    # The token of the one-time password no longer works; the new password does.
    assert client.get("/api/v1/me", headers=bearer(logged_in.get_json())).status_code == 401
    assert login(client, "zhao", one_time).status_code == 401
    assert login(client, "zhao", NEW_PASSWORD).status_code == 200
    listed = client.get("/api/v1/users?q=zha", headers=admin_headers).get_json()
    assert [u["username"] for u in listed["items"]] == ["zhao"]
    assert listed["items"][0]["last_login_at"] is not None


def test_a_reset_gives_a_one_time_password_and_stops_the_old_one(client, admin_headers,
                                                                  make_user, auth_headers):
    user = make_user("liaison", "li", streets=["110102001000"])
    headers = auth_headers(user)
    reset = client.post(f"/api/v1/users/{user.id}/password-reset", headers=admin_headers)
    assert reset.status_code == 200
    one_time = reset.get_json()["one_time_password"]
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert login(client, "li", user.password).status_code == 401
    token = login(client, "li", one_time).get_json()
    assert client.get("/api/v1/visits", headers=bearer(token)).status_code == 403
    changed = client.post("/api/v1/auth/password", headers=bearer(token),
                          json={"current_password": one_time, "new_password": NEW_PASSWORD})
    assert client.get("/api/v1/visits", headers=bearer(changed.get_json())).status_code == 200


@pytest.mark.parametrize("body,field,why", [
    ({"current_password": "wrong-one-here", "new_password": NEW_PASSWORD},
     "current_password", "当前密码不正确"),
    ({"current_password": "correct-horse-1", "new_password": "password123"},
     "new_password", "常见密码"),
    ({"current_password": "correct-horse-1", "new_password": "short"},
     "new_password", "至少需要 10 个字符"),
    ({"current_password": "correct-horse-1", "new_password": "correct-horse-1"},
     "new_password", "不能与当前密码相同"),
    ({"current_password": "correct-horse-1"}, "new_password", None),
    ({"current_password": "correct-horse-1", "new_password": NEW_PASSWORD, "x": 1}, "x", None),
])
def test_a_refused_new_password_is_422_naming_the_field(client, make_user, auth_headers, body,
                                                        field, why):
    user = make_user("official", "guan")
    response = client.post("/api/v1/auth/password", headers=auth_headers(user), json=body)
    assert response.status_code == 422
    messages = response.get_json()["errors"]["json"][field]
    assert why is None or why in messages[0]
    assert login(client, "guan", user.password).status_code == 200  # nothing changed


def test_an_admin_setting_a_password_makes_the_user_change_it(client, admin_headers, make_user):
    user = make_user("liaison", "li")
    client.patch(f"/api/v1/users/{user.id}", headers=admin_headers,
                 json={"password": "brand-new-pass", "phone": "010-6600 1234"})
    token = login(client, "li", "brand-new-pass").get_json()
    assert token["user"]["must_change_password"] is True
    assert token["user"]["phone"] == "010-6600 1234"


def test_account_list_shows_places_and_filters(client, admin_headers, make_user):
    make_user("liaison", "li", streets=["110102001000"], communities=["110102003015"])
    make_user("liaison", "old", streets=["110102001000"], end_date=date(2022, 3, 31))
    make_user("official", "guan", display_name="区民政局")
    body = client.get("/api/v1/users?role=liaison", headers=admin_headers).get_json()
    by_name = {u["username"]: u for u in body["items"]}
    assert [(p["street_name"], p["community_code"]) for p in by_name["li"]["places"]] == [
        ("西长安街街道", None), (None, "110102003015")]
    assert by_name["li"]["places"][1]["community_name"]
    assert by_name["old"]["places"] == []  # ended: not a place of today
    assert client.get("/api/v1/users?q=民政", headers=admin_headers).get_json()["total"] == 1
    assert client.get("/api/v1/users?q=%25", headers=admin_headers).get_json()["total"] == 0
    assert client.get("/api/v1/users?q=", headers=admin_headers).status_code == 422


@pytest.mark.parametrize("body,field", [
    ({"username": "okname", "role": "liaison", "phone": "abc"}, "phone"),
    ({"username": "okname", "role": "liaison", "phone": "1" * 40}, "phone"),
])
def test_a_bad_phone_is_422(client, admin_headers, body, field):
    response = client.post("/api/v1/users", headers=admin_headers, json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]["json"]


@pytest.mark.parametrize("role", ["liaison", "official"])
def test_only_admins_reset_passwords(client, make_user, auth_headers, role):
    target = make_user("liaison", "li2")
    caller = make_user(role, "caller")
    response = client.post(f"/api/v1/users/{target.id}/password-reset",
                           headers=auth_headers(caller))
    assert response.status_code == 403
    assert login(client, "li2", target.password).status_code == 200


def test_the_last_admin_refusal_names_the_field(client, admin, admin_headers):
    response = client.patch(f"/api/v1/users/{admin.id}", headers=admin_headers,
                            json={"active": False})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["active"] == ["不能停用自己的账号"]
