"""A load test of the real mix against gunicorn and PostgreSQL at 3,400 communities (issue #19,
point 3), bounded in time, all traffic on 127.0.0.1.

Builds the city of bench_city_reads.py on a scratch database (or measures a database it built
before, --database-url … --in-place), serves it with gunicorn and a job consumer, and runs
--users virtual users for --seconds, each a thread with its own session, arriving at random
over the first --think seconds and then waiting --think seconds (±50 %) between requests:
  liaisons (half the users): log a visit at a real position in one of their communities
    (POST /api/v1/visits), then open their coverage;
  officials (the others but two), by turns the city's (the city's overview, the city's daily
    series for the contract year, targets, the coverage of a street) and the largest district's
    (its overview, its series, targets, its coverage);
  an admin importing the district's user-count file (POST /api/v1/user-counts/import) every
    10 s (±50 %) for a random day of the contract;
  an admin asking once for the last contract week's weekly set of every district, as the
    Monday schedule does (POST …/reports/weekly/W/runs?district=D, the demo district first),
    and following them (GET …/reports/weekly/W?district=D); the seconds until all were made
    are printed.
Prints per endpoint: count, errors, median, p95; then the overall p95 and error count, the
load average before and after, and exits 1 unless every request answered 2xx.

    .venv/bin/python bench/load_mix.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/load_mix.py --database-url …/h_load --in-place --workers 4 --threads 4
Goal: p95 < 500 ms and zero errors at 50 concurrent users."""

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager, nullcontext
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import func, select, update

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_city_reads import DISTRICT_OFFICIAL, build_city  # noqa: E402
from bench_user_counts import export_file, real_district_code  # noqa: E402
from bench_visits import free_port, scratch_database  # noqa: E402

from api import create_app  # noqa: E402
from api.config import for_tests  # noqa: E402
from models import Assignment, Community, District, Job, JobStatus, Street, User, db  # noqa: E402
from service.clock import SHANGHAI  # noqa: E402
from service.demo import DEMO_PASSWORD, last_contract_week  # noqa: E402
from service.district.contracts import current_contract  # noqa: E402
from service.fieldwork.geo import random_point_in_street  # noqa: E402

IMPORT_PAUSE = 10.0


class Recorder:
    """Latencies and errors per endpoint, from every thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.statuses = defaultdict(lambda: defaultdict(int))
        self.set_made = None  # when the weekly sets were first seen made

    def call(self, session, name, method, url, ok=(200, 201), **kwargs):
        began = time.perf_counter()
        try:
            response = session.request(method, url, timeout=60, **kwargs)
            status = response.status_code
        except requests.RequestException as error:
            response, status = None, type(error).__name__
        elapsed = (time.perf_counter() - began) * 1000
        with self.lock:
            self.times[name].append(elapsed)
            self.statuses[name][status] += 1
            if status not in ok:
                self.errors[name] += 1
        return response if status in ok else None


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


class Scenario:
    """What the virtual users need from the database, read once before the load."""

    def __init__(self, app):
        with app.app_context():
            contract = current_contract()
            self.start, self.end = contract.start_date, contract.end_date
            self.week = last_contract_week()
            self.import_file = export_file()
            rng = random.Random(7)
            real = db.session.execute(
                select(Community.code, Community.street_code, Community.latitude,
                       Community.longitude).where(Community.code.like("110102%"))).all()
            # The liaisons of the real district's streets (the demo gives one to every street
            # of the city, numbered by street code, so another district's come first).
            self.liaisons = dict(db.session.execute(
                select(User.username, Assignment.street_code)
                .join(Assignment, Assignment.user_id == User.id)
                .where(Assignment.street_code.like("110102%"))
                .order_by(Assignment.street_code)).all())
            self.points = defaultdict(list)  # street -> (community, lat, lon) inside it
            for code, street, lat, lon in real:
                for _ in range(5):
                    if lat is not None:
                        spot = (lat + rng.uniform(-0.0008, 0.0008),
                                lon + rng.uniform(-0.0008, 0.0008))
                    else:
                        spot = random_point_in_street(street, rng)
                    self.points[street].append((code, round(spot[0], 6), round(spot[1], 6)))
            self.busiest_street = db.session.execute(
                select(Community.street_code).group_by(Community.street_code)
                .order_by(func.count().desc(), Community.street_code)).first()[0]
            self.streets = db.session.scalar(select(func.count()).select_from(Street))
            # A weekly set is one district's: the demo district's first, then the others.
            real = real_district_code()
            self.districts = sorted(db.session.scalars(select(District.code)),
                                    key=lambda code: (code != real, code))
            self.communities = db.session.scalar(select(func.count()).select_from(Community))


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{base}/api/v1/auth/login",
                          json={"username": username, "password": DEMO_PASSWORD}, timeout=60)
    answer.raise_for_status()
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return session


def liaison(base, session, rec, scenario, username, rng):
    street = scenario.liaisons[username]
    code, lat, lon = rng.choice(scenario.points[street])
    day = scenario.start + timedelta(days=rng.randrange((scenario.end - scenario.start).days))
    visited = datetime.combine(day, datetime.min.time().replace(hour=rng.randint(8, 17)),
                               tzinfo=SHANGHAI)
    body = {"client_id": str(uuid.uuid4()), "community_code": code,
            "visited_at": visited.isoformat(), "latitude": lat, "longitude": lon,
            "accuracy_m": 20, "fix_at": (visited - timedelta(minutes=1)).isoformat(),
            "purpose": "routine", "notes": "负载测试走访", "people_met": 2,
            "new_registrations": 1}
    yield rec.call(session, "POST /visits", "POST", f"{base}/api/v1/visits", json=body)
    yield rec.call(session, "GET coverage (liaison)", "GET", f"{base}/api/v1/visits/coverage")


def official(base, session, rec, scenario, username, rng):
    """The city's official opens the city's overview and the coverage of a street; a
    district's official their district's overview and its coverage."""
    city = username != DISTRICT_OFFICIAL
    whose = "city" if city else "district"
    as_of = scenario.start + timedelta(days=rng.randrange((scenario.end - scenario.start).days))
    yield rec.call(session, f"GET dashboard ({whose})", "GET",
                   f"{base}/api/v1/dashboard/users?as_of={as_of}")
    yield rec.call(session, f"GET series (year, daily, {whose})", "GET",
                   f"{base}/api/v1/dashboard/users/series?from={scenario.start}"
                   f"&to={scenario.end}")
    yield rec.call(session, "GET targets", "GET", f"{base}/api/v1/targets")
    if city:
        yield rec.call(session, "GET coverage of a street", "GET",
                       f"{base}/api/v1/visits/coverage?street_code={scenario.busiest_street}")
    else:
        yield rec.call(session, "GET coverage (district)", "GET",
                       f"{base}/api/v1/visits/coverage")


def importer(base, session, rec, scenario, _username, rng):
    day = scenario.start + timedelta(days=rng.randrange((scenario.end - scenario.start).days))
    yield rec.call(session, "POST user-count import", "POST",
                   f"{base}/api/v1/user-counts/import", ok=(201,),
                   files={"file": ("export.xlsx", io.BytesIO(scenario.import_file))},
                   data={"date": day.isoformat()})


def weekly(base, session, rec, scenario, _username, _rng):
    """Asks once for each district's set (a week's sets are made once a week), then follows
    them, one district's status a turn, until every one is made."""
    url = f"{base}/api/v1/reports/weekly/{scenario.week}"
    if not hasattr(session, "waiting"):
        session.waiting = list(scenario.districts)
        for district in scenario.districts:
            yield rec.call(session, "POST weekly set", "POST",
                           f"{url}/runs?district={district}", ok=(202,))
    if not session.waiting:
        yield rec.call(session, "GET weekly set status", "GET",
                       f"{url}?district={scenario.districts[0]}")
        return
    district = session.waiting[0]
    status = rec.call(session, "GET weekly set status", "GET", f"{url}?district={district}")
    if status is not None and status.json()["active"] is None:
        session.waiting.pop(0)
        if not session.waiting and rec.set_made is None:
            rec.set_made = time.monotonic()
    yield status


def cast(users: int, scenario: Scenario, with_weekly: bool = True) -> list[tuple]:
    """(who, what they do) for each virtual user: half liaisons, an importer, a weekly set
    and officials for the rest."""
    names = list(scenario.liaisons)
    cast = [("admin", importer)] + ([("admin", weekly)] if with_weekly else [])
    for n in range(users - len(cast)):
        officials = n // 2  # officials so far: the city's and a district's by turns
        cast.append((names[n // 2 % len(names)], liaison) if n % 2 == 0
                    else ("official" if officials % 2 == 0 else DISTRICT_OFFICIAL, official))
    return cast[:users]


def run_user(base, rec, scenario, who, behaviour, until, think, seed):
    rng = random.Random(seed)
    # Users arrive spread over the first think time, not all in the same millisecond.
    time.sleep(rng.uniform(0, think))
    session = login(base, who)
    # The import comes once a day in life: here every IMPORT_PAUSE seconds.
    pause = IMPORT_PAUSE if behaviour is importer else think
    while time.monotonic() < until:
        for _ in behaviour(base, session, rec, scenario, who, rng):
            time.sleep(min(pause * rng.uniform(0.5, 1.5), max(0.0, until - time.monotonic())))
            if time.monotonic() >= until:
                return


@contextmanager
def serving(url: str, args):
    """gunicorn and a job consumer on the database at `url`; stopped (and waited for) after."""
    port = free_port()
    files = tempfile.mkdtemp(prefix="load-mix-")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "load-mix",
           "REDIS_URL": args.redis_url, "JOBS_QUEUE_NAME": f"load-mix-{uuid.uuid4().hex[:8]}",
           "REPORTS_DIR": f"{files}/reports", "BACKUPS_DIR": f"{files}/backups",
           "PYTHONPATH": str(ROOT)}
    worker_class = ["--worker-class", "gthread", "--threads", str(args.threads)] \
        if args.threads > 1 else []
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(args.workers), *worker_class,
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(f"{files}/web.log", "w"))
    jobs = subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", "worker", "--workers", str(args.job_workers),
         "--no-periodic"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(f"{files}/worker.log", "w"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(base + "/api/v1/health", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        yield base
    finally:
        for process in (web, jobs):
            process.terminate()
        for process in (web, jobs):
            process.wait(timeout=30)
        print(f"server logs: {files}")


def report(rec: Recorder, seconds: float) -> bool:
    print(f"{'endpoint':<28}{'count':>7}{'errors':>8}{'median ms':>11}{'p95 ms':>9}  statuses")
    every, errors = [], 0
    for name in sorted(rec.times):
        samples = rec.times[name]
        every += samples
        errors += rec.errors[name]
        print(f"{name:<28}{len(samples):>7}{rec.errors[name]:>8}"
              f"{statistics.median(samples):>11.1f}{p95(samples):>9.1f}  "
              f"{dict(rec.statuses[name])}")
    print(f"{'all':<28}{len(every):>7}{errors:>8}{statistics.median(every):>11.1f}"
          f"{p95(every):>9.1f}  ({len(every) / seconds:.1f} requests/s)")
    ok = errors == 0 and p95(every) < 500
    print("goal met: p95 < 500 ms, zero errors" if ok else "GOAL MISSED (p95 < 500 ms, zero "
          "errors)")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--in-place", action="store_true",
                        help="use --database-url itself (built on first use) and keep it")
    parser.add_argument("--communities", type=int, default=3400, choices=[263, 3400])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds a user waits between requests (±50 %%)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (gthread above 1, else sync workers)")
    parser.add_argument("--job-workers", type=int, default=1,
                        help="tasks the job consumer runs at once")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--no-weekly-set", action="store_true",
                        help="leave the weekly set out (to see what it costs the others)")
    args = parser.parse_args()
    place = nullcontext(args.database_url) if args.in_place else scratch_database(
        args.database_url)
    with place as url:
        app = create_app({**for_tests(url), "TESTING": False})
        with app.app_context():
            db.create_all()
            if not db.session.scalar(select(func.count()).select_from(Community)):
                began = time.perf_counter()
                build_city(args.communities, random.Random(2022))
                print(f"city built in {time.perf_counter() - began:.0f} s")
            # A set left queued or running by an earlier run (its consumer stopped) would be
            # answered instead of a new one, and never made.
            db.session.execute(update(Job).where(Job.status.in_(JobStatus.ACTIVE)).values(
                status=JobStatus.FAILED, error="left by an earlier load run"))
            db.session.commit()
            db.session.remove()
        scenario = Scenario(app)
        with app.app_context():
            db.engine.dispose()
        kind = (f"gthread {args.workers}×{args.threads}" if args.threads > 1
                else f"{args.workers} sync workers")
        print(f"{date.today()}: {scenario.streets} streets, {scenario.communities:,} "
              f"communities; gunicorn {kind}, job consumer {args.job_workers}; {args.users} "
              f"users, think {args.think} s, {args.seconds} s; {os.cpu_count()} cores")
        with serving(url, args) as base:
            rec = Recorder()
            print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
            began = time.monotonic()
            started_at = datetime.now(UTC)
            until = began + args.seconds
            threads = [threading.Thread(target=run_user, daemon=True,
                                        args=(base, rec, scenario, who, behaviour, until,
                                              args.think, n))
                       for n, (who, behaviour) in enumerate(
                           cast(args.users, scenario, not args.no_weekly_set))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.seconds + 120)
            elapsed = time.monotonic() - began
            if not args.no_weekly_set:
                with app.app_context():
                    sets = db.session.scalars(select(Job).where(
                        Job.kind == "weekly_set", Job.subject == scenario.week,
                        Job.requested_at >= started_at)).all()
                    finished = sum(job.status == JobStatus.DONE for job in sets)
                    done = (f"{finished} of {len(sets)} sets done, "
                            f"{sum(job.progress_done for job in sets):,} of "
                            f"{sum(job.progress_total or 0 for job in sets):,} files")
                    db.session.remove()
                made = (f"made after {rec.set_made - began:.0f} s" if rec.set_made
                        else f"still being made at the end ({done})")
                count = len(scenario.districts)
                print(f"weekly sets of {scenario.week} ({count} district"
                      f"{'s' if count > 1 else ''}): {made}")
            print(f"load average after:  {Path('/proc/loadavg').read_text().strip()}")
        ok = report(rec, elapsed)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
