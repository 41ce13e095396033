"""Headers a browser relies on, on every kind of answer; a full disk is a 503 to retry."""

import pytest
from sqlalchemy import event, func, select, text

from api import create_app
from api.config import for_tests
from models import Problem, db
from service.district import accounts, places
from service.district.contracts import ensure_default_contract

FUYOUJIE = "110102001004"
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@pytest.mark.parametrize("url", ["/", "/api/v1/health", "/api/docs", "/api/openapi.json",
                                 "/api/v1/visits", "/static/app.js", "/nothing-here"])
def test_every_answer_carries_the_security_headers(client, url):
    response = client.get(url)
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, (url, name)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert response.headers["Permissions-Policy"].startswith("geolocation=(self)")


def test_the_api_docs_page_has_no_inline_script(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "<script>" not in page and "swagger-init.js" in page


@pytest.fixture
def full_disk_app(tmp_path):
    """An app on a SQLite file that cannot grow: SQLite answers SQLITE_FULL exactly as on a
    full disk (this runs whatever TEST_DATABASE_URL says: the condition is SQLite's)."""
    app = create_app(for_tests(f"sqlite:///{tmp_path / 'full.db'}"))
    with app.app_context():
        db.create_all()
        places.seed_district()
        ensure_default_contract()
        admin = accounts.create_user(username="boss", password="Xicheng-ops-2022!",
                                     role="admin")
        token = accounts.issue_token(admin, secret=app.config["SECRET_KEY"],
                                     lifetime=3600).access_token
        pages = db.session.execute(text("PRAGMA page_count")).scalar_one()
        db.session.commit()

        @event.listens_for(db.engine, "connect")
        def cap(dbapi_connection, _record):
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")
        db.engine.dispose()
    yield app, {"Authorization": f"Bearer {token}"}
    with app.app_context():
        db.engine.dispose()


def test_a_full_disk_is_a_503_to_retry_and_stores_nothing_half(full_disk_app):
    app, headers = full_disk_app
    client = app.test_client()
    statuses = []
    for number in range(200):
        response = client.post("/api/v1/problems", headers=headers, json={
            "community_code": FUYOUJIE, "title": f"问题 {number}", "category": "其他",
            "description": "长" * 2000})
        statuses.append(response.status_code)
        if response.status_code != 201:
            break
    assert statuses[-1] == 503 and set(statuses[:-1]) <= {201}
    assert response.headers["Retry-After"] == "60"
    assert "存储空间不足" in response.get_json()["message"]
    with app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(Problem))
    assert stored == len(statuses) - 1
