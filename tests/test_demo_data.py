"""`flask demo-data` builds a seeded year and can run twice."""

from sqlalchemy import func, select

from models import Assignment, Problem, Role, User, Visit, db


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
    assert checks["ok"] > 0.8 * visits and checks["far"] > 0 and checks["stale"] > 0
    assert checks["unknown"] > 0
    assert set(problems) == {"open", "in_progress", "resolved"}
