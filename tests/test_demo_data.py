"""`flask demo-data` builds a seeded year and can run twice; the weekly sets made from it count
visits as the API does."""

import io
import zipfile

from openpyxl import load_workbook
from sqlalchemy import func, select

from models import Assignment, Job, JobStatus, Problem, Role, User, Visit, db


def test_demo_data_builds_a_year_and_is_repeatable(app, runner):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "liaisons: 15" in first.output
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        liaisons = db.session.query(User).filter_by(role=Role.LIAISON).count()
        streets_covered = {a.street_code for a in db.session.query(Assignment)}
        visits = db.session.query(Visit).count()
        communities_visited = db.session.scalar(
            select(func.count(func.distinct(Visit.community_code))))
        checks = dict(db.session.execute(
            select(Visit.location_check, func.count()).group_by(Visit.location_check)).all())
        problems = dict(db.session.execute(
            select(Problem.status, func.count()).group_by(Problem.status)).all())
    assert liaisons == 15 and len(streets_covered) == 15
    assert 1000 <= visits <= 1300 and communities_visited == 263
    assert "user_count_rows: 9" in first.output and "registry_records: 140" in first.output
    # The year's weekly deliveries (two weeks missed) are finished sets without files.
    assert "weekly_report_runs: 50" in first.output
    with app.app_context():
        delivered = db.session.scalars(select(Job).where(
            Job.kind == "weekly_set", Job.status == JobStatus.DONE)).all()
        queued = db.session.scalars(select(Job).where(Job.status == JobStatus.QUEUED)).all()
    # The contract's last week waits for a consumer; running demo-data again queues no other.
    assert "queued the weekly set of 2023-W10" in first.output
    assert [(job.kind, job.subject, job.trigger) for job in queued] == [
        ("weekly_set", "2023-W10", "request")]
    assert len(delivered) == 50 and len({job.subject for job in delivered}) == 50
    assert {(job.status, job.trigger) for job in delivered} == {(JobStatus.DONE, "schedule")}
    assert all("directory" not in job.result for job in delivered)
    assert checks["ok"] > 0.8 * visits and checks["far"] > 0 and checks["stale"] > 0
    assert checks["unknown"] > 0
    assert set(problems) == {"open", "in_progress", "resolved"}


def _column(sheet, title: str) -> list:
    """The values under a column title of a workbook table (titles on row 4), in the rows of
    streets or communities (not the total)."""
    column = next(c.column for c in sheet[4] if c.value == title)
    return [row[column - 1] for row in sheet.iter_rows(min_row=5, values_only=True)
            if isinstance(row[0], str) and row[0].isdigit()]


def test_one_rule_for_what_counts_gives_one_number_everywhere(app, runner, client,
                                                             admin_headers, make_set):
    """On the demo year (far, stale and unknown visits, some approved, some rejected): the
    workbooks, the coverage and the contract target count the same visits."""
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    for week, end in [("2022-W20", "2022-05-22"), ("2022-W40", "2022-10-09"),
                      ("2022-W52", "2023-01-01")]:
        make_set(week)
        district = load_workbook(io.BytesIO(client.get(
            f"/api/v1/reports/weekly/{week}/district.xlsx", headers=admin_headers).data))
        in_workbooks = sum(_column(district["汇总"], "累计走访（计入合同）"))
        coverage = client.get(f"/api/v1/visits/coverage?as_of={end}&per_page=500",
                              headers=admin_headers).get_json()
        in_coverage = sum(row["visits"] for row in coverage["items"])
        targets = client.get(f"/api/v1/targets?as_of={end}", headers=admin_headers).get_json()
        actual = next(t for t in targets["items"] if t["key"] == "visits")["actual"]
        assert in_workbooks == in_coverage == actual, week
    archive = zipfile.ZipFile(io.BytesIO(client.get(
        "/api/v1/reports/weekly/2022-W52.zip", headers=admin_headers).data))
    per_community = 0
    for name in archive.namelist():
        if name.startswith("communities/"):
            book = load_workbook(io.BytesIO(archive.read(name)))
            summary = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=5,
                                                                       values_only=True)}
            per_community += summary["合同期累计走访次数（计入合同）"]
    assert per_community == actual
    with app.app_context():
        logged = db.session.scalar(select(func.count()).select_from(Visit)
                                   .where(Visit.deleted_at.is_(None)))
    assert actual < logged  # some were rejected or still wait for review: the rule mattered
