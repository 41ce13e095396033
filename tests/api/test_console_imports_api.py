"""The console's user-count import through the API: a preview that lists refused rows
instead of refusing the file, an import of the other rows, and each import's detail."""

import csv
import io

import pytest

from tests.api.test_user_counts import FUYOUJIE, XIJIAO, post_counts, upload, xlsx

MESSY = [["西城区 实名认证用户数导出", None, None, None],
         ["统计日期", "2022-05-20", None, None],
         ["街道", "社区（居委会）", "注册用户数", "实名认证用户数"],
         ["西长安街街道", "府右街南社区", 150, 90],
         ["西长安街", " 西交民巷社区居委会 ", "300", "200"],
         ["西长安街街道", "没有这个社区", 10, 5],
         ["西长安街街道", "六部口社区", 20, 40]]


def test_a_preview_lists_refused_rows_and_the_import_stores_the_rest(app, client,
                                                                      admin_headers):
    assert post_counts(client, admin_headers, "2022-05-10",
                       [(FUYOUJIE, 100, 50), (XIJIAO, 290, 195)]).status_code == 201
    data = xlsx(MESSY)
    preview = upload(client, admin_headers, data, dry_run="true", skip_refused="true")
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    assert (body["rows"], body["communities"], body["registered"], body["verified"]) == (
        4, 2, 450, 290)
    assert body["date"] == "2022-05-20" and body["refused_rows"] == 2
    assert [(r["row"], r["column"]) for r in body["refused"]] == [(6, "社区"),
                                                                  (7, "实名认证用户数")]
    assert "没有这个社区" in body["refused"][0]["reason"]
    # The largest change first: 府右街南 gains 40 verified users, 西交民巷 5.
    assert [d["community_code"] for d in body["differences"]] == [FUYOUJIE, XIJIAO]
    imports = client.get("/api/v1/user-counts/imports", headers=admin_headers).get_json()
    assert imports["total"] == 1  # the preview stored nothing

    # Without skip_refused the file is refused as a whole, as before.
    assert upload(client, admin_headers, data).status_code == 422
    stored = upload(client, admin_headers, data, skip_refused="true")
    assert stored.status_code == 201
    detail = client.get(f"/api/v1/user-counts/imports/{stored.get_json()['import_id']}",
                        headers=admin_headers).get_json()
    assert detail["record"]["filename"] == "export.xlsx"
    assert detail["record"]["username"] == "admin" and detail["record"]["refused_rows"] == 2
    assert [(c["community_code"], c["registered"], c["verified"]) for c in detail["counts"]] == [
        (FUYOUJIE, 150, 90), (XIJIAO, 300, 200)]
    assert [r["row"] for r in detail["refusals"]] == [6, 7]
    dashboard = client.get("/api/v1/dashboard/users?as_of=2022-05-20",
                           headers=admin_headers).get_json()
    assert (dashboard["registered"], dashboard["verified"]) == (450, 290)


def test_a_file_of_refused_rows_only_imports_nothing(client, admin_headers):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["社区", "注册用户数", "实名认证用户数"], ["无此社区", 1, 1]])
    response = upload(client, admin_headers, buffer.getvalue().encode(), name="x.csv",
                      date="2022-05-20", skip_refused="true")
    assert response.status_code == 422 and "file" in response.get_json()["errors"]["files"]
    assert client.get("/api/v1/user-counts/imports", headers=admin_headers
                      ).get_json()["total"] == 0


def test_an_unknown_import_is_404_and_a_bad_flag_is_422(client, admin_headers):
    assert client.get("/api/v1/user-counts/imports/77", headers=admin_headers
                      ).status_code == 404
    response = upload(client, admin_headers, xlsx(MESSY), skip_refused="maybe")
    assert response.status_code == 422 and "skip_refused" in response.get_json()["errors"]["form"]


@pytest.mark.parametrize("role", ["liaison", "official"])
def test_only_admins_import(client, make_user, auth_headers, role):
    response = upload(client, auth_headers(make_user(role)), xlsx(MESSY), dry_run="true",
                      skip_refused="true")
    assert response.status_code == 403
