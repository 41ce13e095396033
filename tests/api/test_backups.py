"""`flask backup`, `backup --verify` and `restore`: a copy taken while phones post visits holds
every visit acknowledged before it began; a changed byte is refused; retention keeps 7 daily,
4 weekly and 12 monthly copies."""

import json
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api import create_app
from api.config import for_tests
from models import db
from service.operations.backups import BACKUP_PREFIX, prune, take_backup, to_keep
from tests.api.test_visits import visit_body


def restore_into(url: str, backup: Path):
    target = create_app(for_tests(url))
    result = target.test_cli_runner().invoke(args=["restore", str(backup)])
    with target.app_context():
        db.engine.dispose()
    return result


def client_ids_in(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        ids = set(conn.execute(text("SELECT client_id FROM visits")).scalars())
    engine.dispose()
    return ids


def the_backup(folder: Path) -> Path:
    [backup] = [p for p in folder.iterdir() if not p.name.endswith(".json")]
    return backup


def test_a_backup_under_load_holds_every_visit_acknowledged_before_it(
        app, runner, liaison_headers, empty_database_url, tmp_path):
    acknowledged, stop = [], threading.Event()

    def phone():
        client = app.test_client()
        for number in range(2000):
            if stop.is_set():
                return
            body = visit_body(client_id=str(uuid.uuid4()),
                              visited_at=f"2022-05-{1 + number % 28:02d}T10:00:00+08:00",
                              fix_at=f"2022-05-{1 + number % 28:02d}T10:00:00+08:00")
            if client.post("/api/v1/visits", json=body,
                           headers=liaison_headers).status_code == 201:
                acknowledged.append(body["client_id"])

    posting = threading.Thread(target=phone)
    posting.start()
    try:
        while len(acknowledged) < 30 and posting.is_alive():
            time.sleep(0.01)
        before = set(acknowledged)
        taken = runner.invoke(args=["backup", "--out", str(tmp_path / "backups")])
        during = len(acknowledged)
    finally:
        stop.set()
        posting.join()
    assert taken.exit_code == 0, taken.output
    assert during > len(before), "no visit was posted while the backup was taken"
    backup = the_backup(tmp_path / "backups")

    verified = runner.invoke(args=["backup", "--verify", str(backup)])
    assert verified.exit_code == 0, verified.output
    restored = restore_into(empty_database_url, backup)
    assert restored.exit_code == 0, restored.output
    assert before <= client_ids_in(empty_database_url)


def test_a_backup_with_one_byte_changed_is_refused(runner, liaison_headers, client,
                                                   empty_database_url, tmp_path):
    assert client.post("/api/v1/visits", json=visit_body(),
                       headers=liaison_headers).status_code == 201
    assert runner.invoke(args=["backup", "--out", str(tmp_path)]).exit_code == 0
    backup = the_backup(tmp_path)
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))
    for result in (runner.invoke(args=["backup", "--verify", str(backup)]),
                   restore_into(empty_database_url, backup)):
        assert result.exit_code != 0
        assert "校验和" in result.output
    assert not Path(make_url(empty_database_url).database).exists() or \
        client_ids_in(empty_database_url) == set()


def test_restoring_into_a_database_that_is_not_empty_is_refused(runner, tmp_path,
                                                                database_url):
    assert runner.invoke(args=["backup", "--out", str(tmp_path)]).exit_code == 0
    result = restore_into(database_url, the_backup(tmp_path))
    assert result.exit_code != 0 and "不是空的" in result.output


def test_retention_keeps_seven_days_four_weeks_twelve_months():
    daily = [datetime.combine(date(2022, 1, 1) + timedelta(days=n), time_of_day(18),
                              tzinfo=UTC)
             for n in range(365)]
    kept = {moment.date() for moment in to_keep(daily)}
    last_days = {date(2022, 12, d) for d in range(25, 32)}
    earlier_weeks = {date(2022, 12, 18), date(2022, 12, 11)}  # W52 and W51 are in the days
    month_ends = {date(2022, m, 1) + timedelta(days=31) for m in range(1, 12)}
    month_ends = {d.replace(day=1) - timedelta(days=1) for d in month_ends}
    assert kept == last_days | earlier_weeks | month_ends
    assert len(kept) == 7 + 2 + 11


def test_a_backup_without_a_folder_goes_where_the_daily_job_puts_them(app, runner):
    taken = runner.invoke(args=["backup"])
    assert taken.exit_code == 0, taken.output
    folder = Path(app.config["BACKUPS_DIR"])
    assert taken.output.startswith(str(folder))
    assert any(folder.glob(f"{BACKUP_PREFIX}*.json"))


def test_backups_written_under_the_old_prefix_still_verify_and_are_pruned_with_the_rest(
        app, runner, tmp_path):
    """The file names' prefix changed (it named one district): a backup is known by its
    manifest, so the copies already written verify and age out like the new ones, and a JSON
    file that is no manifest of its neighbour is left alone."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    first = take_backup(url, tmp_path, now=datetime(2020, 1, 15, 18, tzinfo=UTC))
    assert first.file.startswith(BACKUP_PREFIX)
    old_name = "xicheng-" + first.file.removeprefix(BACKUP_PREFIX)
    (tmp_path / first.file).rename(tmp_path / old_name)
    manifest = json.loads((tmp_path / f"{first.file}.json").read_text(encoding="utf-8"))
    (tmp_path / f"{first.file}.json").unlink()
    (tmp_path / f"{old_name}.json").write_text(json.dumps({**manifest, "file": old_name}),
                                               encoding="utf-8")
    verified = runner.invoke(args=["backup", "--verify", str(tmp_path / old_name)])
    assert verified.exit_code == 0, verified.output
    assert f"verified {tmp_path / old_name}" in verified.output
    # A stranger: well-formed JSON naming a file that is not its own name's backup.
    stranger = tmp_path / "notes.json"
    stranger.write_text(json.dumps({**manifest, "file": old_name}), encoding="utf-8")
    # Twelve later months of copies: the old one is no longer the newest of any kept month.
    for month in range(2, 14):
        moment = datetime(2020 + month // 13, (month - 1) % 12 + 1, 15, 18, tzinfo=UTC)
        name = f"{BACKUP_PREFIX}{moment:%Y%m%dT%H%M%S%fZ}.sqlite3"
        (tmp_path / name).write_bytes(b"copy")
        (tmp_path / f"{name}.json").write_text(json.dumps(
            {**manifest, "file": name, "taken_at": moment.isoformat()}), encoding="utf-8")
    assert prune(tmp_path) == [old_name]
    assert not (tmp_path / old_name).exists() and not (tmp_path / f"{old_name}.json").exists()
    assert stranger.exists()
    assert len(list(tmp_path.glob(f"{BACKUP_PREFIX}*.json"))) == 12
