"""Admins manage accounts; nobody else may."""

import pytest
from werkzeug.security import generate_password_hash

from models import AuditEntry, User, db


def test_admin_creates_lists_and_updates_users(client, admin_headers, admin):
    created = client.post("/api/v1/users", headers=admin_headers, json={
        "username": "wang.li", "password": "a-good-password", "role": "liaison",
        "display_name": "王力"})
    assert created.status_code == 201
    user = created.get_json()
    assert user["role"] == "liaison" and user["display_name"] == "王力" and user["active"]
    listed = client.get("/api/v1/users?role=liaison", headers=admin_headers).get_json()
    assert [u["username"] for u in listed["items"]] == ["wang.li"] and listed["total"] == 1
    patched = client.patch(f"/api/v1/users/{user['id']}", headers=admin_headers,
                           json={"role": "official", "display_name": "王官员"})
    assert patched.get_json()["role"] == "official"
    assert client.get(f"/api/v1/users/{user['id']}", headers=admin_headers
                      ).get_json()["display_name"] == "王官员"


def test_user_changes_are_recorded(app, client, admin_headers, make_user):
    user = make_user("liaison", "li")
    client.patch(f"/api/v1/users/{user.id}", headers=admin_headers, json={"role": "official"})
    with app.app_context():
        entries = db.session.query(AuditEntry).filter_by(entity_type="user",
                                                         entity_id=str(user.id)).all()
        assert [e.action for e in entries] == ["create", "update"]
        assert entries[1].changes == {"role": ["liaison", "official"]}
        assert entries[1].actor.username == "admin"


def test_duplicate_username_is_409(client, admin_headers, make_user):
    make_user("liaison", "li")
    response = client.post("/api/v1/users", headers=admin_headers, json={
        "username": "li", "password": "a-good-password", "role": "liaison"})
    assert response.status_code == 409
    assert "username" in response.get_json()["errors"]


@pytest.mark.parametrize("body,field", [
    ({"username": "x", "password": "a-good-password", "role": "liaison"}, "username"),
    ({"username": "okname", "password": "short", "role": "liaison"}, "password"),
    ({"username": "okname", "password": "a-good-password", "role": "king"}, "role"),
    ({"username": "okname", "password": "a-good-password", "role": "liaison", "x": 1}, "x"),
    ({"username": 5, "password": "a-good-password", "role": "liaison"}, "username"),
])
def test_invalid_user_bodies_are_422_naming_the_field(client, admin_headers, body, field):
    response = client.post("/api/v1/users", headers=admin_headers, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert field in response.get_json()["message"]


@pytest.mark.parametrize("password,why", [
    ("short-pw1", "10"),
    ("password123", "常见密码"),
    ("qwertyuiop123", "常见密码"),
    ("zhang.wei2022", "用户名或姓名"),
    ("张伟张伟张伟张伟张伟", "用户名或姓名"),
    ("aaaaaaaaaaaa", "重复"),
    ("abcdefghijkl", "容易被猜到"),
])
def test_guessable_passwords_are_422_saying_why(client, admin_headers, password, why):
    response = client.post("/api/v1/users", headers=admin_headers, json={
        "username": "zhang.wei", "password": password, "role": "liaison",
        "display_name": "张伟"})
    assert response.status_code == 422
    body = response.get_json()
    assert "password" in body["errors"]["json"] and why in body["errors"]["json"]["password"][0]
    assert body["message"].startswith("password") and why in body["message"]


def test_a_new_password_is_held_to_the_same_rules_with_the_new_name(
        client, admin_headers, make_user):
    user = make_user("liaison", "li")
    response = client.patch(f"/api/v1/users/{user.id}", headers=admin_headers,
                            json={"display_name": "王芳", "password": "王芳王芳王芳王芳王芳"})
    assert response.status_code == 422
    assert "用户名或姓名" in response.get_json()["errors"]["json"]["password"][0]
    login = client.post("/api/v1/auth/login", json={"username": "li", "password": user.password})
    assert login.status_code == 200  # nothing changed, the old password included
    assert login.get_json()["user"]["display_name"] == user.display_name


def test_an_account_with_an_older_weak_password_still_logs_in(app, client):
    with app.app_context():
        db.session.add(User(username="old", display_name="老账号", role="liaison",
                            password_hash=generate_password_hash("abc12345")))
        db.session.commit()
    response = client.post("/api/v1/auth/login", json={"username": "old", "password": "abc12345"})
    assert response.status_code == 200


@pytest.mark.parametrize("change,field", [({"active": False}, "active"),
                                          ({"role": "official"}, "role")])
def test_an_admin_cannot_disable_or_demote_themselves(client, admin, admin_headers, change,
                                                      field):
    response = client.patch(f"/api/v1/users/{admin.id}", headers=admin_headers, json=change)
    assert response.status_code == 422
    body = response.get_json()
    assert field in body["errors"]["json"] and body["message"].startswith(field)
    assert "自己" in body["message"]
    me = client.get("/api/v1/me", headers=admin_headers).get_json()
    assert me["active"] and me["role"] == "admin"


def test_an_admin_may_disable_another_admin(client, admin_headers, make_user):
    other = make_user("admin", "admin2")
    response = client.patch(f"/api/v1/users/{other.id}", headers=admin_headers,
                            json={"active": False})
    assert response.status_code == 200 and response.get_json()["active"] is False


@pytest.mark.parametrize("role", ["liaison", "official"])
@pytest.mark.parametrize("method,path", [
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/1"),
    ("patch", "/api/v1/users/1"),
    ("post", "/api/v1/assignments"),
    ("delete", "/api/v1/assignments/1"),
])
def test_non_admins_cannot_call_admin_endpoints(client, make_user, auth_headers, role, method,
                                                path):
    headers = auth_headers(make_user(role))
    response = getattr(client, method)(path, headers=headers, json={})
    assert response.status_code == 403
    assert response.get_json()["code"] == 403


def test_unknown_user_id_is_404_and_huge_id_is_not_a_500(client, admin_headers):
    assert client.get("/api/v1/users/999999", headers=admin_headers).status_code == 404
    assert client.get("/api/v1/users/99999999999999999999999",
                      headers=admin_headers).status_code == 404


def test_create_user_command_reads_password_from_stdin(runner, client):
    result = runner.invoke(args=["create-user", "chen", "--role", "official",
                                 "--display-name", "陈", "--password-stdin"],
                           input="stdin-password-1\n")
    assert result.exit_code == 0, result.output
    assert "stdin-password-1" not in result.output
    login = client.post("/api/v1/auth/login",
                        json={"username": "chen", "password": "stdin-password-1"})
    assert login.status_code == 200 and login.get_json()["user"]["display_name"] == "陈"


def test_create_user_command_refuses_a_common_password(runner):
    result = runner.invoke(args=["create-user", "chen", "--role", "admin", "--password-stdin"],
                           input="password123\n")
    assert result.exit_code != 0
    assert "常见密码" in result.output


def test_create_user_command_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-user", "chen", "--role", "admin", "--password-stdin"],
                           input="short\n")
    assert result.exit_code != 0
    assert "密码" in result.output
