"""Migration 0027 makes the weekly sets (and their e-mail jobs) made while one district was
held that district's; other jobs stay of no district; downgrade drops the column."""

import sqlalchemy as sa
from sqlalchemy import text

from api import create_app
from api.config import for_tests
from models import db

BEFORE = "0026_official_districts"
JOBS = ("INSERT INTO jobs (kind, subject, trigger, status, progress_done, attempts, result, "
        "requested_at) VALUES ('weekly_set', '2022-W30', 'request', 'done', 280, 1, '{}', "
        "'2022-08-01 01:00:00'), ('delivery_email', '2022-W30', 'schedule', 'done', 0, 1, "
        "'{}', '2022-08-01 01:01:00'), ('backup', '2022-08-01', 'schedule', 'done', 0, 1, "
        "'{}', '2022-08-01 02:00:00')")


def _migrated(url: str, districts: list[str]) -> list[tuple]:
    app = create_app(for_tests(url))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", BEFORE]).exit_code == 0
    with app.app_context():
        for code in districts:
            db.session.execute(text("INSERT INTO districts (code, name) VALUES (:c, :c)"),
                               {"c": code})
        db.session.execute(text(JOBS))
        db.session.commit()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with app.app_context():
        rows = [tuple(r) for r in db.session.execute(
            text("SELECT kind, district_code FROM jobs ORDER BY id"))]
    downgraded = runner.invoke(args=["db", "downgrade", BEFORE])
    assert downgraded.exit_code == 0, downgraded.output
    with app.app_context():
        assert "district_code" not in {c["name"] for c in sa.inspect(db.engine).get_columns(
            "jobs")}
        assert db.session.scalar(text("SELECT count(*) FROM jobs")) == 3
        db.engine.dispose()
    return rows


def test_the_sets_made_with_one_district_held_become_its_own(empty_database_url):
    assert _migrated(empty_database_url, ["110102000000"]) == [
        ("weekly_set", "110102000000"), ("delivery_email", "110102000000"), ("backup", None)]
