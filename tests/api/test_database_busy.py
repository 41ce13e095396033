"""SQLite's write lock held by another process: a writer waits for it, and past the busy
timeout the request is refused with 503 and Retry-After, changing nothing. These tests use
an SQLite file of their own whatever database the suite runs on: they test the SQLite set-up."""

import sqlite3
import threading
import time

import pytest

from api import create_app
from api.config import for_tests
from models import LoginAttempt, db

LOGIN = {"username": "nobody", "password": "not-the-password"}


@pytest.fixture
def sqlite_app(tmp_path):
    """make(busy_timeout) -> (app on an SQLite file of its own, a second connection to that
    file holding the write lock, as another process would)."""
    path = tmp_path / "busy.db"
    made = []

    def make(busy_timeout: float):
        app = create_app({**for_tests(f"sqlite:///{path}"), "SQLITE_BUSY_TIMEOUT": busy_timeout})
        with app.app_context():
            db.create_all()
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        made.append((app, other))
        return app, other

    yield make
    for app, other in made:
        other.close()
        with app.app_context():
            db.engine.dispose()


def attempts(app) -> int:
    with app.app_context():
        return db.session.query(LoginAttempt).count()


def test_a_writer_waits_for_the_lock_and_writes_once_it_is_free(sqlite_app):
    app, other_writer = sqlite_app(busy_timeout=5.0)
    threading.Timer(0.3, other_writer.commit).start()
    started = time.monotonic()
    response = app.test_client().post("/api/v1/auth/login", json=LOGIN)
    waited = time.monotonic() - started
    assert response.status_code == 401  # the failed login was checked and recorded
    assert 0.25 <= waited < 2.0
    assert attempts(app) == 1


def test_a_lock_held_past_the_busy_timeout_answers_503_and_changes_nothing(sqlite_app):
    app, other_writer = sqlite_app(busy_timeout=0.2)
    client = app.test_client()
    response = client.post("/api/v1/auth/login", json=LOGIN)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    body = response.get_json()
    assert body["code"] == 503 and body["message"] == "数据库繁忙，请稍后重试"
    other_writer.commit()
    assert attempts(app) == 0
    assert client.post("/api/v1/auth/login", json=LOGIN).status_code == 401
    assert attempts(app) == 1
