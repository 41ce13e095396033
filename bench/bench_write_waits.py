"""How long a phone's visit POST waits while other work holds the server or the database.

Three phases against one gunicorn (2 sync workers) on a scratch database of the demo year:
  idle    50 visit POSTs one after another, nothing else running;
  weekly  `flask weekly-reports` for the demo year's busiest ISO week runs in another process,
          and a visit is POSTed every 50 ms until it exits;
  logins  10 accounts with scrypt hashes (the production PASSWORD_HASH_METHOD) log in at once,
          and a visit is POSTed every 20 ms until all 10 have answered.
Per phase it prints the count, the statuses, median / p95 / max latency, and how long the
concurrent work took. A wait is the database's (SQLite's write lock) and the server's alike:
with 2 sync workers a POST also queues for a worker, e.g. behind logins hashing on both.
Only 127.0.0.1 is contacted; measuring stops after 5 minutes at most.

    .venv/bin/python bench/bench_write_waits.py                     # SQLite
    .venv/bin/python bench/bench_write_waits.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

The code measured is the checkout given by --root (default: the repository this script is
in); `--root` without a value means the repository around the current directory. To compare
with an older revision, keep this script and this virtualenv and point them at the old tree:

    git worktree add /tmp/old <rev>
    cd /tmp/old && /work/main/.venv/bin/python /work/main/bench/bench_write_waits.py --root
    /work/main/.venv/bin/python bench/bench_write_waits.py --root /tmp/old   # the same

On PostgreSQL a scratch database bench_<random> is created next to the URL's and dropped."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import DateTime, create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_visits import free_port, scratch_database  # noqa: E402

BIN = Path(sys.executable).parent
BEIJING = timezone(timedelta(hours=8))
PASSWORD = "xicheng2022"  # service/demo.py DEMO_PASSWORD, unchanged since the demo year began
LOGIN_ACCOUNTS = ["admin", "official"] + [f"liaison{n:02d}" for n in range(2, 10)]
MEASURING_BUDGET = 300.0  # seconds for all three phases together
REQUEST_TIMEOUT = 30.0

# No proxy whatever the environment says: every request goes straight to 127.0.0.1.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def repository_root(given: str | None) -> Path:
    """The tree to measure: this script's repository, or the one around `given`."""
    if given is None:
        return Path(__file__).resolve().parent.parent
    found = subprocess.run(["git", "-C", given, "rev-parse", "--show-toplevel"],
                           capture_output=True, text=True)
    # A tree exported without .git (git archive) is taken as it is.
    return Path(found.stdout.strip() if found.returncode == 0 else given).resolve()


def describe_tree(root: Path) -> str:
    head = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h %s"],
                          capture_output=True, text=True)
    if head.returncode != 0:
        return f"{root} (not a git checkout)"
    changed = subprocess.run(["git", "-C", str(root), "status", "--short",
                              "--untracked-files=no"], capture_output=True, text=True)
    edits = len(changed.stdout.splitlines())
    return (f"{root} at {head.stdout.strip()[:70]}"
            + (f" (+{edits} uncommitted tracked files)" if edits else ""))


# --- set-up -------------------------------------------------------------------------------


def flask(root: Path, env: dict, *args: str, timeout: float = 900) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=root, env=env,
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare(root: Path, env: dict) -> None:
    flask(root, env, "db", "upgrade")
    flask(root, env, "seed-district")
    began = time.perf_counter()
    flask(root, env, "demo-data")
    print(f"set-up: demo-data took {time.perf_counter() - began:.0f} s", flush=True)


def busiest_week(url: str) -> tuple[str, int]:
    """The ISO week (Beijing time) with the most visits logged in the demo year."""
    engine = create_engine(url)
    # Typed as DateTime so that SQLite's text comes back as datetimes too.
    query = text("SELECT visited_at FROM visits WHERE deleted_at IS NULL").columns(
        visited_at=DateTime(timezone=True))
    with engine.connect() as conn:
        moments = conn.execute(query).scalars().all()
    engine.dispose()
    weeks = Counter()
    for moment in moments:
        # SQLite hands back naive UTC (models/base.py UTCDateTime).
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        year, week, _ = moment.astimezone(BEIJING).isocalendar()
        weeks[f"{year}-W{week:02d}"] += 1
    return weeks.most_common(1)[0]


@contextmanager
def serve(root: Path, env: dict, workers: int = 2):
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            HTTP.open(base + "/api/v1/health", timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("gunicorn did not answer /api/v1/health within 30 s")


# --- requests -----------------------------------------------------------------------------


def call(base: str, path: str, body: dict | None = None, token: str = "") -> tuple:
    """(status, seconds, parsed answer or None); a failed connection is a status too."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        base + path, headers=headers, method="GET" if body is None else "POST",
        data=None if body is None else json.dumps(body).encode())
    began = time.perf_counter()
    try:
        with HTTP.open(request, timeout=REQUEST_TIMEOUT) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    except OSError as error:  # refused, reset, timed out: counted, not fatal
        return type(error).__name__, time.perf_counter() - began, None
    seconds = time.perf_counter() - began
    try:
        return status, seconds, json.loads(payload)
    except ValueError:
        return status, seconds, None


def log_in(base: str, username: str) -> str:
    status, _, answer = call(base, "/api/v1/auth/login",
                             {"username": username, "password": PASSWORD})
    if status != 200:
        sys.exit(f"login as {username}: {status} {answer}")
    return answer["access_token"]


def liaison01_community(base: str, token: str) -> str:
    """A community of the first street by code, the one demo-data gives liaison01."""
    _, _, streets = call(base, "/api/v1/streets?per_page=100", token=token)
    street = min(s["code"] for s in streets["items"])
    _, _, communities = call(base, f"/api/v1/communities?street_code={street}&per_page=100",
                             token=token)
    return min(c["code"] for c in communities["items"])


class Phone:
    """One liaison's phone posting visits one after the other, at distinct moments of the
    contract (2022-03-15..2022-12-31), without a position (optional)."""

    FIRST = datetime(2022, 6, 1, 8, 0, tzinfo=BEIJING)

    def __init__(self, base: str, token: str, community: str):
        self.base, self.token, self.community = base, token, community
        self.sent = 0

    def post(self) -> tuple:
        moment = (self.FIRST + timedelta(minutes=self.sent)).isoformat()
        self.sent += 1
        status, seconds, _ = call(self.base, "/api/v1/visits", {
            "client_id": str(uuid.uuid4()), "community_code": self.community,
            "visited_at": moment, "purpose": "routine", "notes": "bench: write waits",
            "people_met": 1, "new_registrations": 0}, token=self.token)
        return status, seconds

    def post_every(self, interval: float, busy, deadline: float) -> list[tuple]:
        """Post on a fixed cadence while `busy()` holds; a slow answer delays the next post
        (one phone), it does not make posts pile up."""
        answers, due = [], time.monotonic()
        while busy() and time.monotonic() < deadline and len(answers) < 10_000:
            time.sleep(max(0.0, due - time.monotonic()))
            answers.append(self.post())
            due = max(due + interval, time.monotonic())
        return answers


# --- phases -------------------------------------------------------------------------------


def phase_idle(phone: Phone, deadline: float) -> dict:
    answers = []
    while len(answers) < 50 and time.monotonic() < deadline:
        answers.append(phone.post())
    return {"answers": answers, "work": "nothing else"}


def phase_weekly(phone: Phone, root: Path, env: dict, week: str, out: Path,
                 deadline: float) -> dict:
    began = time.monotonic()
    report = subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", "weekly-reports", "--week", week,
         "--out", str(out)], cwd=root, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        answers = phone.post_every(0.05, lambda: report.poll() is None, deadline)
        output, _ = report.communicate(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        report.kill()
        output, _ = report.communicate()
    seconds = time.monotonic() - began
    last_line = (output.strip().splitlines() or ["(no output)"])[-1]
    return {"answers": answers,
            "work": f"weekly-reports {week}: {seconds:.1f} s, exit {report.returncode}, "
                    f"{last_line[:80]}"}


def phase_logins(phone: Phone, base: str, deadline: float) -> dict:
    results: list[tuple] = []
    start_together = threading.Barrier(len(LOGIN_ACCOUNTS))

    def one_login(username: str) -> None:
        start_together.wait()
        status, seconds, _ = call(base, "/api/v1/auth/login",
                                  {"username": username, "password": PASSWORD})
        results.append((status, seconds))

    threads = [threading.Thread(target=one_login, args=(name,), daemon=True)
               for name in LOGIN_ACCOUNTS]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    answers = phone.post_every(0.02, lambda: any(t.is_alive() for t in threads), deadline)
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT)
    seconds = time.monotonic() - began
    statuses = dict(Counter(status for status, _ in results))
    slowest = max((s for _, s in results), default=0.0)
    return {"answers": answers,
            "work": f"10 logins: {seconds:.2f} s, statuses {statuses}, "
                    f"slowest login {slowest * 1000:.0f} ms"}


# --- report -------------------------------------------------------------------------------


def summary(answers: list[tuple]) -> dict:
    milliseconds = sorted(seconds * 1000 for _, seconds in answers)
    if not milliseconds:
        return {"count": 0, "statuses": {}, "median": 0.0, "p95": 0.0, "max": 0.0}
    p95 = milliseconds[min(len(milliseconds) - 1, round(0.95 * (len(milliseconds) - 1)))]
    return {"count": len(milliseconds),
            "statuses": dict(Counter(status for status, _ in answers)),
            "median": statistics.median(milliseconds), "p95": p95, "max": milliseconds[-1]}


def print_results(results: dict) -> None:
    print(f"{'phase':<8}{'posts':>6}  {'statuses':<22}{'median ms':>10}{'p95 ms':>9}"
          f"{'max ms':>9}  concurrent work")
    for name, result in results.items():
        s = summary(result["answers"])
        print(f"{name:<8}{s['count']:>6}  {str(s['statuses']):<22}{s['median']:>10.1f}"
              f"{s['p95']:>9.1f}{s['max']:>9.1f}  {result['work']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--root", nargs="?", const=".", default=None,
                        help="the checkout to measure (alone: the one around the current "
                             "directory; default: this script's)")
    args = parser.parse_args()
    root = repository_root(args.root)
    with scratch_database(args.database_url) as url, tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench",
               "PASSWORD_HASH_METHOD": "scrypt", "PYTHONPATH": str(root)}
        prepare(root, env)
        week, visits = busiest_week(url)
        with serve(root, env) as base:
            deadline = time.monotonic() + MEASURING_BUDGET
            token = log_in(base, "liaison01")
            phone = Phone(base, token, liaison01_community(base, token))
            for _ in range(4):  # warm-up, uncounted: both workers' first queries and caches
                phone.post()
            results = {
                "idle": phase_idle(phone, deadline),
                "weekly": phase_weekly(phone, root, env, week, Path(tmp) / "reports",
                                       deadline),
                "logins": phase_logins(phone, base, deadline),
            }
        print(f"tree: {describe_tree(root)}")
        print(f"database: {make_url(url).get_backend_name()}, gunicorn 2 sync workers, "
              f"{os.cpu_count()} cores, busiest week {week} ({visits} visits), "
              f"liaison01 posting to {phone.community}")
        print_results(results)


if __name__ == "__main__":
    main()
