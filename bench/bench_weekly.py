"""Seconds and peak memory to produce a full week of spreadsheets in process (as
`flask weekly-reports` does; bench_jobs.py measures the job queue): the demo district
(263 + 15 + 1 workbooks and the zip), then in a synthetic city of 16 districts and 3,400
communities the demo district's set again and every district's set one after another (what
the Monday schedule makes).

    .venv/bin/python bench/bench_weekly.py [--jobs 2] [--database-url ...]
Goals: 263 communities in under 10 s (alone, and among the city's); the city's 16 sets in
under 2 minutes; memory flat as counts grow."""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_user_counts import add_city, load_counts, real_district_code  # noqa: E402
from bench_visits import scratch_database  # noqa: E402

from api import create_app  # noqa: E402
from api.config import for_tests  # noqa: E402
from models import District, db  # noqa: E402
from service import demo  # noqa: E402
from service.district import places  # noqa: E402
from service.district.contracts import ensure_default_contract  # noqa: E402
from service.reports import gathering, runs  # noqa: E402

WEEK = "2022-W40"


def peak_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def run(app, label: str, jobs: int, districts: list[str]) -> None:
    """The districts' sets one after another (a set is one district's)."""
    files = communities = 0
    gather_seconds = seconds = 0.0
    with tempfile.TemporaryDirectory() as out, app.app_context():
        for district in districts:
            began = time.perf_counter()
            gathered = gathering.gather_week(WEEK, district)
            gather_seconds += time.perf_counter() - began
            result = runs.make_set_here(WEEK, district=district, processes=jobs,
                                        root=Path(out))
            files, seconds = files + result.files, seconds + result.seconds
            communities += len(gathered.communities)
        size = sum(f.stat().st_size for f in Path(out).rglob("*") if f.is_file())
    own, children = peak_mib()
    sets = f"{len(districts)} sets, " if len(districts) > 1 else ""
    print(f"{label:<30} {files:>5} files  {seconds:6.1f} s "
          f"(gathering alone {gather_seconds:4.1f} s)  {size / 2**20:6.1f} MiB written  "
          f"peak RSS: main {own:5.0f} MiB, a render process {children:5.0f} MiB"
          f"  [{sets}{communities} communities]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--district-only", action="store_true",
                        help="in the city, only the demo district's set (not all 16)")
    args = parser.parse_args()
    with scratch_database(args.database_url) as url:
        app = create_app({**for_tests(url), "TESTING": False})
        with app.app_context():
            db.create_all()
            places.seed_district()
            ensure_default_contract()
            demo.build_demo_data()
        print(f"database: {url.split(':')[0]}, {os.cpu_count()} cores, {args.jobs} render "
              f"processes, week {WEEK}")
        real = real_district_code()
        run(app, "demo district (263)", args.jobs, [real])
        with app.app_context():
            rng = random.Random(1)
            add_city()
            load_counts(rng)
            held = list(db.session.scalars(db.select(District.code).order_by(District.code)))
        run(app, "demo district in the city", args.jobs, [real])
        if not args.district_only:
            run(app, "every district (3,400)", args.jobs, held)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
