"""Seconds and peak memory to produce a full week of spreadsheets in process (as
`flask weekly-reports` does; bench_jobs.py measures the job queue): the demo district
(263 + 15 + 1 workbooks and the zip) and a synthetic city of 3,400 communities.

    .venv/bin/python bench/bench_weekly.py [--jobs 2] [--database-url ...]
Goals: 263 communities in under 10 s; 3,400 in under 2 minutes; memory flat as counts grow."""

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

from bench_user_counts import add_city, load_counts  # noqa: E402
from bench_visits import scratch_database  # noqa: E402

from api import create_app  # noqa: E402
from api.config import for_tests  # noqa: E402
from models import db  # noqa: E402
from service import demo  # noqa: E402
from service.district import places  # noqa: E402
from service.district.contracts import ensure_default_contract  # noqa: E402
from service.reports import gathering, runs  # noqa: E402

WEEK = "2022-W40"


def peak_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def run(app, label: str, jobs: int) -> None:
    with tempfile.TemporaryDirectory() as out, app.app_context():
        began = time.perf_counter()
        gathered = gathering.gather_week(WEEK)
        gather_seconds = time.perf_counter() - began
        result = runs.make_set_here(WEEK, processes=jobs, root=Path(out))
        size = sum(f.stat().st_size for f in Path(out).rglob("*") if f.is_file())
    own, children = peak_mib()
    print(f"{label:<22} {result.files:>5} files  {result.seconds:6.1f} s "
          f"(gathering alone {gather_seconds:4.1f} s)  {size / 2**20:6.1f} MiB written  "
          f"peak RSS: main {own:5.0f} MiB, a render process {children:5.0f} MiB"
          f"  [{len(gathered.communities)} communities]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--jobs", type=int, default=2)
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
        run(app, "demo district (263)", args.jobs)
        with app.app_context():
            rng = random.Random(1)
            add_city(districts=1)
            load_counts(rng)
        run(app, "synthetic city (3,400)", args.jobs)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
