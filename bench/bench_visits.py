"""Throughput of POST /api/v1/visits against two references served the same way.

Serves the real app and bench/reference_app.py under gunicorn (sync workers) on one scratch
database, loads each with wrk from a second process, prints requests/s, p50/p99, errors and
the ratios, then checks that every acknowledged visit is stored exactly once.

    .venv/bin/python bench/bench_visits.py                      # SQLite
    .venv/bin/python bench/bench_visits.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
Needs wrk (Debian package `wrk`)."""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "post_visit.lua"
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def scratch_database(url: str | None):
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def prepare(env: dict) -> None:
    def flask(*args, stdin=None):
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                       input=stdin, text=True, check=True, capture_output=True)
    flask("db", "upgrade")
    flask("seed-district")
    flask("create-user", "bench", "--role", "liaison", "--password-stdin", stdin="bench-pass-1\n")
    code = ("from datetime import date\nfrom api import create_app\n"
            "from service.district import assignments\n"
            "app = create_app()\nwith app.app_context():\n"
            "    assignments.create_assignment(actor=None, username='bench',"
            " street_code='110102001000',"
            " start_date=date(2022, 3, 15))\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


@contextmanager
def serve(app_path: str, env: dict, workers: int):
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app_path],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + ("/ping" if "reference" in app_path
                                           else "/api/v1/health"), timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def login(base: str) -> str:
    request = urllib.request.Request(
        base + "/api/v1/auth/login", method="POST",
        data=json.dumps({"username": "bench", "password": "bench-pass-1"}).encode(),
        headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))["access_token"]


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, *, duration: int, connections: int, token: str = "",
            post: bool = False) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if post:
        command[1:1] = ["-s", str(LUA)]
    out = subprocess.run(command, env={**os.environ, "TOKEN": token}, text=True,
                         capture_output=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for label, key in (("50%", "p50_ms"), ("99%", "p99_ms")):
        match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
        result[key] = _ms(*match.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    result["errors"] = int(non2xx.group(1)) if non2xx else 0
    result["socket_errors"] = socket_errors.group(1) if socket_errors else "none"
    result["statuses"] = {int(c): int(n) for c, n in re.findall(r"STATUS (\d+) (\d+)", out)}
    return result


def count(url: str, table: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(text(f"SELECT count(*), count(DISTINCT client_id) FROM {table}")).one()
    engine.dispose()
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    with scratch_database(args.database_url) as url:
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench",
               "PYTHONPATH": str(ROOT)}
        prepare(env)
        results = {}
        load = {"duration": args.duration, "connections": args.connections}
        with serve("bench.reference_app:app", env, args.workers) as base:
            results["bare"] = run_wrk(base + "/ping", **load)
            run_wrk(base + "/insert", duration=2, connections=4, post=True)  # warm-up
            results["minimal insert"] = run_wrk(base + "/insert", post=True, **load)
        with serve("wsgi:app", env, args.workers) as base:
            token = login(base)
            run_wrk(base + "/api/v1/visits", duration=2, connections=4, token=token, post=True)
            before = count(url, "visits")
            results["POST /visits"] = run_wrk(base + "/api/v1/visits", token=token, post=True,
                                              **load)
            after = count(url, "visits")
        print(f"database: {make_url(url).get_backend_name()}, {args.connections} connections, "
              f"{args.duration} s each, gunicorn {args.workers} sync workers, "
              f"{os.cpu_count()} cores")
        print(f"{'endpoint':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
        for name, r in results.items():
            print(f"{name:<16}{r['rps']:>9.0f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
                  f"{r['errors']:>8}  socket errors: {r['socket_errors']}")
        visits = results["POST /visits"]
        acknowledged = visits["statuses"].get(201, 0)
        stored, distinct = after[0] - before[0], after[1] - before[1]
        print(f"visits/minimal insert: {visits['rps'] / results['minimal insert']['rps']:.0%}"
              f" (goal ≥ 60 %); minimal insert/bare: "
              f"{results['minimal insert']['rps'] / results['bare']['rps']:.0%}")
        print(f"visits acknowledged 201: {acknowledged}, rows added: {stored}, distinct "
              f"client_ids added: {distinct}, other statuses: "
              f"{ {k: v for k, v in visits['statuses'].items() if k != 201} }")
        # Requests still in flight when wrk stops may be stored without being counted by wrk.
        ok = (acknowledged <= stored == distinct <= acknowledged + args.connections
              and visits["errors"] == 0)
        print("no lost or doubled visits, zero errors" if ok else "MISMATCH OR ERRORS")
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
