"""`flask demo-data` builds a seeded year and can run twice."""

from models import Assignment, Role, User, db


def test_demo_data_creates_people_and_is_repeatable(app, runner):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "liaisons: 15" in first.output
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        liaisons = db.session.query(User).filter_by(role=Role.LIAISON).count()
        streets_covered = {a.street_code for a in db.session.query(Assignment)}
    assert liaisons == 15 and len(streets_covered) == 15
