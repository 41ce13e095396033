"""User counts through the API and the CLI: the sum-of-latest rule, all-or-nothing imports,
re-imports, and the dashboard against an independent computation."""

import io
import random
import re
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import Workbook

from exports.user_count_file import MAX_CELL_CHARS, MAX_ROWS
from models import Community, UserCount, UserCountImport, db
from service.progress.user_counts import MAX_COUNT, MAX_LISTED_ERRORS, apportion

FUYOUJIE, XIJIAO, LIUBUKOU = "110102001004", "110102001007", "110102001012"
XICHANG = "110102001000"


def post_counts(client, headers, day, items):
    return client.post("/api/v1/user-counts", headers=headers, json={
        "date": day, "items": [{"community_code": c, "registered": r, "verified": v}
                               for c, r, v in items]})


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, headers, data, name="export.xlsx", **form):
    return client.post("/api/v1/user-counts/import", headers=headers,
                       data={"file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data")


def series(client, headers, query):
    return client.get(f"/api/v1/dashboard/users/series?{query}", headers=headers).get_json()


def test_sum_of_latest_counts_carries_missing_dates_forward(client, admin_headers):
    assert post_counts(client, admin_headers, "2022-05-01",
                       [(FUYOUJIE, 100, 50), (XIJIAO, 200, 80)]).status_code == 201
    post_counts(client, admin_headers, "2022-05-03", [(FUYOUJIE, 120, 60)])
    post_counts(client, admin_headers, "2022-05-05", [(XIJIAO, 260, 90), (LIUBUKOU, 10, 1)])
    items = series(client, admin_headers, "from=2022-04-30&to=2022-05-06")["items"]
    assert [(p["date"], p["registered"], p["verified"]) for p in items] == [
        ("2022-04-30", 0, 0), ("2022-05-01", 300, 130), ("2022-05-02", 300, 130),
        ("2022-05-03", 320, 140), ("2022-05-04", 320, 140), ("2022-05-05", 390, 151),
        ("2022-05-06", 390, 151)]
    street = series(client, admin_headers, f"street_code={XICHANG}&from=2022-05-05&to=2022-05-05")
    assert street["items"][0]["verified"] == 151
    one = series(client, admin_headers, f"community_code={XIJIAO}&from=2022-05-04&to=2022-05-05")
    assert [p["verified"] for p in one["items"]] == [80, 90]
    weekly = series(client, admin_headers, "from=2022-04-30&to=2022-05-14&step=week")
    assert [p["date"] for p in weekly["items"]] == ["2022-04-30", "2022-05-07", "2022-05-14"]
    dashboard = client.get("/api/v1/dashboard/users?as_of=2022-05-04",
                           headers=admin_headers).get_json()
    assert (dashboard["registered"], dashboard["verified"]) == (320, 140)


@pytest.mark.parametrize("items,field", [
    ([(FUYOUJIE, 10, 20)], "items.0.verified"),
    ([(FUYOUJIE, 10, 5), (FUYOUJIE, 10, 5)], "items.1.community_code"),
    ([("110102999999", 10, 5)], "items.0.community_code"),
])
def test_bad_posted_counts_store_nothing(app, client, admin_headers, items, field):
    response = post_counts(client, admin_headers, "2022-05-01", items)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    with app.app_context():
        assert db.session.query(UserCount).count() == 0


def test_negative_counts_are_refused_by_validation(client, admin_headers):
    response = post_counts(client, admin_headers, "2022-05-01", [(FUYOUJIE, -1, 0)])
    assert response.status_code == 422


def test_only_admins_write_counts_and_everyone_reads_the_dashboard(client, make_user,
                                                                    auth_headers):
    liaison = auth_headers(make_user("liaison", streets=[XICHANG]))
    official = auth_headers(make_user("official"))
    assert post_counts(client, liaison, "2022-05-01", [(FUYOUJIE, 1, 1)]).status_code == 403
    assert post_counts(client, official, "2022-05-01", [(FUYOUJIE, 1, 1)]).status_code == 403
    assert upload(client, official, xlsx([["社区"]])).status_code == 403
    assert client.get("/api/v1/dashboard/users", headers=official).status_code == 200
    assert client.get("/api/v1/dashboard/users", headers=liaison).status_code == 200


def test_a_messy_export_imports_by_name_and_the_import_is_recorded(client, admin_headers):
    data = xlsx([["西城家园各社区用户数（2022年5月16日）"], [],
                 ["街道", "社区", "注册用户数", "实名认证用户数"],
                 ["西长安街街道", "府右街南社区居委会", "1,200", "８００"],
                 [" 西长安街街道", "西交民巷", 300, 100], [None, None, None, None]])
    response = upload(client, admin_headers, data)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["date"] == "2022-05-16" and body["communities"] == 2
    assert (body["registered"], body["verified"]) == (1500, 900)
    imports = client.get("/api/v1/user-counts/imports", headers=admin_headers).get_json()
    record = imports["items"][0]
    assert record["filename"] == "export.xlsx" and record["rows"] == 2
    assert record["username"] == "admin" and len(record["checksum"]) == 64


def test_an_ambiguous_name_is_matched_within_its_street(client, admin_headers, app):
    # The real district has no two communities of one name; make a twin in 什刹海.
    with app.app_context():
        db.session.get(Community, "110102012001").name = "府右街南社区居委会"
        db.session.commit()
    header = ["街道", "社区", "注册用户数", "实名认证用户数"]
    without_street = upload(client, admin_headers, xlsx([header, [None, "府右街南", 5, 1]]),
                            date="2022-05-16")
    assert without_street.status_code == 422
    assert "不唯一" in without_street.get_json()["errors"]["files"]["rows"][0]["reason"]
    with_street = upload(client, admin_headers,
                         xlsx([header, ["什刹海街道", "府右街南", 5, 1]]), date="2022-05-16")
    assert with_street.status_code == 201
    with app.app_context():
        assert db.session.query(UserCount).one().community_code == "110102012001"


@pytest.mark.parametrize("row,column,fragment", [
    (["西长安街街道", "不存在的社区", 10, 5], "社区", "找不到社区"),
    (["西长安街街道", "府右街南", "", 5], "注册用户数", "缺少数值"),
    (["西长安街街道", "府右街南", -3, 0], "注册用户数", "负数"),
    (["西长安街街道", "府右街南", "很多", 0], "注册用户数", "数字"),
    (["西长安街街道", "府右街南", 10, 50], "实名认证用户数", "大于"),
    (["西长安街街道", "西交民巷", 10, 5], "社区", "重复"),
])
def test_any_bad_row_refuses_the_whole_file_listing_it(app, client, admin_headers, row,
                                                       column, fragment):
    data = xlsx([["街道", "社区", "注册用户数", "实名认证用户数"],
                 ["西长安街街道", "西交民巷", 300, 100], row])
    response = upload(client, admin_headers, data, date="2022-05-16")
    assert response.status_code == 422
    rows = response.get_json()["errors"]["files"]["rows"]
    assert [(r["row"], r["column"]) for r in rows] == [(3, column)]
    assert fragment in rows[0]["reason"]
    with app.app_context():
        assert db.session.query(UserCount).count() == 0


def test_every_bad_row_is_listed(client, admin_headers):
    data = xlsx([["街道", "社区", "注册用户数", "实名认证用户数"],
                 ["西长安街街道", "府右街南", "x", 1], ["西长安街街道", "无名", 1, 1],
                 ["西长安街街道", "西交民巷", 1, 2]])
    rows = upload(client, admin_headers, data, date="2022-05-16").get_json()[
        "errors"]["files"]["rows"]
    assert [r["row"] for r in rows] == [2, 3, 4]


@pytest.mark.parametrize("data,name", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png"),
    (b"PK\x03\x04garbage", "export.xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.xls"),
])
def test_a_file_that_is_not_a_spreadsheet_is_400(client, admin_headers, data, name):
    response = upload(client, admin_headers, data, name=name, date="2022-05-16")
    assert response.status_code == 400
    assert "file" in response.get_json()["errors"]


def test_a_too_large_file_is_413(client, admin_headers):
    response = upload(client, admin_headers, b"0" * (3 * 1024 * 1024), name="big.csv")
    assert response.status_code == 413


def test_missing_file_or_date_is_422_naming_the_field(client, admin_headers):
    no_file = client.post("/api/v1/user-counts/import", headers=admin_headers,
                          data={"date": "2022-05-16"}, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "file" in no_file.get_json()["errors"]["files"]
    undated = upload(client, admin_headers, xlsx([["社区", "注册用户数", "实名认证用户数"],
                                                  ["府右街南", 1, 1]]))
    assert undated.status_code == 422 and "date" in undated.get_json()["errors"]["json"]


def test_dry_run_reports_differences_and_stores_nothing(app, client, admin_headers):
    post_counts(client, admin_headers, "2022-05-15", [(FUYOUJIE, 100, 50), (XIJIAO, 10, 5)])
    data = xlsx([["社区", "注册用户数", "实名认证用户数"], ["府右街南", 120, 60],
                 ["西交民巷", 10, 5]])
    response = upload(client, admin_headers, data, date="2022-05-16", dry_run="true")
    assert response.status_code == 200
    body = response.get_json()
    assert body["dry_run"] is True and body["import_id"] is None
    assert body["differences"] == [{"community_code": FUYOUJIE,
                                    "community_name": "府右街南社区居委会",
                                    "registered_before": 100, "registered": 120,
                                    "verified_before": 50, "verified": 60}]
    with app.app_context():
        assert db.session.query(UserCount).filter_by(date=date(2022, 5, 16)).count() == 0


def test_importing_a_date_again_replaces_it(app, client, admin_headers):
    first = xlsx([["社区", "注册用户数", "实名认证用户数"], ["府右街南", 100, 50],
                  ["西交民巷", 10, 5]])
    second = xlsx([["社区", "注册用户数", "实名认证用户数"], ["府右街南", 150, 70]])
    assert upload(client, admin_headers, first, date="2022-05-16").status_code == 201
    assert upload(client, admin_headers, first, date="2022-05-16").status_code == 201
    with app.app_context():
        assert db.session.query(UserCount).count() == 2
    upload(client, admin_headers, second, date="2022-05-16")
    with app.app_context():
        stored = {(c.community_code, c.registered) for c in db.session.query(UserCount)}
    assert stored == {(FUYOUJIE, 150)}
    assert client.get("/api/v1/user-counts/imports",
                      headers=admin_headers).get_json()["total"] == 3


def test_the_cli_imports_with_a_summary_and_refuses_bad_files(runner, tmp_path, app):
    good = tmp_path / "good.csv"
    good.write_text("社区,注册用户数,实名认证用户数\n府右街南,100,50\n西交民巷,\"1,000\",500\n",
                    encoding="utf-8")
    result = runner.invoke(args=["import-user-counts", str(good), "--date", "2022-05-16"])
    assert result.exit_code == 0, result.output
    assert "stored 2 communities for 2022-05-16" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("社区,注册用户数,实名认证用户数\n府右街南,100,500\n", encoding="utf-8")
    refused = runner.invoke(args=["import-user-counts", str(bad), "--date", "2022-05-17"])
    assert refused.exit_code != 0 and "第 2 行" in refused.output
    with app.app_context():
        assert db.session.query(UserCount).count() == 2


def test_apportioned_street_targets_add_up_exactly():
    parts = apportion(350_000, {"a": 11, "b": 21, "c": 26, "d": 7})
    assert sum(parts.values()) == 350_000
    assert parts["b"] > parts["a"] > parts["d"]


def test_dashboard_matches_an_independent_computation(app, client, admin_headers):
    rng = random.Random(7)
    with app.app_context():
        communities = [(c.code, c.street_code) for c in db.session.query(Community)]
    start = date(2022, 3, 15)
    history = {}  # code -> {day: (registered, verified)}
    rows = []
    for code, _street in communities:
        verified = rng.randint(100, 800)
        for offset in range(0, 70):
            if rng.random() < 0.3:  # a missing or late export
                continue
            verified += rng.randint(0, 20)
            registered = verified + rng.randint(0, 300)
            day = start + timedelta(days=offset)
            history.setdefault(code, {})[day] = (registered, verified)
            rows.append({"community_code": code, "date": day, "registered": registered,
                         "verified": verified})
    with app.app_context():
        db.session.execute(UserCount.__table__.insert(), rows)
        db.session.commit()

    def latest(code, day):
        days = [d for d in history.get(code, {}) if d <= day]
        return history[code][max(days)] if days else (0, 0)
    as_of = start + timedelta(days=60)
    body = client.get(f"/api/v1/dashboard/users?as_of={as_of}", headers=admin_headers).get_json()
    expected_verified = sum(latest(c, as_of)[1] for c, _ in communities)
    week_ago = sum(latest(c, as_of - timedelta(days=7))[1] for c, _ in communities)
    month_ago = sum(latest(c, as_of - timedelta(days=28))[1] for c, _ in communities)
    assert body["verified"] == expected_verified
    assert body["registered"] == sum(latest(c, as_of)[0] for c, _ in communities)
    assert body["growth_1w"] == expected_verified - week_ago
    assert body["growth_4w"] == expected_verified - month_ago
    assert body["target"] == 350_000
    assert body["progress"] == round(expected_verified / 350_000, 4)
    days_left = (date(2023, 3, 15) - as_of).days
    assert body["needed_weekly"] == -(-(350_000 - expected_verified) * 7 // days_left)
    pace = (expected_verified - month_ago) / 28
    projected = as_of + timedelta(days=-(-(350_000 - expected_verified) // pace))
    assert abs((date.fromisoformat(body["projected_date"]) - projected).days) <= 1
    assert sum(s["target"] for s in body["streets"]) == 350_000
    assert sum(s["verified"] for s in body["streets"]) == expected_verified
    xichang = next(s for s in body["streets"] if s["code"] == XICHANG)
    mine = [c for c, s in communities if s == XICHANG]
    assert xichang["verified"] == sum(latest(c, as_of)[1] for c in mine)
    assert xichang["target"] == round(350_000 * 11 / 263) or abs(
        xichang["target"] - 350_000 * 11 / 263) < 1
    ranked = xichang["communities"]
    assert [c["rank"] for c in ranked] == list(range(1, 12))
    assert [c["verified"] for c in ranked] == sorted((latest(c, as_of)[1] for c in mine),
                                                     reverse=True)
    top = ranked[0]
    assert top["growth_1w"] == latest(top["code"], as_of)[1] - latest(
        top["code"], as_of - timedelta(days=7))[1]
    assert xichang["share"] == round(xichang["verified"] / expected_verified, 4)


def test_projected_date_is_null_without_growth(client, admin_headers):
    post_counts(client, admin_headers, "2022-04-01", [(FUYOUJIE, 100, 50)])
    body = client.get("/api/v1/dashboard/users?as_of=2022-06-01",
                      headers=admin_headers).get_json()
    assert body["growth_4w"] == 0 and body["projected_date"] is None


# ---------------------------------------------------------------- files that must not hurt

SHEET = "xl/worksheets/sheet1.xml"
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
COUNT_HEADER = ["社区", "注册用户数", "实名认证用户数"]


def with_part(data: bytes, name: str, content) -> bytes:
    """An xlsx with one member replaced or added: bytes, or a function that writes it in
    pieces (so a large member is never held whole)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != name:
                archive.writestr(info.filename, source.read(info.filename))
        if callable(content):
            with archive.open(name, "w") as member:
                content(member)
        else:
            archive.writestr(name, content)
    return buffer.getvalue()


def sheet_of(rows: int, row: str = "<row><c><v>1</v></c></row>", first: str = ""):
    """Writes a sheet: a header row, `first`, then `rows` copies of `row`."""
    header = "<row>" + "".join(f'<c t="inlineStr"><is><t>{t}</t></is></c>'
                               for t in COUNT_HEADER) + "</row>"

    def write(member):
        member.write(f'<worksheet xmlns="{SPREADSHEET_NS}"><sheetData>{header}{first}'.encode())
        for _ in range(rows // 1000):
            member.write(row.encode() * 1000)
        member.write(row.encode() * (rows % 1000) + b"</sheetData></worksheet>")
    return write


def spaces(size: int):
    def write(member):
        for _ in range(size // 2**20):
            member.write(b" " * 2**20)
    return write


def csv_bytes(lines: list[str]) -> bytes:
    return "\n".join([",".join(COUNT_HEADER), *lines, ""]).encode()


def refused(app, response, status: int = 422) -> dict:
    """The answer is a small Chinese error and nothing is stored."""
    assert response.status_code == status, response.get_json()
    assert len(response.data) < 64 * 1024
    body = response.get_json()
    assert re.search("[\u4e00-\u9fff]", body["message"]), body["message"]
    with app.app_context():
        assert db.session.query(UserCount).count() == 0
        assert db.session.query(UserCountImport).count() == 0
    return body


def claiming_the_whole_grid(rows: list, corner: str = "") -> bytes:
    """A small real sheet whose <dimension> says A1:XFD1048576, with `corner` XML added as
    its last row."""
    data = xlsx([COUNT_HEADER, *rows])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET).decode()
    assert '<dimension ref="A1:C' in sheet
    sheet = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', sheet)
    return with_part(data, SHEET, sheet.replace("</sheetData>", corner + "</sheetData>"))


def test_a_sheet_claiming_the_whole_grid_in_its_dimension_is_read_by_its_rows(
        app, client, admin_headers):
    good = upload(client, admin_headers, claiming_the_whole_grid([["府右街南", 120, 60]]),
                  date="2022-05-16", dry_run="true")
    assert good.status_code == 200 and good.get_json()["rows"] == 1
    bad = upload(client, admin_headers, claiming_the_whole_grid([["不存在", 1, 1]]),
                 date="2022-05-16")
    assert [r["row"] for r in refused(app, bad)["errors"]["files"]["rows"]] == [2]
    # Once made a worker pad a million rows to 16,384 columns each (6.2 GB).
    corner = claiming_the_whole_grid(
        [["府右街南", 120, 60]], '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    assert len(corner) < 8 * 1024
    assert f"{MAX_ROWS} 行" in refused(
        app, upload(client, admin_headers, corner, date="2022-05-16"))["message"]


@pytest.mark.parametrize("content,fragment", [
    pytest.param(lambda: sheet_of(1_000_000), "工作表过大", id="a million rows"),
    pytest.param(lambda: sheet_of(MAX_ROWS + 1), f"{MAX_ROWS} 行", id="one row too many"),
    pytest.param(lambda: sheet_of(1, '<row r="1000000000000"><c><v>1</v></c></row>'),
                 f"{MAX_ROWS} 行", id="a gap to row 10^12"),
    pytest.param(lambda: spaces(64 * 2**20), "工作表过大", id="zip bomb"),
    pytest.param(lambda: sheet_of(0, first='<row><c t="inlineStr"><is><t>'
                                  + "长" * (MAX_CELL_CHARS + 1) + "</t></is></c></row>"),
                 "第 2 行", id="an overlong cell"),
])
def test_a_sheet_past_a_limit_is_refused_quickly_and_stores_nothing(
        app, client, admin_headers, content, fragment):
    data = with_part(xlsx([COUNT_HEADER]), SHEET, content())
    response = upload(client, admin_headers, data, date="2022-05-16")
    body = refused(app, response)
    assert fragment in body["message"] and body["errors"]["files"]["file"] == [body["message"]]


def test_huge_shared_strings_are_refused_before_they_are_read(app, client, admin_headers):
    data = xlsx([COUNT_HEADER, ["府右街南", 1, 1]])
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')

    def strings(member):
        member.write(f'<sst xmlns="{SPREADSHEET_NS}">'.encode())
        for _ in range(64):
            member.write(b"<si><t>x</t></si>" * (2**20 // 17))
        member.write(b"</sst>")
    data = with_part(with_part(data, "[Content_Types].xml", types), "xl/sharedStrings.xml",
                     strings)
    assert "表格以外的内容过大" in refused(
        app, upload(client, admin_headers, data, date="2022-05-16"))["message"]


def test_a_csv_of_480000_rows_is_refused_at_the_row_limit(app, client, admin_headers,
                                                          monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10 * 2**20)  # production's
    data = csv_bytes(["不存在,1,1"] * 480_000)
    body = refused(app, upload(client, admin_headers, data, name="big.csv", date="2022-05-16"))
    assert f"{MAX_ROWS} 行" in body["message"]


def test_a_csv_field_of_200_kb_is_refused_naming_its_row(app, client, admin_headers):
    data = csv_bytes(["府右街南,1,1", f'"{"x" * 200_000}",1,1'])
    body = refused(app, upload(client, admin_headers, data, name="a.csv", date="2022-05-16"))
    assert "第 3 行" in body["message"]


@pytest.mark.parametrize("count", ["9" * 400, "99999999999999999999", str(MAX_COUNT + 1)])
def test_an_oversized_count_is_refused_alike_by_the_dry_run_and_the_import(
        app, client, admin_headers, count):
    data = csv_bytes(["府右街南,1,1", f"西交民巷,{count},1"])
    answers = [refused(app, upload(client, admin_headers, data, name="a.csv",
                                   date="2022-05-16", **form))
               for form in ({"dry_run": "true"}, {})]
    assert answers[0]["errors"] == answers[1]["errors"]
    [row] = answers[0]["errors"]["files"]["rows"]
    assert (row["row"], row["column"]) == (3, "注册用户数") and "超出范围" in row["reason"]
    assert len(row["reason"]) < 60


def test_only_the_first_bad_rows_are_listed_with_the_number_of_errors(
        app, client, admin_headers):
    data = csv_bytes(["不存在,x,"] * 500)  # three errors a row
    body = refused(app, upload(client, admin_headers, data, name="a.csv", date="2022-05-16"))
    assert body["message"] == "有 500 行数据有误，未导入任何数据"
    files = body["errors"]["files"]
    assert len(files["rows"]) == MAX_LISTED_ERRORS and files["errors_total"] == 1500
    assert files["rows"][0]["row"] == 2


def test_totals_too_large_to_record_are_refused_by_file_and_by_api(app, client,
                                                                  admin_headers):
    with app.app_context():
        codes = list(db.session.scalars(db.select(Community.code)))
    data = csv_bytes([f"{code},{MAX_COUNT},1" for code in codes]).replace(
        "社区,".encode(), "社区编码,".encode(), 1)
    for form in ({"dry_run": "true"}, {}):
        body = refused(app, upload(client, admin_headers, data, name="a.csv",
                                   date="2022-05-16", **form))
        assert "合计" in body["message"]
    posted = post_counts(client, admin_headers, "2022-05-16",
                         [(code, MAX_COUNT, 1) for code in codes])
    assert "items" in refused(app, posted)["errors"]["json"]


def test_a_posted_count_over_ten_million_is_refused_in_chinese(app, client, admin_headers):
    body = refused(app, post_counts(client, admin_headers, "2022-05-16",
                                    [(FUYOUJIE, MAX_COUNT + 1, 1)]))
    assert body["errors"]["json"]["items"]["0"]["registered"] == ["应在 0 至 10,000,000 之间"]


def test_latest_counts_equal_a_count_from_the_raw_rows_on_every_day(app, client, admin_headers):
    """The latest count of each community on or before a day is read from the latest day
    with any count (then sought back for the communities without one): equal to the latest
    row of each community found in Python, on days with counts, between them, before the
    first and after the last, for the district and for a few communities."""
    from service.progress.user_counts import district_totals_on, latest_counts
    rng = random.Random(19)
    codes = [FUYOUJIE, XIJIAO, LIUBUKOU]
    days = [date(2022, 5, 1) + timedelta(days=n) for n in range(0, 12, 2)]
    for day in days:
        items = [(code, 100 + n, 50) for n, code in enumerate(codes) if rng.random() < 0.6]
        if items:
            assert post_counts(client, admin_headers, day.isoformat(), items).status_code == 201
    with app.app_context():
        rows = db.session.query(UserCount.community_code, UserCount.date, UserCount.registered,
                                UserCount.verified).all()
        for day in [date(2022, 4, 30), *days, days[-1] + timedelta(days=1),
                    date(2022, 5, 4), date(2023, 1, 1)]:
            expected = {}
            for code, when, registered, verified in sorted(rows, key=lambda r: r[1]):
                if when <= day:
                    expected[code] = (registered, verified)
            found = {c: (n.registered, n.verified) for c, n in latest_counts(day).items()}
            assert found == expected, day
            some = {c: (n.registered, n.verified)
                    for c, n in latest_counts(day, [XIJIAO, LIUBUKOU]).items()}
            assert some == {c: v for c, v in expected.items() if c in (XIJIAO, LIUBUKOU)}, day
            totals = district_totals_on(day)
            assert (totals.registered, totals.verified) == (
                sum(r for r, _v in expected.values()), sum(v for _r, v in expected.values()))
