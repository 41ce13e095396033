"""Demo year of field visits and problems (a step of `demo-data`)."""

import uuid
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from models import Community, Visit, db
from service.clock import SHANGHAI
from service.fieldwork.geo import random_point_in_street
from service.fieldwork.problems import create_problem, update_problem
from service.fieldwork.visits import PURPOSES, log_visit, review_visit

VISITS_PER_COMMUNITY = (3, 6)
PROBLEM_CATEGORIES = ["账号注册", "实名认证", "功能使用", "议事协商", "信息发布", "其他"]
PROBLEM_TITLES = ["居民反映实名认证审核慢", "社区工作人员不会发布通知", "老年居民注册需要协助",
                  "议事厅投票功能使用问题", "社区信息需要更新", "群众留言未及时回复"]
NOTES = ["走访居委会，讲解平台功能", "协助居民注册并实名认证", "了解社区使用情况",
         "收集居民意见建议", "配合社区开展宣传活动", "指导社区工作人员发布信息"]


def _random_moment(ctx, rng) -> datetime:
    days = (ctx.end - ctx.start).days
    # More visits as the year's work ramps up: weight later days slightly more.
    day = ctx.start + timedelta(days=int(days * rng.random() ** 0.85))
    local = datetime.combine(day, time(hour=rng.randint(8, 17), minute=rng.randint(0, 59)),
                             tzinfo=SHANGHAI)
    return local.astimezone(UTC)


def _fix_for(ctx, rng, community: Community, visited_at: datetime, other_streets: list[str]):
    roll = rng.random()
    if roll < 0.03:
        return {}
    street = rng.choice(other_streets) if roll < 0.08 else community.street_code
    lat, lon = random_point_in_street(street, rng)
    fix_at = visited_at - (timedelta(hours=rng.randint(1, 5)) if 0.08 <= roll < 0.11
                           else timedelta(seconds=rng.randint(5, 300)))
    return {"latitude": round(lat, 6), "longitude": round(lon, 6),
            "accuracy_m": float(rng.choice([8, 15, 25, 40, 65, 120])), "fix_at": fix_at}


def create_demo_visits(ctx) -> None:
    """About four visits per community over the year, a few far, stale or without a fix, each
    logged, reviewed and followed up through the same use cases as a phone and an admin."""
    if db.session.scalar(select(func.count()).select_from(Visit)):
        ctx.summary["visits"] = 0
        return
    rng = ctx.rng
    communities = db.session.scalars(select(Community).order_by(Community.code)).all()
    streets = sorted({c.street_code for c in communities})
    now = datetime.now(UTC)
    visits = []
    for community in communities:
        liaison = ctx.liaisons[community.street_code]
        others = [s for s in streets if s != community.street_code]
        for _ in range(rng.randint(*VISITS_PER_COMMUNITY)):
            visited_at = _random_moment(ctx, rng)
            values = {"community_code": community.code, "visited_at": visited_at,
                      "purpose": rng.choice(list(PURPOSES)), "notes": rng.choice(NOTES),
                      "people_met": rng.randint(1, 12),
                      "new_registrations": rng.choice([0, 0, 1, 2, 3, 5, 8]),
                      **_fix_for(ctx, rng, community, visited_at, others)}
            visit = log_visit(actor=liaison,
                              client_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                              now=visited_at + timedelta(minutes=rng.randint(1, 30)),
                              **values).visit
            _review(ctx, rng, visit, now)
            visits.append(visit)
    ctx.summary["visits"] = len(visits)
    _create_demo_problems(ctx, visits)


def _review(ctx, rng, visit: Visit, now: datetime) -> None:
    if visit.location_check == "ok" or rng.random() < 0.2:
        return
    approved = rng.random() < 0.7
    review_visit(visit.id, actor=ctx.admin, status="approved" if approved else "rejected",
                 reason=None if approved else "定位与社区不符",
                 now=min(visit.created_at + timedelta(days=rng.randint(1, 7)), now))


def _create_demo_problems(ctx, visits: list[Visit]) -> None:
    rng = ctx.rng
    sources = [v for v in visits if v.purpose == "issue_followup"]
    count = 0
    for visit in rng.sample(sources, min(len(sources), 160)):
        opened = visit.created_at
        liaison = ctx.liaisons[visit.community.street_code]
        problem = create_problem(actor=liaison, visit_id=visit.id,
                                 title=rng.choice(PROBLEM_TITLES), description=visit.notes,
                                 category=rng.choice(PROBLEM_CATEGORIES), now=opened)
        roll = rng.random()
        if roll < 0.6:
            update_problem(problem.id, actor=liaison, status="resolved",
                           resolution="已协助社区解决",
                           now=opened + timedelta(days=rng.randint(1, 30)))
        elif roll < 0.8:
            update_problem(problem.id, actor=liaison, status="in_progress",
                           now=opened + timedelta(days=rng.randint(1, 10)))
        count += 1
    ctx.summary["problems"] = count
