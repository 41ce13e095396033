"""`flask db upgrade` on an empty database builds exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from api import create_app
from api.config import for_tests
from models import db


def test_upgrade_builds_the_models_schema_and_seeding_works(empty_database_url):
    app = create_app(for_tests(empty_database_url))
    runner = app.test_cli_runner()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
    seeded = runner.invoke(args=["seed-district"])
    assert seeded.exit_code == 0 and "communities: 263" in seeded.output
    with app.app_context():
        db.engine.dispose()
