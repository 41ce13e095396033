"""Demo year of the 2023 content contract's channel metrics (a step of `demo-data`, after its
content; issue #18 point 5): each channel's daily snapshot over the term and two snapshots of
each publication (the day after and a week after it went out), stored through the metrics'
own writer (`store_snapshots`, one import recorded as `demo`).

Realistic growth: followers start where five government accounts plausibly stand and grow
about 14–20 % over the year, faster in the themes' busy months, slower over the Spring
Festival; reads follow the working week (weekends and holidays lower), rise with the followers
and a little more as the content matures, so the last 30 days read about 15–25 % more than
the first 30. Premium content (original work and the listed products) ends the term a little
above its 5,000,000 page views. The baseline is the term's first day. With these figures the
contract's growth KPIs are met at the end: no part of the price at risk."""

import random
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from models import ChannelMetric, Content, Contract, ContractChannel, Publication, User, db
from service.content.metrics import CHANNEL_STORE, PUBLICATION_STORE, Snapshot, store_snapshots
from service.district.working_days import days_between

CONTRACT_KEY = "planning-media-2023"
# Its own generator: the same figures whatever the steps before it drew.
METRICS_SEED = 2024
# Per channel: followers on the first day, net growth over the year, reads on an ordinary
# working day at the start (per follower the platforms differ a lot).
CHANNELS = {"wechat": (86_400, 0.17, 14_500), "weibo": (152_300, 0.14, 21_000),
            "toutiao": (23_100, 0.19, 6_200), "beijing_hao": (9_800, 0.16, 2_300),
            "baijiahao": (12_600, 0.20, 3_100)}
# Reads on a day off, against an ordinary working day.
DAY_OFF_READS = 0.55
# How much more each follower reads at the term's end than at its start (content matures).
READS_MATURING = 0.06
# Premium publications' final reads, together: a little above the 5,000,000 the plan names.
PREMIUM_READS_TOTAL = 5_350_000


def _contract() -> Contract | None:
    return db.session.scalar(select(Contract).where(Contract.key == CONTRACT_KEY))


# WeChat's export splits new followers by source (weights); the term's first days' files were
# exported before the team asked for the split, so they have none.
SOURCE_WEIGHTS = {"search": 35, "article": 30, "qr_code": 15, "card": 10, "video": 6, "other": 4}
SOURCES_FROM = date(2023, 7, 15)


def _sources(key: str, day: date, new: int) -> dict[str, int] | None:
    """Where a day's new followers came from, for WeChat from SOURCES_FROM; its own generator
    (seeded by the day), so the other figures stay what they were."""
    if key != "wechat" or day < SOURCES_FROM:
        return None
    picked = random.Random(day.toordinal()).choices(list(SOURCE_WEIGHTS),
                                                     list(SOURCE_WEIGHTS.values()), k=new)
    return {source: picked.count(source) for source in SOURCE_WEIGHTS if source in picked}


def _daily_rows(rng: random.Random, channel_id: int, key: str, calendar) -> list[Snapshot]:
    """A channel's year: followers move by the day's new followers minus unfollows."""
    start_followers, growth, start_reads = CHANNELS[key]
    days = len(calendar)
    net_per_day = start_followers * growth / days
    followers, rows = start_followers, []
    for n, day in enumerate(calendar):
        working = day.is_working_day
        busy = 1.3 if day.date.month in (8, 10, 11) else 1.0
        festive = 0.4 if day.kind == "holiday" and day.date.month == 2 else 1.0
        net = net_per_day * busy * festive * rng.uniform(0.6, 1.4)
        unfollows = max(0, round(start_followers * 0.00025 * rng.uniform(0.5, 1.5)))
        new = max(0, round(net + unfollows))
        if n > 0:
            followers += new - unfollows
        level = followers / start_followers * (1 + READS_MATURING * n / days)
        reads = round(start_reads * level * (1 if working else DAY_OFF_READS)
                      * rng.uniform(0.8, 1.2))
        rows.append(Snapshot(channel_id, day.date, {
            "followers": followers, "new_followers": new, "unfollows": unfollows,
            "reads": reads, "shares": round(reads * rng.uniform(0.015, 0.03)),
            "interactions": round(reads * rng.uniform(0.02, 0.05)),
            "follower_sources": _sources(key, day.date, new)}))
    return rows


def _publication_rows(rng: random.Random, contract: Contract, end: date) -> list[Snapshot]:
    """Two snapshots of each publication: the day after it went out and a week after (not
    after the term's end), premium pieces read far more than routine posts."""
    rule = contract.rules["growth"]["premium_content"]
    premium = or_(Content.original.is_(True), Content.kind.in_(rule["kinds"]))
    rows = db.session.execute(
        select(Publication.id, Publication.published_on, premium.label("premium"))
        .join(Content, Content.id == Publication.content_id)
        .where(Publication.contract_id == contract.id).order_by(Publication.id)).all()
    weights = {pid: rng.lognormvariate(0, 0.6) for pid, _, is_premium in rows if is_premium}
    scale = PREMIUM_READS_TOTAL / sum(weights.values()) if weights else 0
    snapshots = []
    for pid, published_on, is_premium in rows:
        final = round(weights[pid] * scale) if is_premium else rng.randint(300, 6_000)
        for after, share in ((1, rng.uniform(0.6, 0.8)), (7, 1.0)):
            day = min(published_on + timedelta(days=after), end)
            if snapshots and snapshots[-1].owner_id == pid and snapshots[-1].day == day:
                snapshots.pop()  # published in the term's last days: one snapshot, the last
            reads = round(final * share)
            snapshots.append(Snapshot(pid, day, {
                "reads": reads, "shares": round(reads * 0.02), "likes": round(reads * 0.03)}))
    return snapshots


def create_demo_metrics(ctx) -> None:
    """The 2023 contract's channel and publication metrics over its term (skipped when the
    contract is not loaded, has no content yet, or already has metrics)."""
    contract = _contract()
    if contract is None:
        return
    channels = list(db.session.scalars(select(ContractChannel).where(
        ContractChannel.contract_id == contract.id, ContractChannel.key.in_(CHANNELS))))
    if not channels or db.session.scalar(select(func.count()).select_from(ChannelMetric).where(
            ChannelMetric.channel_id.in_([c.id for c in channels]))):
        return
    lead = db.session.scalar(select(User).where(User.username == "zuzhang"))
    rng = random.Random(METRICS_SEED)
    calendar = days_between(contract, contract.start_date, contract.end_date)
    daily = [row for channel in channels
             for row in _daily_rows(rng, channel.id, channel.key, calendar)]
    store_snapshots(CHANNEL_STORE, contract=contract, actor=lead, snapshots=daily,
                    source="demo")
    published = _publication_rows(rng, contract, contract.end_date)
    store_snapshots(PUBLICATION_STORE, contract=contract, actor=lead, snapshots=published,
                    source="demo")
    ctx.summary["channel_metrics"] = len(daily)
    ctx.summary["publication_metrics"] = len(published)
