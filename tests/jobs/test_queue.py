"""Jobs made by real huey consumers, on both of the queue's storages (a SQLite file and Redis):
a week's set asked for through the API, made in parts and served from disk; a failing step
retried and then shown failed with its reason; the daily backup made and verified; the jobs
page with the schedule; refusals."""

import io
import os
import subprocess
import sys
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from api import create_app
from api.config import for_tests
from models import Job, db
from service.district import accounts
from service.reports import runs
from tests.api.test_visits import visit_body
from tests.conftest import DEFAULT_PASSWORD, running_consumer

WEEK = "2022-W30"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "redis"])
def storage(request):
    return request.param


@pytest.fixture
def queue_app(storage, database_url, tmp_path):
    """An app on the suite's database whose queue lives in the storage under test."""
    config = for_tests(database_url, str(tmp_path))
    config["REDIS_URL"] = REDIS_URL if storage == "redis" else None
    app = create_app(config)
    yield app
    app.extensions["jobs"].huey.flush()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def headers_for(app, role: str, username: str) -> dict:
    with app.app_context():
        user = accounts.create_user(username=username, password=DEFAULT_PASSWORD, role=role)
        token = accounts.issue_token(user, secret=app.config["SECRET_KEY"],
                                     lifetime=app.config["TOKEN_LIFETIME"])
    return {"Authorization": f"Bearer {token.access_token}"}


def wait_for(client, headers, url, done, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(url, headers=headers).get_json()
        if done(body):
            return body
        time.sleep(0.2)
    raise AssertionError(f"not done in {timeout} s: {body}")


def test_an_admin_asks_for_a_set_and_consumers_make_it_from_parts(queue_app, storage):
    client = queue_app.test_client()
    admin = headers_for(queue_app, "admin", "boss")
    official = headers_for(queue_app, "official", "guan")
    assert client.get(f"/api/v1/reports/weekly/{WEEK}.zip", headers=official).status_code == 404

    asked = client.post(f"/api/v1/reports/weekly/{WEEK}/runs", headers=admin)
    assert asked.status_code == 202, asked.get_json()
    job = asked.get_json()
    assert (job["status"], job["username"], job["subject"]) == ("queued", "boss", WEEK)
    assert asked.headers["Location"].endswith(f"/api/v1/reports/weekly/{WEEK}")
    # Asking again while it waits answers the same job: one set.
    again = client.post(f"/api/v1/reports/weekly/{WEEK}/runs", headers=admin).get_json()
    assert again["id"] == job["id"]
    status = client.get(f"/api/v1/reports/weekly/{WEEK}", headers=official).get_json()
    assert (status["generated"], status["active"]["id"]) == (False, job["id"])

    with running_consumer(queue_app, workers=2):
        status = wait_for(client, official, f"/api/v1/reports/weekly/{WEEK}",
                          lambda body: body["latest"] or (body["runs"] and
                                                          body["runs"][0]["status"] == "failed"))
    latest = status["latest"]
    assert latest is not None, status["runs"][0]["error"]
    assert (latest["id"], latest["status"], latest["status_label"]) == (job["id"], "done", "已完成")
    assert latest["progress_done"] == latest["progress_total"] == 280
    assert latest["attempts"] == 1 and latest["seconds"] > 0 and latest["error"] is None
    assert (status["generated"], status["stale"], status["active"]) == (True, False, None)

    archive = client.get(f"/api/v1/reports/weekly/{WEEK}.zip", headers=official)
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.data)) as opened:
        names = opened.namelist()
        assert opened.testzip() is None
    assert len(names) == 279 and names[-1] == "district.xlsx"
    assert sum(n.startswith("communities/") for n in names) == 263
    community = client.get(f"/api/v1/reports/weekly/{WEEK}/communities/110102001004.xlsx",
                           headers=official)
    assert community.status_code == 200 and community.data[:2] == b"PK"
    # The set's parts were spread over the queue: more than one task rendered it.
    with queue_app.app_context():
        assert len(runs.workbook_parts(runs.read_week(WEEK))) > 2


def test_a_failing_step_is_retried_then_the_job_shows_failed_with_its_reason(
        database_url, tmp_path, storage):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the reports folder should be")
    config = {**for_tests(database_url, str(tmp_path)), "REPORTS_DIR": str(blocked / "reports"),
              "REDIS_URL": REDIS_URL if storage == "redis" else None}
    app = create_app(config)
    try:
        client = app.test_client()
        admin = headers_for(app, "admin", "boss")
        job = client.post(f"/api/v1/reports/weekly/{WEEK}/runs", headers=admin).get_json()
        with running_consumer(app, workers=1):
            failed = wait_for(client, admin, f"/api/v1/jobs/{job['id']}",
                              lambda body: body["status"] == "failed")
        assert failed["attempts"] == 3  # the first try and two retries
        assert failed["status_label"] == "失败"
        assert "无法读写文件" in failed["error"] and "not-a-folder" in failed["error"]
        listed = client.get("/api/v1/jobs?status=failed", headers=admin).get_json()
        assert [item["id"] for item in listed["items"]] == [job["id"]]
        # A failed set is no set: downloads still say it has not been made.
        missing = client.get(f"/api/v1/reports/weekly/{WEEK}/district.xlsx", headers=admin)
        assert missing.status_code == 404 and "尚未生成" in missing.get_json()["message"]
    finally:
        app.extensions["jobs"].huey.flush()
        with app.app_context():
            db.engine.dispose()


def test_the_daily_backup_is_taken_and_verified_by_a_consumer(queue_app):
    from service.jobs import schedule

    client = queue_app.test_client()
    admin = headers_for(queue_app, "admin", "boss")
    with queue_app.app_context():
        schedule.queue_due_work()
    with running_consumer(queue_app, workers=1):
        body = wait_for(client, admin, "/api/v1/jobs?kind=backup",
                        lambda b: b["items"] and b["items"][0]["status"] in ("done", "failed"))
    job = body["items"][0]
    assert (job["status"], job["trigger"]) == ("done", "schedule"), job["error"]
    assert job["result"]["verified"] is True and job["result"]["integrity"] == "ok"
    assert Path(job["result"]["file"]).exists() and len(job["result"]["sha256"]) == 64
    assert job["result"]["rows"] > 263  # the district at least


def test_the_jobs_page_lists_every_kind_and_the_schedule(app, client, admin_headers,
                                                         make_user, auth_headers, make_set):
    make_set(WEEK)
    body = client.get("/api/v1/jobs", headers=admin_headers).get_json()
    assert [(j["kind"], j["kind_label"], j["trigger"], j["status"]) for j in body["items"]] == [
        ("weekly_set", "周报全套", "cli", "done")]
    assert body["queue"] in ("sqlite", "redis") and body["pending"] == 0
    schedule = {s["kind"]: s for s in body["schedule"]}
    assert set(schedule) == {"weekly_set", "backup"}
    assert "周一 06:00" in schedule["weekly_set"]["label"]
    assert "02:00" in schedule["backup"]["label"]
    next_backup = datetime.fromisoformat(schedule["backup"]["next_run"])
    assert (next_backup.utcoffset(), next_backup.hour, next_backup.minute) == (
        timedelta(hours=8), 2, 0)
    assert datetime.fromisoformat(schedule["weekly_set"]["next_run"]).isoweekday() == 1
    only_backups = client.get("/api/v1/jobs?kind=backup", headers=admin_headers).get_json()
    assert only_backups["items"] == []
    assert client.get("/api/v1/jobs?kind=nonsense", headers=admin_headers).status_code == 422
    assert client.get("/api/v1/jobs/999", headers=admin_headers).status_code == 404


def test_only_admins_ask_for_sets_and_read_jobs(client, make_user, auth_headers):
    official = auth_headers(make_user("official", "guan"))
    liaison = auth_headers(make_user("liaison", "li", streets=["110102001000"]))
    for headers in (official, liaison):
        assert client.post(f"/api/v1/reports/weekly/{WEEK}/runs",
                           headers=headers).status_code == 403
        assert client.get("/api/v1/jobs", headers=headers).status_code == 403
    assert client.post(f"/api/v1/reports/weekly/{WEEK}/runs").status_code == 401


def test_a_week_that_has_not_begun_cannot_be_made(client, admin_headers):
    future = date.today() + timedelta(days=14)
    label = f"{future.isocalendar()[0]}-W{future.isocalendar()[1]:02d}"
    refused = client.post(f"/api/v1/reports/weekly/{label}/runs", headers=admin_headers)
    assert refused.status_code == 422
    assert "尚未开始" in refused.get_json()["errors"]["json"]["week"][0]
    assert client.post("/api/v1/reports/weekly/2022-W99/runs",
                       headers=admin_headers).status_code == 422


def test_a_change_after_the_set_makes_the_week_stale(app, client, admin_headers, make_set,
                                                     make_user, auth_headers):
    liaison = auth_headers(make_user("liaison", "li", streets=["110102001000"]))
    make_set(WEEK)
    time.sleep(2.1)  # past the allowance for writes in flight when the set read the week
    made = make_set(WEEK)
    status = client.get(f"/api/v1/reports/weekly/{WEEK}", headers=admin_headers).get_json()
    assert (status["latest"]["id"], status["stale"]) == (made.job.id, False)
    # Only the latest set is kept on disk.
    assert len(list(Path(app.config["REPORTS_DIR"], WEEK).iterdir())) == 1
    # A late visit of the week (synced from a phone offline since then).
    visit = client.post("/api/v1/visits", headers=liaison, json=visit_body(
        visited_at="2022-07-27T10:00:00+08:00", fix_at="2022-07-27T09:59:00+08:00"))
    assert visit.status_code == 201, visit.get_json()
    status = client.get(f"/api/v1/reports/weekly/{WEEK}", headers=admin_headers).get_json()
    assert status["stale"] is True
    # Figures are cumulative: a later week's set made before the visit is stale too; an
    # earlier week's is not.
    with app.app_context():
        from models import Visit
        for visit in Visit.query.all():  # as if logged before both sets below were made
            visit.updated_at = visit.created_at = datetime(2022, 7, 27, tzinfo=UTC)
        db.session.commit()
    earlier, later = make_set("2022-W29"), make_set("2022-W31")
    time.sleep(2.1)
    client.post("/api/v1/visits", headers=liaison, json=visit_body(
        visited_at="2022-07-28T10:00:00+08:00", fix_at="2022-07-28T09:59:00+08:00"))
    with app.app_context():
        assert runs.week_status(later.job.subject).stale is True
        assert runs.week_status(earlier.job.subject).stale is False


def test_the_worker_command_runs_a_consumer_in_its_own_process(app, client, admin_headers):
    """`flask --app wsgi worker`, as the README runs it, makes a set asked for through the API."""
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "JOBS_SQLITE_PATH": app.config["JOBS_SQLITE_PATH"],
           "JOBS_QUEUE_NAME": app.config["JOBS_QUEUE_NAME"],
           "REPORTS_DIR": app.config["REPORTS_DIR"], "REDIS_URL": app.config["REDIS_URL"] or "",
           "SECRET_KEY": "x"}
    job = client.post(f"/api/v1/reports/weekly/{WEEK}/runs", headers=admin_headers).get_json()
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "2",
         "--no-periodic"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        done = wait_for(client, admin_headers, f"/api/v1/jobs/{job['id']}",
                        lambda body: body["status"] in ("done", "failed"))
    finally:
        worker.send_signal(2)  # Ctrl-C: the consumer stops after its current task
        output = worker.communicate(timeout=60)[0].decode()
    assert done["status"] == "done", (done["error"], output[-3000:])
    assert worker.returncode == 0, output[-3000:]
    assert "consumer: 2 process workers" in output
    with app.app_context():
        assert db.session.get(Job, job["id"]).result["files"] == 280


def test_an_unreachable_queue_is_503_and_the_job_shows_why(database_url, tmp_path):
    config = {**for_tests(database_url, str(tmp_path)), "REDIS_URL": "redis://127.0.0.1:1/0"}
    app = create_app(config)
    try:
        client = app.test_client()
        admin = headers_for(app, "admin", "boss")
        refused = client.post(f"/api/v1/reports/weekly/{WEEK}/runs", headers=admin)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
        assert refused.get_json()["message"] == "任务队列暂时不可用，请稍后重试"
        jobs = client.get("/api/v1/jobs", headers=admin).get_json()
        assert jobs["pending"] is None  # the page still answers
        failed = jobs["items"][0]
        assert failed["status"] == "failed" and "无法加入任务队列" in failed["error"]
        # Asking again is possible: the failed job does not stand in the way.
        assert client.post(f"/api/v1/reports/weekly/{WEEK}/runs",
                           headers=admin).status_code == 503
    finally:
        with app.app_context():
            db.engine.dispose()


def test_every_kind_of_job_has_a_chinese_name_and_can_be_filtered(client, admin_headers):
    """Each kind the service creates is named for the jobs page and accepted by its filter."""
    from service.jobs.records import KIND_LABELS
    from service.operations import backup_jobs
    from service.reports import content, effect, execution, mail, runs
    kinds = {backup_jobs.KIND, effect.KIND, execution.KIND, mail.KIND, runs.KIND,
             content.JOB_KIND}
    assert kinds <= set(KIND_LABELS)
    for kind in kinds:
        answer = client.get(f"/api/v1/jobs?kind={kind}", headers=admin_headers)
        assert answer.status_code == 200 and answer.get_json()["items"] == [], kind
