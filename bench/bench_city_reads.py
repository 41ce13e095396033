"""The reads an official, a liaison and a content reviewer open, on the real district (263
communities) or a synthetic city (3,400): coverage of a street, targets, the lists (visits,
communities, records), the visits' and the content's review queues; median and p95 of each.

The city is bench_user_counts' (its streets, communities and a year of daily counts), with a
liaison per street (the demo's people), about a dozen visits per community over the contract
(a few far or without a fix, some of those awaiting review), two events per community and the
2023 content contract's demo year (its review queue).

    .venv/bin/python bench/bench_city_reads.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_city_reads.py --communities 263          # SQLite, the district
    .venv/bin/python bench/bench_city_reads.py ... --explain              # plans of the slowest
Goals (issue #19, PostgreSQL at 3,400): coverage of a street < 50 ms median / < 100 ms p95;
targets < 100 / < 200 ms."""

import argparse
import os
import random
import sys
import time
import uuid
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_user_counts import add_city, load_counts, timed  # noqa: E402
from bench_visits import scratch_database  # noqa: E402

from api import create_app  # noqa: E402
from api.config import for_tests  # noqa: E402
from models import Community, Event, Street, Visit, db  # noqa: E402
from service.clock import SHANGHAI  # noqa: E402
from service.demo import DEMO_PASSWORD, DemoContext, create_demo_people  # noqa: E402
from service.demo.content import CONTRACT_KEY, create_demo_content  # noqa: E402
from service.district import places  # noqa: E402
from service.district.contracts import current_contract, ensure_shipped_contracts  # noqa: E402
from service.fieldwork.visits import PURPOSES  # noqa: E402

VISITS_PER_COMMUNITY = (8, 16)
EVENTS_PER_COMMUNITY = 2
# Far, stale or without a fix: the share the demo year has (about one in ten).
CHECKS = ["ok"] * 90 + ["far"] * 5 + ["stale"] * 2 + ["unknown"] * 3


def build_city(communities: int, rng: random.Random) -> dict[str, int]:
    """The district, or the city when `communities` is above 263, with its people, counts,
    visits, records and content (in an app context, on an empty database)."""
    places.seed_district()
    ensure_shipped_contracts()
    if communities > 263:
        add_city()
    ctx = DemoContext(rng=rng, start=current_contract().start_date,
                      end=current_contract().end_date)
    create_demo_people(ctx)
    db.session.commit()
    create_demo_content(ctx)
    db.session.commit()
    figures = {"user_count_rows": load_counts(rng), "visits": add_visits(ctx),
               "events": add_events(ctx)}
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # As autovacuum would have by the time anyone reads: the plans need the statistics.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return figures


def _moment(ctx, rng) -> datetime:
    day = ctx.start + timedelta(days=rng.randrange((ctx.end - ctx.start).days + 1))
    return datetime.combine(day, clock_time(rng.randint(8, 17), rng.randint(0, 59)),
                            tzinfo=SHANGHAI).astimezone(UTC)


def add_visits(ctx) -> int:
    """Visits as the phones would have logged them (inserted in bulk: the use case's checks
    are not what is measured here)."""
    rng, rows = ctx.rng, []
    for code, street, lat, lon in db.session.execute(
            select(Community.code, Community.street_code, Community.latitude,
                   Community.longitude).order_by(Community.code)):
        liaison = ctx.liaisons[street]
        for _ in range(rng.randint(*VISITS_PER_COMMUNITY)):
            at, check = _moment(ctx, rng), rng.choice(CHECKS)
            fixed = check != "unknown" and lat is not None
            rows.append({
                "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "content_hash": "0" * 64, "user_id": liaison.id, "created_by_id": liaison.id,
                "community_code": code, "visited_at": at,
                "latitude": lat + rng.uniform(-0.002, 0.002) if fixed else None,
                "longitude": lon + rng.uniform(-0.002, 0.002) if fixed else None,
                "accuracy_m": 20.0 if fixed else None, "fix_at": at if fixed else None,
                "purpose": rng.choice(list(PURPOSES)), "notes": "走访居委会，讲解平台功能",
                "people_met": rng.randint(1, 12), "new_registrations": rng.randint(0, 5),
                "distance_m": 150.0 if fixed else None,
                "location_basis": "community" if fixed else None, "location_check": check,
                "review_status": ("pending" if check == "ok" or rng.random() < 0.5
                                  else rng.choice(["approved", "rejected"])),
                "created_at": at, "updated_at": at})
    for start in range(0, len(rows), 20_000):
        db.session.execute(insert(Visit), rows[start:start + 20_000])
    return len(rows)


def add_events(ctx) -> int:
    rng, rows = ctx.rng, []
    for code, street in db.session.execute(select(Community.code, Community.street_code)):
        for _ in range(EVENTS_PER_COMMUNITY):
            at = _moment(ctx, rng)
            rows.append({"date": at.astimezone(SHANGHAI).date(), "title": "社区推广活动",
                         "street_code": street, "community_code": code,
                         "participants": rng.randint(10, 80), "created_by_id": ctx.admin.id,
                         "created_at": at, "updated_at": at})
    db.session.execute(insert(Event), rows)
    return len(rows)


def reads(app) -> dict[str, tuple[str, str]]:
    """What is measured: name -> (who, URL)."""
    with app.app_context():
        # The street with the most communities (the city's synthetic streets hold ~22 each).
        street = db.session.execute(
            select(Community.street_code, func.count()).group_by(Community.street_code)
            .order_by(func.count().desc(), Community.street_code)).first()[0]
        liaison = "liaison01"
    return {
        "coverage of a street (official)": ("official", f"/api/v1/visits/coverage"
                                            f"?street_code={street}"),
        "coverage, own streets (liaison)": (liaison, "/api/v1/visits/coverage"),
        "coverage, all (official)": ("official", "/api/v1/visits/coverage"),
        "targets": ("official", "/api/v1/targets"),
        "dashboard (as bench_user_counts)": ("official", "/api/v1/dashboard/users"
                                                         "?as_of=2022-10-01"),
        "series, a year daily": ("official", "/api/v1/dashboard/users/series"
                                             "?from=2022-03-15&to=2023-03-14"),
        "visits list (official)": ("official", "/api/v1/visits"),
        "visits list (liaison)": (liaison, "/api/v1/visits"),
        "visits of a street": ("official", f"/api/v1/visits?street_code={street}"),
        "visits awaiting review": ("admin", "/api/v1/visits?standing=awaiting_review"),
        "communities list": ("official", "/api/v1/communities"),
        "events list": ("official", "/api/v1/events"),
        "events of a street": ("official", f"/api/v1/events?street_code={street}"),
        "content awaiting the lead": ("zuzhang", f"/api/v1/content?contract={CONTRACT_KEY}"
                                                 "&awaiting=me"),
        "content list": ("official", f"/api/v1/content?contract={CONTRACT_KEY}"),
    }


def measure(app, repeat: int, only: str | None) -> None:
    client = app.test_client()
    tokens = {}

    def get(who, url):
        if who not in tokens:
            response = client.post("/api/v1/auth/login",
                                   json={"username": who, "password": DEMO_PASSWORD})
            tokens[who] = response.get_json()["access_token"]
        response = client.get(url, headers={"Authorization": f"Bearer {tokens[who]}"})
        assert response.status_code == 200, (url, response.get_json())
    for name, (who, url) in reads(app).items():
        if only and only not in name:
            continue
        get(who, url)  # warm-up
        median, p95 = timed(lambda who=who, url=url: get(who, url), repeat)
        print(f"  {name:<34} median {median:8.1f} ms   p95 {p95:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--communities", type=int, default=3400, choices=[263, 3400])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default=None, help="measure only the reads naming this")
    parser.add_argument("--in-place", action="store_true",
                        help="build in --database-url itself and keep it (to EXPLAIN the "
                             "queries after); an already built one is measured as it is")
    args = parser.parse_args()
    place = nullcontext(args.database_url) if args.in_place else scratch_database(
        args.database_url)
    with place as url:
        app = create_app({**for_tests(url), "TESTING": False})
        began = time.perf_counter()
        with app.app_context():
            db.create_all()
            built = db.session.scalar(select(func.count()).select_from(Community))
            figures = {} if built else build_city(args.communities, random.Random(2022))
            streets = db.session.scalar(select(func.count()).select_from(Street))
            communities = db.session.scalar(select(func.count()).select_from(Community))
        print(f"database: {url.split(':')[0]}, {os.cpu_count()} cores, {streets} streets, "
              f"{communities:,} communities, "
              + ", ".join(f"{v:,} {k}" for k, v in figures.items())
              + f" (built in {time.perf_counter() - began:.0f} s)")
        print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
        measure(app, args.repeat, args.only)
        print(f"load average after:  {Path('/proc/loadavg').read_text().strip()}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
