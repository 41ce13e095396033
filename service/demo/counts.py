"""Demo year of the platform's daily user counts (a step of `demo-data`): a district that
starts near 150,000 verified users and ends above 350,000, uneven streets, some communities
stalling, a few late or missing exports."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from models import Community, UserCount, db
from service.clock import SHANGHAI
from service.progress.user_counts import post_counts

START_VERIFIED = 150_000
END_VERIFIED = 362_000
MISSING_EXPORT_DAYS = 6


def create_demo_counts(ctx) -> None:
    if db.session.scalar(select(func.count()).select_from(UserCount)):
        ctx.summary["user_count_rows"] = 0
        return
    rng = ctx.rng
    communities = db.session.scalars(select(Community).order_by(Community.code)).all()
    street_pace = {code: rng.uniform(0.6, 1.4)
                   for code in sorted({c.street_code for c in communities})}
    size = {c.code: rng.lognormvariate(0, 0.45) for c in communities}
    pace = {c.code: size[c.code] * street_pace[c.street_code] * rng.uniform(0.7, 1.3)
            for c in communities}
    size_total, pace_total = sum(size.values()), sum(pace.values())
    days = (ctx.end - ctx.start).days + 1
    missing = set(rng.sample(range(1, days), MISSING_EXPORT_DAYS))
    stall_from = {c.code: rng.randint(days // 3, days) for c in communities
                  if rng.random() < 0.08}
    by_day = defaultdict(list)
    for community in communities:
        verified = START_VERIFIED * size[community.code] / size_total
        daily = (END_VERIFIED - START_VERIFIED) * pace[community.code] / pace_total / days
        ratio = rng.uniform(1.25, 1.6)
        for offset in range(days):
            if offset in missing or (offset and rng.random() < 0.01):
                continue  # the platform's export was late or missing that day
            if offset < stall_from.get(community.code, days):
                verified += daily * rng.uniform(0.3, 1.7)
            by_day[ctx.start + timedelta(days=offset)].append({
                "community_code": community.code, "registered": int(verified * ratio),
                "verified": int(verified)})
    # Each day's export arrives the next morning, as the platform's would.
    for day, items in sorted(by_day.items()):
        post_counts(actor=ctx.admin, day=day, items=items, source="demo",
                    now=datetime.combine(day + timedelta(days=1), time(8), tzinfo=SHANGHAI))
    ctx.summary["user_count_rows"] = sum(len(items) for items in by_day.values())
