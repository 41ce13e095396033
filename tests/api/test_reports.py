"""Weekly spreadsheets from a seeded demo year: the command makes the full set (recorded as a
job), the API serves its stored files, and every number equals what the API says for the same
week. Nothing is rendered on download: before a set is made there is nothing to serve."""

import io
import re
import shutil
import time as clock
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from models import Community, Job, User, db
from service.jobs import records
from service.reports import runs
from service.reports.freshness import IN_FLIGHT

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


def made_by_the_command(output: str) -> Path:
    """The folder the command says it wrote: "280 files in <folder> (x.x s)"."""
    match = re.search(r"^280 files in (.+) \(\d+\.\d s\)$", output, re.MULTILINE)
    assert match, output
    return Path(match.group(1))


def test_the_command_writes_the_full_set_and_it_equals_the_api(demo_year, runner, client,
                                                              official_headers, tmp_path):
    result = runner.invoke(args=["weekly-reports", "--week", WEEK, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    folder = made_by_the_command(result.output)
    # Recorded as a job like the consumers' sets, in a folder of its own under the week's.
    made = client.get("/api/v1/reports/weekly", headers=official_headers).get_json()["items"][0]
    assert (made["subject"], made["trigger"], made["status"]) == (WEEK, "cli", "done")
    assert made["progress_done"] == made["progress_total"] == 280
    assert made["result"]["files"] == 280
    assert folder == tmp_path / WEEK / f"run-{made['id']}"
    communities = sorted((folder / "communities").glob("*.xlsx"))
    streets = sorted((folder / "streets").glob("*.xlsx"))
    assert len(communities) == 263 and len(streets) == 15
    assert (folder / "district.xlsx").exists()
    with zipfile.ZipFile(folder / f"{WEEK}.zip") as archive:
        assert len(archive.namelist()) == 279
    # Downloads serve these very files.
    assert client.get(f"/api/v1/reports/weekly/{WEEK}/district.xlsx",
                      headers=official_headers).data == (folder / "district.xlsx").read_bytes()

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


def sheets(path: Path) -> dict:
    """Every sheet's values below the title and the time it was made (rows 1 and 2)."""
    book = load_workbook(path)
    return {name: [[c.value for c in row] for row in book[name].iter_rows(min_row=3)]
            for name in book.sheetnames}


def test_output_is_deterministic_but_for_the_timestamp(demo_year, make_set, runner, tmp_path):
    first = make_set(WEEK)  # in one process
    kept = tmp_path / "first"
    shutil.copytree(first.directory, kept)  # the next set of the week removes this one
    result = runner.invoke(args=["weekly-reports", "--week", WEEK, "--out",
                                 str(tmp_path / "second"), "--jobs", "2"])  # in two
    assert result.exit_code == 0, result.output
    second = made_by_the_command(result.output)
    with zipfile.ZipFile(kept / f"{WEEK}.zip") as a, \
            zipfile.ZipFile(second / f"{WEEK}.zip") as b:
        assert a.namelist() == b.namelist()
    community = next((kept / "communities").glob("110102001004_*.xlsx")).relative_to(kept)
    street = next((kept / "streets").glob("110102001000_*.xlsx")).relative_to(kept)
    for name in (community, street, Path("district.xlsx")):
        assert sheets(kept / name) == sheets(second / name), name


def error_message(response) -> str:
    return response.get_json()["message"]


def test_a_download_before_the_set_is_made_is_404_in_chinese(client, official_headers,
                                                             make_user, auth_headers):
    urls = [f"/api/v1/reports/weekly/{WEEK}.zip", f"/api/v1/reports/weekly/{WEEK}/district.xlsx",
            f"/api/v1/reports/weekly/{WEEK}/streets/110102001000.xlsx",
            f"/api/v1/reports/weekly/{WEEK}/communities/110102001004.xlsx"]
    for url in urls:
        response = client.get(url, headers=official_headers)
        assert response.status_code == 404, url
        assert "2022-W30 的周报尚未生成" in error_message(response), url
    # Nothing was made by asking.
    assert client.get("/api/v1/reports/weekly", headers=official_headers).get_json()[
        "items"] == []
    status = client.get(f"/api/v1/reports/weekly/{WEEK}", headers=official_headers).get_json()
    assert status["week"] == WEEK and (status["start"], status["end"]) == (
        "2022-07-25", "2022-07-31")
    assert status["generated"] is False and status["latest"] is None
    assert status["active"] is None and status["runs"] == [] and status["in_contract"] is True
    # Permission comes first: a liaison learns nothing about communities not theirs.
    liaison = auth_headers(make_user("liaison", streets=["110102001000"]))
    assert client.get(urls[3], headers=liaison).status_code == 404
    assert client.get(f"/api/v1/reports/weekly/{WEEK}/communities/110102012001.xlsx",
                      headers=liaison).status_code == 403


def test_a_week_delivered_without_kept_files_has_nothing_to_download(app, client,
                                                                     official_headers):
    # As `flask demo-data` records its year of past deliveries: done, but no files kept.
    with app.app_context():
        runs.record_delivered_set(WEEK, actor=None, seconds=5.0, files=280,
                                  finished_at=datetime(2022, 8, 1, 1, tzinfo=UTC))
    for url in [f"/api/v1/reports/weekly/{WEEK}.zip",
                f"/api/v1/reports/weekly/{WEEK}/district.xlsx"]:
        response = client.get(url, headers=official_headers)
        assert response.status_code == 404, url
        assert "2022-W30 的周报尚未生成" in error_message(response), url
    status = client.get(f"/api/v1/reports/weekly/{WEEK}", headers=official_headers).get_json()
    assert status["generated"] is False and status["latest"] is None
    assert [r["status"] for r in status["runs"]] == ["done"]


def test_downloads_have_the_right_type_and_a_chinese_file_name(client, official_headers,
                                                              make_set):
    made = make_set(WEEK)
    community = client.get(f"/api/v1/reports/weekly/{WEEK}/communities/110102001004.xlsx",
                           headers=official_headers)
    assert community.status_code == 200
    assert community.mimetype == ("application/vnd.openxmlformats-officedocument."
                                  "spreadsheetml.sheet")
    disposition = community.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition
    assert "府右街南社区居委会" in unquote(disposition.split("filename*=UTF-8''")[1])
    assert load_workbook(io.BytesIO(community.data)).sheetnames[:2] == ["本周需关注", "概况"]
    # The stored file, sent as it is: a second ask for an unchanged file is answered 304.
    again = client.get(f"/api/v1/reports/weekly/{WEEK}/communities/110102001004.xlsx",
                       headers={**official_headers, "If-None-Match": community.headers["ETag"]})
    assert again.status_code == 304
    street = client.get(f"/api/v1/reports/weekly/{WEEK}/streets/110102001000.xlsx",
                        headers=official_headers)
    assert street.status_code == 200 and "西长安街街道" in unquote(
        street.headers["Content-Disposition"])
    district = client.get(f"/api/v1/reports/weekly/{WEEK}/district.xlsx",
                          headers=official_headers)
    assert load_workbook(io.BytesIO(district.data)).sheetnames == ["汇总", "目标", "趋势"]
    archive = client.get(f"/api/v1/reports/weekly/{WEEK}.zip", headers=official_headers)
    assert archive.mimetype == "application/zip"
    assert unquote(archive.headers["Content-Disposition"]).endswith(f"{WEEK}.zip")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zipped:
        assert len(zipped.namelist()) == 279
    # Downloads render and record nothing: the list holds the one set made.
    sets = client.get("/api/v1/reports/weekly", headers=official_headers).get_json()
    assert sets["total"] == 1
    listed = sets["items"][0]
    assert listed["id"] == made.job.id and listed["kind"] == "weekly_set"
    assert (listed["subject"], listed["trigger"], listed["status"]) == (WEEK, "cli", "done")
    assert listed["username"] is None and listed["seconds"] > 0
    assert listed["requested_at"] <= listed["finished_at"]
    status = client.get(f"/api/v1/reports/weekly/{WEEK}", headers=official_headers).get_json()
    assert status["generated"] is True and status["latest"]["id"] == made.job.id
    assert status["stale"] is False and [r["id"] for r in status["runs"]] == [made.job.id]


def test_downloads_serve_the_latest_finished_set(client, admin_headers, make_set):
    week = "2022-W20"
    district = f"/api/v1/reports/weekly/{week}/district.xlsx"

    def registered():
        book = load_workbook(io.BytesIO(client.get(district, headers=admin_headers).data))
        return table(book["汇总"])[-1][2]

    first = make_set(week)
    before = registered()
    status = client.get(f"/api/v1/reports/weekly/{week}", headers=admin_headers).get_json()
    assert status["latest"]["id"] == first.job.id and status["stale"] is False
    counts = client.post("/api/v1/user-counts", headers=admin_headers, json={
        "date": "2022-05-19", "items": [
            {"community_code": "110102001004", "registered": 1234, "verified": 567}]})
    assert counts.status_code == 201, counts.get_json()
    # The week's records changed: its set is stale, and still served until the next is made.
    status = client.get(f"/api/v1/reports/weekly/{week}", headers=admin_headers).get_json()
    assert status["latest"]["id"] == first.job.id and status["stale"] is True
    assert registered() == before
    clock.sleep(IN_FLIGHT.total_seconds())  # a change this close to a set's reading is in doubt
    second = make_set(week)
    assert registered() == before + 1234
    assert client.get(district, headers=admin_headers).data == (
        second.directory / "district.xlsx").read_bytes()
    status = client.get(f"/api/v1/reports/weekly/{week}", headers=admin_headers).get_json()
    assert status["latest"]["id"] == second.job.id and status["stale"] is False
    assert [r["id"] for r in status["runs"]] == [second.job.id, first.job.id]
    # Only the latest set's files are kept.
    assert not first.directory.exists() and second.directory.is_dir()


def test_a_liaison_downloads_only_their_own_communities(client, make_user, auth_headers,
                                                        make_set):
    make_set(WEEK)
    liaison = auth_headers(make_user("liaison", streets=["110102001000"]))
    mine = client.get(f"/api/v1/reports/weekly/{WEEK}/communities/110102001004.xlsx",
                      headers=liaison)
    assert mine.status_code == 200
    for url in [f"/api/v1/reports/weekly/{WEEK}/communities/110102012001.xlsx",
                f"/api/v1/reports/weekly/{WEEK}/district.xlsx",
                f"/api/v1/reports/weekly/{WEEK}/streets/110102001000.xlsx",
                f"/api/v1/reports/weekly/{WEEK}.zip"]:
        assert client.get(url, headers=liaison).status_code == 403, url
    # Only admins ask for a set.
    assert client.post(f"/api/v1/reports/weekly/{WEEK}/runs",
                       headers=liaison).status_code == 403


def test_bad_weeks_and_codes_are_refused(client, official_headers, admin_headers, make_set):
    make_set(WEEK)
    assert client.get("/api/v1/reports/weekly/2022-W99/district.xlsx",
                      headers=official_headers).status_code == 422
    assert client.get("/api/v1/reports/weekly/2022-W99",
                      headers=official_headers).status_code == 422
    assert client.get("/api/v1/reports/weekly/2022-20/district.xlsx",
                      headers=official_headers).status_code == 404
    community = client.get(f"/api/v1/reports/weekly/{WEEK}/communities/110102999999.xlsx",
                           headers=official_headers)
    assert community.status_code == 404 and "社区不存在" in error_message(community)
    street = client.get(f"/api/v1/reports/weekly/{WEEK}/streets/110102999000.xlsx",
                        headers=official_headers)
    assert street.status_code == 404 and "街道不存在" in error_message(street)
    # A week that has not begun has nothing to make.
    future = client.post("/api/v1/reports/weekly/2030-W01/runs", headers=admin_headers)
    assert future.status_code == 422 and "尚未开始" in str(future.get_json())


def test_a_week_outside_every_contract_is_made_only_when_asked_for(client, admin_headers,
                                                                   runner, tmp_path):
    before = client.post("/api/v1/reports/weekly/2021-W10/runs", headers=admin_headers)
    assert before.status_code == 422
    assert "不在任何合同期内" in before.get_json()["errors"]["json"]["week"][0]
    assert client.get("/api/v1/reports/weekly", headers=admin_headers).get_json()["total"] == 0
    cli = runner.invoke(args=["weekly-reports", "--week", "2021-W10", "--out", str(tmp_path)])
    assert cli.exit_code != 0 and "不在任何合同期内" in cli.output
    assert not list(tmp_path.iterdir())
    asked = client.post("/api/v1/reports/weekly/2021-W10/runs?outside_contract=true",
                        headers=admin_headers)
    assert asked.status_code == 202 and asked.get_json()["subject"] == "2021-W10"


def test_weekly_reports_target_counts_weeks_produced_on_time(app, client, admin_headers):
    with app.app_context():
        # Every community has an account, so a set made is a set delivered to all of them.
        db.session.add_all(User(username=f"sq{code}", display_name=code, role="community",
                                password_hash="-", community_code=code)
                           for code in db.session.scalars(select(Community.code)))
        db.session.commit()
        for week, monday in [("2022-W12", date(2022, 3, 28)), ("2022-W13", date(2022, 4, 4)),
                             ("2022-W14", date(2022, 4, 20))]:
            runs.record_delivered_set(week, actor=None, seconds=5.0, files=280,
                                      finished_at=datetime.combine(monday, time(9), tzinfo=UTC))
        # A set that failed on time, and one still being made: neither counts.
        failed = records.create_job("weekly_set", "2022-W11", trigger="schedule",
                                    period_end=date(2022, 3, 20),
                                    now=datetime(2022, 3, 21, 1, tzinfo=UTC))
        records.fail(failed.id, "部分工作簿生成失败")
        db.session.execute(update(Job).where(Job.id == failed.id).values(
            finished_at=datetime(2022, 3, 21, 1, 5, tzinfo=UTC)))
        db.session.commit()
        records.create_job("weekly_set", "2022-W11", trigger="request",
                           period_end=date(2022, 3, 20), now=datetime(2022, 3, 22, tzinfo=UTC))

    def ratio(as_of):
        body = client.get(f"/api/v1/targets?as_of={as_of}", headers=admin_headers).get_json()
        return next(i for i in body["items"] if i["key"] == "weekly_reports")
    # Due by 2022-04-11: W11 (ended Mar 20), W12, W13, W14 (ended Apr 10) → W12 and W13 made.
    item = ratio("2022-04-11")
    assert item["actual"] == 0.5 and item["target"] == 1 and item["status"] == "behind"
    # On a Sunday the week ending that day is not due yet.
    assert ratio("2022-04-10")["actual"] == round(2 / 3, 4)
    assert ratio("2022-04-21")["actual"] == round(3 / 5, 4)
