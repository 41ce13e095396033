"""Migration 0026 gives every street held its district, derived from the street's statistical
code and named by that code until seed-district loads the real name; downgrade drops them."""

import sqlalchemy as sa
from sqlalchemy import select, text

from api import create_app
from api.config import for_tests
from models import District, Street, db
from service.district import places

BEFORE = "0024_key_content_reports"


def test_streets_held_get_the_district_their_code_lies_in(empty_database_url):
    app = create_app(for_tests(empty_database_url))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", BEFORE]).exit_code == 0
    with app.app_context():
        db.session.execute(text("INSERT INTO streets (code, name) VALUES "
                                "('110102001000', '西长安街街道'), ('110102003000', '新街口街道'), "
                                "('110105001000', '建外街道')"))
        # Communities refer to the streets that SQLite's batch rebuilds.
        db.session.execute(text("INSERT INTO communities (code, street_code, name, radius_m) "
                                "VALUES ('110102001004', '110102001000', '府右街南社区居委会', "
                                "800)"))
        db.session.commit()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with app.app_context():
        assert [(d.code, d.name) for d in db.session.scalars(
            select(District).order_by(District.code))] == [
            ("110102000000", "110102000000"), ("110105000000", "110105000000")]
        assert dict(db.session.execute(select(Street.code, Street.district_code)).all()) == {
            "110102001000": "110102000000", "110102003000": "110102000000",
            "110105001000": "110105000000"}
    seeded = runner.invoke(args=["seed-district"])
    assert seeded.exit_code == 0, seeded.output
    with app.app_context():
        assert db.session.get(District, "110102000000").name == "西城区"
        assert db.session.get(Street, "110102001000").district.name == "西城区"
        assert [d.community_count for d in places.list_districts().items] == [263, 0]

    downgraded = runner.invoke(args=["db", "downgrade", BEFORE])
    assert downgraded.exit_code == 0, downgraded.output
    with app.app_context():
        inspector = sa.inspect(db.engine)
        assert "districts" not in inspector.get_table_names()
        assert "district_code" not in {c["name"] for c in inspector.get_columns("streets")}
        # The shipped 15 and the one of another district; their communities kept.
        assert db.session.scalar(text("SELECT count(*) FROM streets")) == 16
        assert db.session.scalar(text("SELECT count(*) FROM communities")) == 263
        db.engine.dispose()
