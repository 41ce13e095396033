"""A weekly set being made or a burst of logins never blocks a phone: reading, hashing and
rendering happen outside SQLite's write lock, so visit POSTs meanwhile are answered at once,
and so are downloads of a stored set.

The bounds (1 s, 0.3 s) are the issue's promises to the phones; what they guard against is a
wait of the whole set (seconds) or of every queued login's hash (tenths of seconds each)."""

import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from models import User, Visit, db
from service.clock import local_date
from service.reports.calendar import parse_week, week_label
from tests.api.test_visits import visit_body

ROOT = Path(__file__).resolve().parents[2]
def timed_visit_posts(client, headers, count: int, pause: float = 0.02,
                      while_running=None) -> list[tuple]:
    """(status, seconds) of `count` visit POSTs, one after the other; with `while_running`,
    as long as it says the other work runs (at most `count`)."""
    answers = []
    start = datetime(2022, 5, 16, 9, 0)
    for number in range(count):
        if while_running is not None and not while_running():
            break
        moment = (start + timedelta(minutes=number)).isoformat() + "+08:00"
        began = time.perf_counter()
        response = client.post("/api/v1/visits", headers=headers, json=visit_body(
            client_id=str(uuid.uuid4()), visited_at=moment, fix_at=moment))
        answers.append((response.status_code, time.perf_counter() - began))
        time.sleep(pause)
    return answers


def busiest_week() -> str:
    """The ISO week (Asia/Shanghai) with the most visits."""
    weeks = Counter(week_label(local_date(moment))
                    for moment in db.session.scalars(select(Visit.visited_at)))
    return weeks.most_common(1)[0][0]


@pytest.fixture
def demo_year(app, runner, client):
    """The demo year, its busiest week, and the headers of its liaison01 (who covers
    110102001004) and admin."""
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        week = busiest_week()

    def headers(username):
        token = client.post("/api/v1/auth/login", json={
            "username": username, "password": "xicheng2022"}).get_json()["access_token"]
        return {"Authorization": f"Bearer {token}"}
    return week, headers("liaison01"), headers("admin")


def test_visits_are_answered_at_once_while_the_weekly_set_is_written(
        app, client, demo_year, database_url, tmp_path):
    week, liaison01, _admin = demo_year
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "x",
           "JOBS_SQLITE_PATH": str(tmp_path / "jobs.db")}  # not the instance's queue
    report = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "weekly-reports", "--week", week,
         "--out", str(tmp_path), "--jobs", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(1.0)  # started: importing, then gathering and rendering
        assert report.poll() is None, report.stdout.read()
        answers = timed_visit_posts(client, liaison01, 1000, pause=0.01,
                                    while_running=lambda: report.poll() is None)
    finally:
        output, _ = report.communicate(timeout=300)
    assert report.returncode == 0, output
    assert {status for status, _ in answers} == {201}
    assert max(seconds for _, seconds in answers) < 1.0, answers
    assert len(answers) >= 50, "the report ended before 50 visits: too little was measured"


def test_visits_and_stored_downloads_are_answered_at_once_while_a_consumer_makes_a_set(
        app, client, demo_year, make_set, consumer):
    week, liaison01, admin_headers = demo_year
    other = week_label(parse_week(week).start - timedelta(days=7))
    make_set(other)  # a week whose set is stored, to download meanwhile
    asked = client.post(f"/api/v1/reports/weekly/{week}/runs", headers=admin_headers)
    assert asked.status_code == 202, asked.get_json()
    job_id = asked.get_json()["id"]

    def status() -> dict:
        return client.get(f"/api/v1/reports/weekly/{week}", headers=admin_headers).get_json()

    def making() -> bool:
        active = status()["active"]
        return active is not None and active["id"] == job_id

    downloads = []

    def download_meanwhile():
        downloader = app.test_client()
        while making():
            began = time.perf_counter()
            response = downloader.get(f"/api/v1/reports/weekly/{other}.zip",
                                      headers=admin_headers)
            downloads.append((response.status_code, time.perf_counter() - began,
                              len(response.data)))
            time.sleep(0.05)

    assert making(), status()
    downloading = threading.Thread(target=download_meanwhile)
    downloading.start()
    answers = timed_visit_posts(client, liaison01, 5000, pause=0.01, while_running=making)
    downloading.join(timeout=300)
    deadline = time.monotonic() + 300
    while making() and time.monotonic() < deadline:
        time.sleep(0.5)

    made = status()["latest"]
    assert made is not None and made["id"] == job_id, status()
    assert (made["status"], made["trigger"], made["username"]) == ("done", "request", "admin")
    assert {status for status, _ in answers} == {201}
    assert max(seconds for _, seconds in answers) < 1.0, answers
    assert len(answers) >= 30, "the set was made before 30 visits: too little was measured"
    assert {status for status, _, _ in downloads} == {200}
    assert len({size for _, _, size in downloads}) == 1 and downloads[0][2] > 100_000
    assert max(seconds for _, seconds, _ in downloads) < 1.0, downloads
    assert len(downloads) >= 5, "the set was made before 5 downloads: too little was measured"


def test_visits_are_answered_at_once_during_a_burst_of_logins(app, client, make_user,
                                                              liaison_headers):
    users = [make_user("liaison", f"burst{n}") for n in range(10)]
    with app.app_context():
        # The production hash (scrypt, ~0.1 s), where the suite otherwise uses a cheap one.
        expensive = generate_password_hash(users[0].password, method="scrypt")
        db.session.execute(update(User).where(User.username.like("burst%"))
                           .values(password_hash=expensive))
        db.session.commit()
    statuses = []

    def log_in(user):
        response = app.test_client().post("/api/v1/auth/login", json={
            "username": user.username, "password": user.password},
            environ_base={"REMOTE_ADDR": f"10.0.0.{users.index(user) + 1}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=log_in, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    answers = timed_visit_posts(client, liaison_headers, 15, pause=0.01)
    for thread in threads:
        thread.join()
    assert statuses == [200] * 10
    assert {status for status, _ in answers} == {201}
    assert max(seconds for _, seconds in answers) < 0.3, answers
