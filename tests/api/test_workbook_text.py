"""User text from the API and the database in the weekly workbooks: formula-like text arrives
as text, a control character in an older row does not fail the week, and a failed `flask
weekly-reports` never leaves a partial file behind nor takes the week's set away."""

import io
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from models import Visit, db
from service.clock import local_today
from service.reports import files, runs
from service.reports.calendar import week_label

XICHANG = "110102001000"            # 西长安街街道
FUYOUJIE = "110102001004"           # 府右街南社区, in 西长安街
INSIDE_XICHANG = (39.909589, 116.377581)
WEEK = "2022-W20"                   # 2022-05-16 to 2022-05-22
FORMULA = '=HYPERLINK("http://evil.example/","click")'


@pytest.fixture
def official_headers(make_user, auth_headers):
    return auth_headers(make_user("official", "guan"))


def log_visit(client, headers, notes: str) -> int:
    response = client.post("/api/v1/visits", headers=headers, json={
        "client_id": str(uuid.uuid4()), "community_code": FUYOUJIE,
        "visited_at": "2022-05-17T10:30:00+08:00", "latitude": INSIDE_XICHANG[0],
        "longitude": INSIDE_XICHANG[1], "accuracy_m": 25.0,
        "fix_at": "2022-05-17T10:29:00+08:00", "purpose": "routine", "notes": notes,
        "people_met": 3, "new_registrations": 2})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def community_workbook(client, headers, week: str):
    response = client.get(f"/api/v1/reports/weekly/{week}/communities/{FUYOUJIE}.xlsx",
                          headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return load_workbook(io.BytesIO(response.data))


def test_formula_like_notes_and_problem_titles_download_as_text(client, liaison_headers,
                                                                make_set):
    log_visit(client, liaison_headers, FORMULA)
    problem = client.post("/api/v1/problems", headers=liaison_headers, json={
        "community_code": FUYOUJIE, "title": FORMULA, "category": "@SUM(A1)"})
    assert problem.status_code == 201, problem.get_json()
    # The problem is open from today on, so it shows in this week's workbook.
    this_week = week_label(local_today())
    make_set(WEEK)
    make_set(this_week, outside_contract=True)  # today is after the contract

    notes = community_workbook(client, liaison_headers, WEEK)["走访"]["F5"]
    assert (notes.value, notes.data_type, notes.quotePrefix) == (FORMULA, "s", True)
    problems = community_workbook(client, liaison_headers, this_week)["本周需关注"]
    assert (problems["B12"].value, problems["B12"].data_type) == (FORMULA, "s")
    assert problems["C12"].value.startswith("@SUM(A1) · ") and problems["C12"].data_type == "s"


def made_by_the_command(output: str) -> Path:
    match = re.search(r"^280 files in (.+) \(\d+\.\d s\)$", output, re.MULTILINE)
    assert match, output
    return Path(match.group(1))


def test_an_older_row_with_control_characters_still_renders(app, client, runner,
                                                             liaison_headers, official_headers,
                                                             tmp_path):
    visit_id = log_visit(client, liaison_headers, "讲解实名认证")
    with app.app_context():
        # Stored before the API refused such text (PostgreSQL cannot hold NUL, so no "\x00").
        db.session.execute(update(Visit).where(Visit.id == visit_id)
                           .values(notes="讲解\x07实名\x1b认证\x7f"))
        db.session.commit()

    result = runner.invoke(args=["weekly-reports", "--week", WEEK, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = next((made_by_the_command(result.output) / "communities").glob(
        f"{FUYOUJIE}_*.xlsx"))
    assert load_workbook(written)["走访"]["F5"].value == "讲解实名认证"
    assert community_workbook(client, official_headers, WEEK)["走访"]["F5"].value == "讲解实名认证"
    archive = client.get(f"/api/v1/reports/weekly/{WEEK}.zip", headers=official_headers)
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zipped:
        assert len(zipped.namelist()) == 279


def leftovers(folder):
    return [p for p in folder.rglob("*") if ".tmp" in p.name]


@pytest.fixture
def blocked_workbook(monkeypatch):
    """While the next set is made, someone leaves a folder where the community's workbook
    goes: that file cannot be written and the set fails part-way. (The command's rendering
    processes are forked, so they inherit the patch.)"""
    def block(community_code: str) -> None:
        def write_part(directory, part):
            for name, _report in part:
                if name.startswith(f"communities/{community_code}_"):
                    (Path(directory) / name).mkdir(parents=True)
            return files.write_part(directory, part)
        monkeypatch.setattr(runs, "write_part", write_part)
    return block


def test_a_failed_run_leaves_no_partial_file_and_keeps_the_previous_set(
        runner, client, official_headers, tmp_path, blocked_workbook):
    def weekly_reports(week):
        return runner.invoke(args=["weekly-reports", "--week", week, "--out", str(tmp_path)])

    def status(week):
        return client.get(f"/api/v1/reports/weekly/{week}", headers=official_headers).get_json()

    def download_zip(week):
        return client.get(f"/api/v1/reports/weekly/{week}.zip", headers=official_headers)

    # A first run writes a good set.
    first = weekly_reports(WEEK)
    assert first.exit_code == 0, first.output
    good_set = made_by_the_command(first.output)
    good = (good_set / f"{WEEK}.zip").read_bytes()
    good_job = status(WEEK)["latest"]["id"]
    blocked = next((good_set / "communities").glob(f"{FUYOUJIE}_*.xlsx")).name

    blocked_workbook(FUYOUJIE)
    result = weekly_reports(WEEK)
    assert result.exit_code == 1
    # One line saying which file, not a traceback.
    assert "无法写入周报文件" in result.output and blocked in result.output
    assert "Traceback" not in result.output
    # The good set is kept and still served; the failed one is recorded with its reason.
    assert (good_set / f"{WEEK}.zip").read_bytes() == good == download_zip(WEEK).data
    week = status(WEEK)
    assert week["latest"]["id"] == good_job and week["active"] is None
    failed = week["runs"][0]
    assert failed["id"] != good_job and failed["status"] == "failed"
    assert blocked in failed["error"]
    # The failed run wrote no zip and left no temporary file.
    failed_set = tmp_path / WEEK / f"run-{failed['id']}"
    assert (failed_set / "communities" / blocked).is_dir()
    assert list(failed_set.rglob("*.zip")) == [] and leftovers(tmp_path) == []

    # A week never made before: the failed run leaves no zip at all, and nothing to serve.
    assert weekly_reports("2022-W21").exit_code == 1
    assert list((tmp_path / "2022-W21").rglob("*.zip")) == []
    assert leftovers(tmp_path) == []
    assert download_zip("2022-W21").status_code == 404
    assert status("2022-W21")["generated"] is False
