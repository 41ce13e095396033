"""Demo year of trainings, events, service groups, cases, topics, articles, demo communities
and interactions (a step of `demo-data`), with some targets met early and some behind."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from models import (
    Article,
    Case,
    Community,
    DemoCommunity,
    Event,
    InteractionDay,
    ServiceGroup,
    Street,
    Topic,
    Training,
    WeeklyReportRun,
    db,
)

TOPICS = ["实名认证宣传月", "社区议事厅", "线上办事指南", "邻里互助", "垃圾分类", "老旧小区改造",
          "志愿服务", "平安社区", "冬季供暖", "文明养犬", "便民服务", "新春走基层", "学雷锋"]


def _day(ctx, lo: float = 0.0, hi: float = 1.0):
    days = (ctx.end - ctx.start).days
    return ctx.start + timedelta(days=ctx.rng.randint(int(days * lo), int(days * hi)))


def create_demo_registry(ctx) -> None:
    if db.session.scalar(select(func.count()).select_from(Training)):
        return
    rng, admin = ctx.rng, ctx.admin
    streets = db.session.scalars(select(Street).order_by(Street.code)).all()
    communities = db.session.scalars(select(Community).order_by(Community.code)).all()
    meta = {"created_by_id": admin.id}
    # Trainings: met early in count, but two streets are still waiting for theirs.
    for street in streets[:-2]:
        db.session.add(Training(date=_day(ctx, 0, 0.8), title=f"{street.name}集中培训",
                                trainer="项目培训组", attendees=rng.randint(20, 80),
                                streets=[street], **meta))
    for _ in range(5):
        community = rng.choice(communities)
        db.session.add(Training(date=_day(ctx), title=f"{community.name}工作人员培训",
                                trainer="联络员", attendees=rng.randint(8, 30),
                                communities=[community], **meta))
    for number in range(17):
        community = rng.choice(communities)
        registered = rng.randint(40, 200)
        db.session.add(Event(date=_day(ctx, 0.05, 0.95), title=f"西城家园进社区第{number + 1}场",
                             community_code=community.code, participants=rng.randint(80, 400),
                             signups_registered=registered,
                             signups_verified=int(registered * rng.uniform(0.5, 0.9)), **meta))
    for street in streets:
        db.session.add(ServiceGroup(name=f"{street.name.removesuffix('街道')}西城家园服务群",
                                    channel="wechat_group", street_code=street.code,
                                    members=rng.randint(150, 500),
                                    created_on=_day(ctx, 0, 0.4), **meta))
    # Cases lag behind: 14 of 20.
    for _ in range(14):
        community = rng.choice(communities)
        db.session.add(Case(title=f"{community.name.removesuffix('社区居委会')}议事协商案例",
                            community_code=community.code, published_on=_day(ctx, 0.1, 1),
                            url="https://example.org/cases", summary="居民通过平台协商解决问题",
                            **meta))
    topics = []
    for index in range(11):
        month = (ctx.start.replace(day=1) + timedelta(days=31 * index)).strftime("%Y-%m")
        topic = Topic(month=month, title=TOPICS[index % len(TOPICS)], **meta)
        db.session.add(topic)
        topics.append(topic)
    db.session.flush()
    for _ in range(50):
        db.session.add(Article(title="西城家园" + rng.choice(TOPICS), published_on=_day(ctx),
                               url="https://example.org/articles",
                               topic_id=rng.choice(topics).id, **meta))
    for index, community in enumerate(rng.sample(communities, 15)):
        ended = _day(ctx, 0.7, 1) if index == 0 else None
        db.session.add(DemoCommunity(community_code=community.code,
                                     designated_on=_day(ctx, 0.1, 0.6),
                                     undesignated_on=ended, note="线上议事协商示范社区", **meta))
    day, total = ctx.start, 0
    while day <= ctx.end:
        views = rng.randint(2500, 4200)
        db.session.add(InteractionDay(date=day, views=views, likes=views // rng.randint(8, 15),
                                      comments=views // rng.randint(40, 80), **meta))
        total += views
        day += timedelta(days=1)
    ctx.summary["registry_records"] = 15 + 13 + 5 + 17 + len(streets) + 14 + 11 + 50


def create_demo_report_runs(ctx) -> None:
    """The history of weekly spreadsheet deliveries: most weeks on Monday morning, a few late
    and two missed (the files themselves are made on demand by `weekly-reports`)."""
    if db.session.scalar(select(func.count()).select_from(WeeklyReportRun)):
        return
    rng = ctx.rng
    sunday = ctx.start + timedelta(days=7 - ctx.start.isoweekday())
    missed = set(rng.sample(range(52), 2))
    runs, index = [], 0
    while sunday < ctx.end:
        if index not in missed:
            late = timedelta(days=rng.choice([1, 1, 1, 1, 2, 3]))
            label = "{}-W{:02d}".format(*sunday.isocalendar()[:2])
            generated = datetime.combine(sunday + late, time(1, rng.randint(0, 59)), tzinfo=UTC)
            runs.append(WeeklyReportRun(week=label, week_end=sunday, scope="all", files=280,
                                        seconds=round(rng.uniform(3, 6), 1),
                                        actor_id=ctx.admin.id, generated_at=generated))
        sunday += timedelta(days=7)
        index += 1
    db.session.add_all(runs)
    ctx.summary["weekly_report_runs"] = len(runs)
