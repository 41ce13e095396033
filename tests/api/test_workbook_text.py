"""User text from the API and the database in the weekly workbooks: formula-like text arrives
as text, a control character in an older row does not fail the week, and `flask
weekly-reports` never leaves a partial file behind."""

import io
import uuid
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from models import Visit, db
from service.clock import local_today
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


def test_formula_like_notes_and_problem_titles_download_as_text(client, liaison_headers):
    log_visit(client, liaison_headers, FORMULA)
    problem = client.post("/api/v1/problems", headers=liaison_headers, json={
        "community_code": FUYOUJIE, "title": FORMULA, "category": "@SUM(A1)"})
    assert problem.status_code == 201, problem.get_json()

    notes = community_workbook(client, liaison_headers, WEEK)["走访"]["H5"]
    assert (notes.value, notes.data_type, notes.quotePrefix) == (FORMULA, "s", True)
    # The problem is open from today on, so it shows in this week's workbook.
    problems = community_workbook(client, liaison_headers, week_label(local_today()))["问题"]
    assert (problems["B5"].value, problems["B5"].data_type) == (FORMULA, "s")
    assert (problems["C5"].value, problems["C5"].data_type) == ("@SUM(A1)", "s")


def test_an_older_row_with_control_characters_still_renders(app, client, runner,
                                                             liaison_headers, official_headers,
                                                             tmp_path):
    visit_id = log_visit(client, liaison_headers, "讲解实名认证")
    with app.app_context():
        # Stored before the API refused such text (PostgreSQL cannot hold NUL, so no "\x00").
        db.session.execute(update(Visit).where(Visit.id == visit_id)
                           .values(notes="讲解\x07实名\x1b认证\x7f"))
        db.session.commit()

    assert community_workbook(client, official_headers, WEEK)["走访"]["H5"].value == "讲解实名认证"
    archive = client.get(f"/api/v1/reports/weekly/{WEEK}.zip", headers=official_headers)
    assert archive.status_code == 200
    result = runner.invoke(args=["weekly-reports", "--week", WEEK, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = next((tmp_path / WEEK / "communities").glob(f"{FUYOUJIE}_*.xlsx"))
    assert load_workbook(written)["走访"]["H5"].value == "讲解实名认证"


def leftovers(folder):
    return [p for p in folder.rglob("*") if ".tmp" in p.name]


def test_a_failed_run_leaves_no_partial_file_and_keeps_the_previous_zip(runner, tmp_path):
    def weekly_reports(week):
        return runner.invoke(args=["weekly-reports", "--week", week, "--out", str(tmp_path)])

    # A first run writes a good set.
    assert weekly_reports(WEEK).exit_code == 0
    folder = tmp_path / WEEK
    zip_path = folder / f"{WEEK}.zip"
    good = zip_path.read_bytes()
    # Someone leaves a folder where the first community's workbook goes: the next run cannot
    # write that file and fails.
    first = sorted((folder / "communities").glob("*.xlsx"))[0]
    first.unlink()
    first.mkdir()
    result = weekly_reports(WEEK)
    assert result.exit_code == 1
    assert zip_path.read_bytes() == good
    with zipfile.ZipFile(zip_path) as archive:
        assert len(archive.namelist()) == 279
    assert first.is_dir() and leftovers(tmp_path) == []
    # One line saying which file, not a traceback.
    assert "无法写入周报文件" in result.output and first.name in result.output

    # A week never written before: the failed run leaves no zip at all, empty or partial.
    other = tmp_path / "2022-W21" / "communities" / first.name
    other.mkdir(parents=True)
    assert weekly_reports("2022-W21").exit_code == 1
    assert not (tmp_path / "2022-W21" / "2022-W21.zip").exists()
    assert leftovers(tmp_path) == []
