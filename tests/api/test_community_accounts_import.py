"""Community accounts in bulk from a spreadsheet: a dry run first, then all or none."""

import io

from openpyxl import Workbook

HOME, NEIGHBOUR = "110102001004", "110102001007"


def sheet(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, headers, data: bytes, dry_run: bool, name="社区账号.xlsx"):
    return client.post("/api/v1/users/community-import", headers=headers,
                       data={"file": (io.BytesIO(data), name),
                             "dry_run": "true" if dry_run else "false"},
                       content_type="multipart/form-data")


GOOD = sheet(["社区编码", "社区", "姓名", "手机", "邮箱"],
             [HOME, None, "张书记", "13800000001", "zhang@example.org"],
             [None, "西交民巷社区", "李社工", "138 0000 0002", None],
             [HOME, None, "王社工", "13800000003", None])


def test_a_dry_run_lists_the_accounts_and_stores_nothing(client, admin_headers):
    answer = upload(client, admin_headers, GOOD, dry_run=True)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["dry_run"] is True and body["rows"] == 3
    assert [(a["username"], a["community_code"], a["display_name"]) for a in body["accounts"]] \
        == [("13800000001", HOME, "张书记"), ("13800000002", NEIGHBOUR, "李社工"),
            ("13800000003", HOME, "王社工")]
    assert all(a["one_time_password"] is None for a in body["accounts"])
    users = client.get("/api/v1/users?role=community", headers=admin_headers).get_json()
    assert users["total"] == 0


def test_the_import_opens_every_account_with_a_one_time_password(client, admin_headers):
    answer = upload(client, admin_headers, GOOD, dry_run=False)
    assert answer.status_code == 201, answer.get_json()
    accounts = answer.get_json()["accounts"]
    assert len({a["one_time_password"] for a in accounts}) == 3
    first = accounts[0]
    login = client.post("/api/v1/auth/login", json={"username": first["username"],
                                                    "password": first["one_time_password"]})
    assert login.status_code == 200
    user = login.get_json()["user"]
    assert user["must_change_password"] is True and user["community_code"] == HOME
    assert user["email"] == "zhang@example.org"
    # The same file again: every username is taken now, nothing more is created.
    again = upload(client, admin_headers, GOOD, dry_run=False)
    assert again.status_code == 422
    assert {r["row"] for r in again.get_json()["errors"]["files"]["rows"]} == {2, 3, 4}
    users = client.get("/api/v1/users?role=community", headers=admin_headers).get_json()
    assert users["total"] == 3


def test_a_bad_row_refuses_the_whole_file_naming_the_rows(client, admin_headers):
    data = sheet(["社区编码", "社区", "姓名", "手机", "邮箱"],
                 [HOME, None, "张书记", "13800000001", None],
                 ["110102999999", None, "无名", "13800000009", None],
                 [None, "不存在社区", "赵社工", "13800000010", None],
                 [HOME, None, None, "13800000011", None],
                 [HOME, None, "钱社工", "13800000001", None],
                 [HOME, None, "孙社工", "13800000012", "not-an-address"],
                 [HOME, None, "周社工", None, None])
    for dry_run in (True, False):
        answer = upload(client, admin_headers, data, dry_run=dry_run)
        assert answer.status_code == 422, answer.get_json()
        rows = answer.get_json()["errors"]["files"]["rows"]
        assert [(r["row"], r["column"]) for r in rows] == [
            (3, "社区编码"), (4, "社区"), (5, "姓名"), (6, "用户名"), (7, "邮箱"), (8, "用户名")]
    assert client.get("/api/v1/users?role=community",
                      headers=admin_headers).get_json()["total"] == 0


def test_files_that_are_not_account_sheets_are_refused(client, admin_headers, make_user,
                                                       auth_headers):
    no_header = upload(client, admin_headers, sheet(["a", "b"], [1, 2]), dry_run=True)
    assert no_header.status_code == 400 and "找不到表头" in no_header.get_json()["message"]
    garbage = upload(client, admin_headers, b"PK\x03\x04broken", dry_run=True)
    assert garbage.status_code in (400, 422)
    official = auth_headers(make_user("official"))
    assert upload(client, official, GOOD, dry_run=True).status_code == 403


def test_text_that_cannot_be_stored_is_a_row_error(client, admin_headers):
    data = ("社区编码,姓名,手机,邮箱\n"
            f"{HOME},张\x01书记,13800000001,\n"
            f"{HOME},李社工,13800000002,li\x7f@example.org\n").encode()
    answer = upload(client, admin_headers, data, dry_run=False, name="社区账号.csv")
    assert answer.status_code == 422, answer.get_json()
    rows = answer.get_json()["errors"]["files"]["rows"]
    assert [(r["row"], r["column"]) for r in rows] == [(2, "姓名"), (3, "邮箱")]
    assert client.get("/api/v1/users?role=community",
                      headers=admin_headers).get_json()["total"] == 0


def test_a_file_past_the_row_limit_is_refused_whole(client, admin_headers):
    lines = ["社区编码,姓名,手机"] + [f"{HOME},社工{n},1390000{n:04d}" for n in range(1001)]
    answer = upload(client, admin_headers, "\n".join(lines).encode(), dry_run=True,
                    name="社区账号.csv")
    assert answer.status_code == 422 and "1000 行" in answer.get_json()["message"]


def test_the_command_line_opens_a_community_account(runner, client, admin_headers):
    refused = runner.invoke(args=["create-user", "sq-cli", "--role", "community",
                                  "--password-stdin"], input="lantern-orbit-teapot-49\n")
    assert refused.exit_code != 0 and "社区账号必须指定所属社区" in refused.output
    made = runner.invoke(args=["create-user", "sq-cli", "--role", "community",
                               "--community-code", HOME, "--password-stdin"],
                         input="lantern-orbit-teapot-49\n")
    assert made.exit_code == 0, made.output
    user = client.get("/api/v1/users?q=sq-cli", headers=admin_headers).get_json()["items"][0]
    assert user["community_code"] == HOME
