"""Weekly spreadsheets from a seeded demo year: the command writes the full set, the API
serves them, and every number equals what the API says for the same week."""

import io
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

WEEK, WEEK_END = "2022-W30", date(2022, 7, 31)
STATUS = {"done": "已完成", "on_track": "按进度", "behind": "落后"}


@pytest.fixture
def demo_year(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def official_headers(make_user, auth_headers):
    return auth_headers(make_user("official", "guan"))


def summary(book) -> dict:
    sheet = book["概况"]
    return {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value
            for r in range(5, sheet.max_row + 1)}


def table(sheet) -> list[list]:
    rows = []
    for row in sheet.iter_rows(min_row=5, values_only=True):
        rows.append(list(row))
    return rows


def test_the_command_writes_the_full_set_and_it_equals_the_api(demo_year, runner, client,
                                                              official_headers, tmp_path):
    result = runner.invoke(args=["weekly-reports", "--week", WEEK, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "280 files" in result.output
    folder = tmp_path / WEEK
    communities = sorted((folder / "communities").glob("*.xlsx"))
    streets = sorted((folder / "streets").glob("*.xlsx"))
    assert len(communities) == 263 and len(streets) == 15
    assert (folder / "district.xlsx").exists()
    with zipfile.ZipFile(folder / f"{WEEK}.zip") as archive:
        assert len(archive.namelist()) == 279

    def api(url):
        response = client.get(url, headers=official_headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()
    dashboard = api(f"/api/v1/dashboard/users?as_of={WEEK_END}")
    coverage = {row["community_code"]: row for row in
                api(f"/api/v1/visits/coverage?as_of={WEEK_END}")["items"]}
    targets = api(f"/api/v1/targets?as_of={WEEK_END}")
    ranked = {c["code"]: c for s in dashboard["streets"] for c in s["communities"]}

    # Every community's row in its street workbook.
    for path in streets:
        code = path.name.split("_")[0]
        street = next(s for s in dashboard["streets"] if s["code"] == code)
        rows = table(load_workbook(path)["汇总"])
        data_rows, total = rows[:-1], rows[-1]
        assert len(data_rows) == len(street["communities"])
        for row in data_rows:
            expected = ranked[row[0]]
            assert (row[2], row[4], row[5]) == (expected["registered"], expected["verified"],
                                                expected["growth_1w"])
            assert row[9] == coverage[row[0]]["visits"]
            days = coverage[row[0]]["days_since_last"]
            assert row[10] == (days if days is not None else "从未走访")
        assert (total[2], total[4], total[5]) == (street["registered"], street["verified"],
                                                  street["growth_1w"])

    # Every community workbook's summary.
    for path in communities[::7]:
        book = load_workbook(path)
        values = summary(book)
        code = values["社区编码"]
        expected = ranked[code]
        assert values["实名认证用户数"] == expected["verified"]
        assert values["注册用户数"] == expected["registered"]
        assert values["实名认证用户数较上周"] == expected["growth_1w"]
        assert values["街道内排名"] == expected["rank"]
        assert values["合同期累计走访次数（计入合同）"] == coverage[code]["visits"]
        days = coverage[code]["days_since_last"]
        assert values["距上次走访天数"] == (days if days is not None else "从未走访")
        series = api(f"/api/v1/dashboard/users/series?community_code={code}"
                     f"&from={WEEK_END - timedelta(days=7)}&to={WEEK_END}&step=week")["items"]
        assert values["注册用户数较上周"] == series[1]["registered"] - series[0]["registered"]
        trend = table(book["趋势"])
        assert trend[-1][3] == expected["verified"] and len(trend) == 12

    district = load_workbook(folder / "district.xlsx")
    rows = table(district["汇总"])
    assert rows[-1][4] == dashboard["verified"] and rows[-1][2] == dashboard["registered"]
    assert [r[4] for r in rows[:-1]] == [s["verified"] for s in dashboard["streets"]]
    target_rows = table(district["目标"])
    assert len(target_rows) == len(targets["items"])
    for row, item in zip(target_rows, targets["items"], strict=True):
        assert row[0] == item["name"]
        assert row[1] == pytest.approx(item["target"]) and row[2] == pytest.approx(item["actual"])
        assert row[5] == STATUS[item["status"]]
        assert (row[6] or "") == "、".join(m["name"] for m in item["missing"] or [])


def test_output_is_deterministic_but_for_the_timestamp(demo_year, runner, tmp_path):
    for out in ("a", "b"):
        result = runner.invoke(args=["weekly-reports", "--week", WEEK, "--out",
                                     str(tmp_path / out), "--community", "110102001004"])
        assert result.exit_code == 0, result.output
    name = next((tmp_path / "a" / WEEK / "communities").glob("*.xlsx")).name
    books = [load_workbook(tmp_path / out / WEEK / "communities" / name) for out in ("a", "b")]
    for sheet in books[0].sheetnames:
        first = [[c.value for c in row] for row in books[0][sheet].iter_rows(min_row=3)]
        second = [[c.value for c in row] for row in books[1][sheet].iter_rows(min_row=3)]
        assert first == second


def test_downloads_have_the_right_type_and_a_chinese_file_name(client, official_headers):
    community = client.get(f"/api/v1/reports/weekly/{WEEK}/communities/110102001004.xlsx",
                           headers=official_headers)
    assert community.status_code == 200
    assert community.mimetype == ("application/vnd.openxmlformats-officedocument."
                                  "spreadsheetml.sheet")
    disposition = community.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition
    assert "府右街南社区居委会" in unquote(disposition.split("filename*=UTF-8''")[1])
    assert load_workbook(io.BytesIO(community.data)).sheetnames[0] == "概况"
    street = client.get(f"/api/v1/reports/weekly/{WEEK}/streets/110102001000.xlsx",
                        headers=official_headers)
    assert street.status_code == 200 and "西长安街街道" in unquote(
        street.headers["Content-Disposition"])
    district = client.get(f"/api/v1/reports/weekly/{WEEK}/district.xlsx",
                          headers=official_headers)
    assert load_workbook(io.BytesIO(district.data)).sheetnames == ["汇总", "目标", "趋势"]
    archive = client.get(f"/api/v1/reports/weekly/{WEEK}.zip", headers=official_headers)
    assert archive.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zipped:
        assert len(zipped.namelist()) == 279
    runs = client.get("/api/v1/reports/weekly", headers=official_headers).get_json()
    assert [r["scope"] for r in runs["items"]] == ["all", "district", "street", "community"]
    assert runs["items"][0]["username"] == "guan"


def test_a_liaison_downloads_only_their_own_communities(client, make_user, auth_headers):
    liaison = auth_headers(make_user("liaison", streets=["110102001000"]))
    mine = client.get(f"/api/v1/reports/weekly/{WEEK}/communities/110102001004.xlsx",
                      headers=liaison)
    assert mine.status_code == 200
    for url in [f"/api/v1/reports/weekly/{WEEK}/communities/110102012001.xlsx",
                f"/api/v1/reports/weekly/{WEEK}/district.xlsx",
                f"/api/v1/reports/weekly/{WEEK}/streets/110102001000.xlsx",
                f"/api/v1/reports/weekly/{WEEK}.zip"]:
        assert client.get(url, headers=liaison).status_code == 403, url


def test_bad_weeks_and_codes_are_refused(client, official_headers):
    assert client.get("/api/v1/reports/weekly/2022-W99/district.xlsx",
                      headers=official_headers).status_code == 422
    assert client.get("/api/v1/reports/weekly/2022-20/district.xlsx",
                      headers=official_headers).status_code == 404
    assert client.get(f"/api/v1/reports/weekly/{WEEK}/communities/110102999999.xlsx",
                      headers=official_headers).status_code == 404


def test_weekly_reports_target_counts_weeks_produced_on_time(app, client, admin_headers,
                                                             tmp_path):
    from service.reports.files import generate_week
    with app.app_context():
        for week, monday in [("2022-W12", date(2022, 3, 28)), ("2022-W13", date(2022, 4, 4)),
                             ("2022-W14", date(2022, 4, 20))]:
            generate_week(week, out_dir=tmp_path, community="110102001004", now=None)
            generate_week(week, out_dir=tmp_path, processes=1, now=datetime.combine(
                monday, time(9), tzinfo=UTC))

    def ratio(as_of):
        body = client.get(f"/api/v1/targets?as_of={as_of}", headers=admin_headers).get_json()
        return next(i for i in body["items"] if i["key"] == "weekly_reports")
    # Due by 2022-04-11: W11 (ended Mar 20), W12, W13, W14 (ended Apr 10) → W12 and W13 made.
    item = ratio("2022-04-11")
    assert item["actual"] == 0.5 and item["target"] == 1 and item["status"] == "behind"
    # On a Sunday the week ending that day is not due yet.
    assert ratio("2022-04-10")["actual"] == round(2 / 3, 4)
    assert ratio("2022-04-21")["actual"] == round(3 / 5, 4)
