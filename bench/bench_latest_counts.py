"""Each community's latest count on a day, the read under the dashboard, the weekly set and
the reports: the service's read (the day's counts from one covering index, then a seek only
for the communities without a count that day) against the previous read (a correlated seek
for every community, joined on the found id), alternated in the same run on a database that
holds a year of daily counts (bench_user_counts.py loads one; --database-url names it).

    .venv/bin/python bench/bench_latest_counts.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api import create_app  # noqa: E402
from api.config import for_tests  # noqa: E402
from models import Community, UserCount, db  # noqa: E402
from service.progress.user_counts import _latest_id_on, latest_counts  # noqa: E402


def previous_read(day):
    """The read before this change, kept here as the baseline."""
    query = (select(Community.code, UserCount.registered, UserCount.verified)
             .join(UserCount, UserCount.id == _latest_id_on(day)))
    return {code: (r, v) for code, r, v in db.session.execute(query)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    app = create_app({**for_tests(args.database_url), "TESTING": False})
    with app.app_context():
        first, last = db.session.execute(select(func.min(UserCount.date),
                                                func.max(UserCount.date))).one()
        communities = db.session.scalar(select(func.count()).select_from(Community))
        rows = db.session.scalar(select(func.count()).select_from(UserCount))
        print(f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: {communities:,} "
              f"communities, {rows:,} counts from {first} to {last}")
        for label, day in (("the first day", first), ("a day mid-year", first + timedelta(200)),
                           ("the last day", last)):
            new = {c: (n.registered, n.verified) for c, n in latest_counts(day).items()}
            assert new == previous_read(day), day  # the same answer, or the figures mean nothing
            samples = {"previous": [], "service": []}
            for _ in range(args.repeat):  # alternated, so both see the same load
                for name, read in (("previous", previous_read), ("service", latest_counts)):
                    began = time.perf_counter()
                    read(day)
                    samples[name].append((time.perf_counter() - began) * 1000)
            before, after = (statistics.median(samples[n]) for n in ("previous", "service"))
            print(f"  {label:<16} previous {before:8.1f} ms   service {after:8.1f} ms   "
                  f"×{before / after:5.1f}")


if __name__ == "__main__":
    main()
