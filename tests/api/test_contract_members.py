"""A role per contract (#17 point 1): the 2022 roles stay what they were; the 2023 content
contract has members (editors, the editors' lead, the client's reviewer and approver, officials
who read), given by an admin. A user sees only the contracts they belong to, and a content
account reaches nothing of the district's promotion work."""

import io

import pytest
import yaml

CONTENT = "planning-media-2023"
DISTRICT = "xicheng-2022"


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed-district"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def editor(make_user, auth_headers):
    user = make_user("content", "bianji", display_name="编辑甲")
    return user, auth_headers(user)


def join(client, admin_headers, user_id: int, role: str, key: str = CONTENT):
    return client.put(f"/api/v1/contracts/{key}/members/{user_id}", headers=admin_headers,
                      json={"role": role})


def keys(client, headers) -> list[tuple[str, str]]:
    return [(c["key"], c["my_role"]) for c in
            client.get("/api/v1/contracts", headers=headers).get_json()]


def test_a_content_account_sees_only_the_contract_it_was_given(
        seeded, client, admin_headers, editor):
    user, headers = editor
    assert keys(client, headers) == []
    assert client.get(f"/api/v1/contracts/{CONTENT}", headers=headers).status_code == 404
    given = join(client, admin_headers, user.id, "editor")
    assert given.status_code == 200, given.get_json()
    assert given.get_json()["role"] == "editor" and given.get_json()["username"] == "bianji"
    assert keys(client, headers) == [(CONTENT, "editor")]
    detail = client.get(f"/api/v1/contracts/{CONTENT}", headers=headers)
    assert detail.status_code == 200 and detail.get_json()["my_role"] == "editor"
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["role"] == "content"
    assert [(c["key"], c["role"]) for c in me["contracts"]] == [(CONTENT, "editor")]
    # Its calendar, yes; the district contract's (the one in force), no: it does not exist
    # for this account.
    own = client.get(f"/api/v1/calendar?from=2023-10-01&to=2023-10-08&contract={CONTENT}",
                     headers=headers)
    assert own.status_code == 200 and own.get_json()["working_days"] == 2
    district = client.get("/api/v1/calendar?from=2022-10-01&to=2022-10-08", headers=headers)
    assert district.status_code == 404
    assert client.get(f"/api/v1/contracts/{DISTRICT}", headers=headers).status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/streets", "/api/v1/dashboard/users", "/api/v1/visits",
                                 "/api/v1/targets", "/api/v1/contracts/current",
                                 "/api/v1/users", "/api/v1/reports/weekly"])
def test_a_content_account_reaches_nothing_of_the_district_work(
        seeded, client, admin_headers, editor, url):
    user, headers = editor
    assert join(client, admin_headers, user.id, "editor_lead").status_code == 200
    refused = client.get(url, headers=headers)
    assert refused.status_code == 403
    assert refused.get_json()["message"] == "内容运营账号只能使用所属合同的功能"


def test_the_2022_roles_stay_and_admins_belong_everywhere(
        seeded, client, admin_headers, liaison_headers, make_user, auth_headers):
    assert keys(client, admin_headers) == [(DISTRICT, "admin"), (CONTENT, "admin")]
    assert keys(client, liaison_headers) == [(DISTRICT, "liaison")]
    official = auth_headers(make_user("official", "guan"))
    assert keys(client, official) == [(DISTRICT, "official")]
    me = client.get("/api/v1/me", headers=liaison_headers).get_json()
    assert me["role"] == "liaison" and [c["key"] for c in me["contracts"]] == [DISTRICT]
    # The district work answers them as before.
    assert client.get("/api/v1/targets", headers=official).status_code == 200


def test_an_official_joins_the_content_contract_to_read_it_and_leaves_it(
        seeded, client, admin_headers, make_user, auth_headers):
    user = make_user("official", "guan")
    headers = auth_headers(user)
    refused = join(client, admin_headers, user.id, "client_approver")
    assert refused.status_code == 422 and "只能查看" in refused.get_json()["errors"]["json"][
        "role"][0]
    assert join(client, admin_headers, user.id, "official").status_code == 200
    assert keys(client, headers) == [(DISTRICT, "official"), (CONTENT, "official")]
    members = client.get(f"/api/v1/contracts/{CONTENT}/members", headers=admin_headers)
    assert [(m["username"], m["role"]) for m in members.get_json()] == [("guan", "official")]
    left = client.delete(f"/api/v1/contracts/{CONTENT}/members/{user.id}", headers=admin_headers)
    assert left.status_code == 204
    assert keys(client, headers) == [(DISTRICT, "official")]
    again = client.delete(f"/api/v1/contracts/{CONTENT}/members/{user.id}", headers=admin_headers)
    assert again.status_code == 404


def test_a_role_change_is_kept_in_the_history(seeded, client, admin_headers, editor, app):
    user, headers = editor
    assert join(client, admin_headers, user.id, "editor").status_code == 200
    assert join(client, admin_headers, user.id, "client_reviewer").status_code == 200
    assert keys(client, headers) == [(CONTENT, "client_reviewer")]
    from models import AuditEntry, db
    with app.app_context():
        changes = [e.changes["role"] for e in db.session.query(AuditEntry).filter_by(
            entity_type="contract_member").order_by(AuditEntry.id)]
    assert changes == [[None, "editor"], ["editor", "client_reviewer"]]


@pytest.mark.parametrize(("key", "who", "role", "status", "field"), [
    (CONTENT, "content", "chief", 422, "role"),  # not a role at all
    (DISTRICT, "content", "editor", 422, "role"),  # the district contract has no members
    (CONTENT, "liaison", "editor", 422, "user_id"),  # a district account is not a member
    (CONTENT, "admin", "editor", 422, "user_id"),  # admins belong already
    ("nothing-2099", "content", "editor", 404, None),
])
def test_refused_memberships_name_what_is_wrong(seeded, client, admin_headers, make_user, key,
                                                who, role, status, field):
    user = make_user(who)
    answer = join(client, admin_headers, user.id, role, key)
    assert answer.status_code == status, answer.get_json()
    if field:
        assert field in answer.get_json()["errors"]["json"]
    assert client.get(f"/api/v1/contracts/{CONTENT}/members",
                      headers=admin_headers).get_json() == []


def test_only_admins_manage_members(seeded, client, editor, liaison_headers, make_user,
                                    auth_headers, admin_headers):
    user, headers = editor
    assert join(client, admin_headers, user.id, "editor_lead").status_code == 200
    for caller in (headers, liaison_headers, auth_headers(make_user("official"))):
        assert join(client, caller, user.id, "editor").status_code == 403
        assert client.get(f"/api/v1/contracts/{CONTENT}/members",
                          headers=caller).status_code == 403
    assert client.put("/api/v1/contracts/x/members/99999", headers=admin_headers,
                      json={"role": "editor"}).status_code == 404


def test_a_contract_file_with_an_unknown_role_is_refused(client, admin_headers):
    data = yaml.safe_load(open("data/contracts/bjghzy-2023.yaml", encoding="utf-8"))
    data["roles"] = ["editor", "chief"]
    content = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    refused = client.post("/api/v1/contracts", headers=admin_headers,
                          content_type="multipart/form-data",
                          data={"file": (io.BytesIO(content), "contract.yaml")})
    assert refused.status_code == 422
    assert "未知角色：chief" in refused.get_json()["errors"]["json"]["roles"][0]
