"""Dashboard, series and import speed for a year of daily user counts: the real district
(263 communities, ~96,000 rows) and a synthetic city (3,400 communities, ~1.24 million rows).

    .venv/bin/python bench/bench_user_counts.py                       # SQLite
    .venv/bin/python bench/bench_user_counts.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
Goals: dashboard median < 100 ms (263) and < 500 ms (3,400); a 263-row import < 1 s."""

import argparse
import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_visits import scratch_database  # noqa: E402
from make_city import make_city  # noqa: E402

from api import create_app  # noqa: E402
from api.config import for_tests  # noqa: E402
from models import Community, Street, UserCount, db  # noqa: E402
from service.district import accounts, places  # noqa: E402
from service.district.contracts import ensure_default_contract  # noqa: E402
from service.progress.user_counts import rebuild_street_changes  # noqa: E402

START = date(2022, 3, 15)
DAYS = 365
CITY_COMMUNITIES = 3400


def timed(call, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def add_city(seed: int = 2022, districts: int = 16) -> None:
    """The synthetic city around the real district, 3,400 communities in all, loaded from its
    files as any city is (make_city, then seed-district); districts=1 grows the real district
    itself to the city's size."""
    with tempfile.TemporaryDirectory() as out:
        places.seed_district(*make_city(Path(out), seed=seed, communities=CITY_COMMUNITIES,
                                        districts=districts, real=places.DATA_DIR))


def real_district_code() -> str:
    """The shipped district's code (the demo's people work there): the weekly set's
    benchmarks name it, a set being one district's."""
    path = next(places.DATA_DIR.glob("*district.csv"))
    with path.open(encoding="utf-8") as f:
        return next(csv.DictReader(f))["district_code"]


def load_counts(rng: random.Random) -> int:
    """One year of daily counts for every community (a few missing days)."""
    codes = list(db.session.scalars(select(Community.code)))
    db.session.execute(text("DELETE FROM user_counts"))
    chunk, total = [], 0
    for code in codes:
        verified = rng.randint(200, 900)
        for offset in range(DAYS):
            if rng.random() < 0.02:
                continue
            verified += rng.randint(0, 6)
            chunk.append({"community_code": code, "date": START + timedelta(days=offset),
                          "registered": verified * 3 // 2, "verified": verified})
        if len(chunk) > 50_000:
            db.session.execute(insert(UserCount), chunk)
            total, chunk = total + len(chunk), []
    db.session.execute(insert(UserCount), chunk)
    # Loaded around the import, so the street summaries the import keeps are rebuilt here.
    began = time.perf_counter()
    summaries = rebuild_street_changes()
    db.session.commit()
    print(f"  street summaries rebuilt: {summaries:,} rows in {time.perf_counter() - began:.1f} s")
    return total + len(chunk)


def export_file() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["西城家园用户统计"])
    sheet.append(["街道", "社区", "注册用户数", "实名认证用户数"])
    rows = db.session.execute(select(Street.name, Community.name).join(Community.street)
                              .where(Street.code.like("110102%"))).all()
    for street, community in rows:
        sheet.append([street, community, "1,500", 1000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure(app, label: str, repeat: int) -> None:
    client = app.test_client()
    with app.app_context():
        admin = accounts.get_user_by_username("bench-admin")
        token = accounts.issue_token(admin, secret=app.config["SECRET_KEY"],
                                     lifetime=3600).access_token
        # The real district's first street, at either size.
        street = db.session.scalar(select(Street.code).where(Street.code.like("110102%"))
                                   .order_by(Street.code))
    headers = {"Authorization": f"Bearer {token}"}

    def get(url):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_json()
    as_of = START + timedelta(days=200)
    figures = {
        "dashboard": timed(lambda: get(f"/api/v1/dashboard/users?as_of={as_of}"), repeat),
        "series, district, daily": timed(lambda: get(
            "/api/v1/dashboard/users/series?from=2022-03-15&to=2023-03-14"), max(3, repeat // 4)),
        "series, district, weekly": timed(lambda: get(
            "/api/v1/dashboard/users/series?from=2022-03-15&to=2023-03-14&step=week"),
            max(3, repeat // 4)),
        "series, one street, daily": timed(lambda: get(
            f"/api/v1/dashboard/users/series?street_code={street}&from=2022-03-15"
            "&to=2023-03-14"), max(3, repeat // 4)),
    }
    with app.app_context():
        data = export_file()

    def upload():
        response = client.post("/api/v1/user-counts/import", headers=headers,
                               data={"file": (io.BytesIO(data), "export.xlsx"),
                                     "date": "2023-03-15"},
                               content_type="multipart/form-data")
        assert response.status_code == 201, response.get_json()
    figures["import of a 263-row file"] = timed(upload, 5)
    for name, (median, p95) in figures.items():
        print(f"  {label:<22}{name:<28} median {median:8.1f} ms   p95 {p95:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(2022)
    with scratch_database(args.database_url) as url:
        app = create_app({**for_tests(url), "TESTING": False,
                          "MAX_CONTENT_LENGTH": 10 * 1024 * 1024})
        with app.app_context():
            db.create_all()
            places.seed_district()
            ensure_default_contract()
            accounts.create_user(username="bench-admin", password="bench-pass-1", role="admin")
            began = time.perf_counter()
            rows = load_counts(rng)
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, "
              f"{os.cpu_count()} cores")
        print(f"263 communities: {rows:,} rows loaded in {time.perf_counter() - began:.1f} s")
        measure(app, "263 communities", args.repeat)
        with app.app_context():
            add_city(2022)
            began = time.perf_counter()
            rows = load_counts(rng)
        print(f"3,400 communities: {rows:,} rows loaded in {time.perf_counter() - began:.1f} s")
        measure(app, "3,400 communities", args.repeat)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
