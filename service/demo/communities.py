"""Community accounts for most communities, and a history of their openings of the weekly
workbooks: some communities open theirs most weeks, some now and then, some never."""

import random
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from models import Community, Delivery, Role, User, db
from service.clock import now_utc

# Share of communities with an account from the start of the contract.
WITH_ACCOUNTS = 0.9
# How often a community opens its workbook, and how many communities behave so.
HABITS = [(0.95, 4), (0.7, 3), (0.3, 2), (0.0, 1)]
STAFF = "书记", "社工"
# Their own random generators, so that adding these steps changed nothing else of the year.
ACCOUNTS_SEED, OPENINGS_SEED = 20_2001, 20_2002


def create_demo_community_accounts(ctx) -> None:
    """One or two accounts (书记, 社工) for about nine communities in ten, opened before the
    first workbook; password `xicheng2022`, already set by their users."""
    if db.session.scalar(select(func.count()).select_from(User).where(
            User.role == Role.COMMUNITY)):
        return
    from service.demo import DEMO_PASSWORD, GIVEN, SURNAMES
    rng = random.Random(ACCOUNTS_SEED)
    # One hash for all: hashing hundreds of passwords one by one would take a minute.
    password_hash = generate_password_hash(DEMO_PASSWORD)
    codes = db.session.scalars(select(Community.code).order_by(Community.code)).all()
    chosen = sorted(rng.sample(codes, round(len(codes) * WITH_ACCOUNTS)))
    accounts = []
    for code in chosen:
        for number in range(rng.choice([1, 1, 2])):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            accounts.append(User(
                username=f"sq{code}" + ("" if number == 0 else f"-{number + 1}"),
                display_name=f"{name}（{STAFF[number]}）", role=Role.COMMUNITY,
                password_hash=password_hash, community_code=code,
                created_at=ctx.start_moment))
    db.session.add_all(accounts)
    db.session.flush()
    ctx.summary["community_accounts"] = len(accounts)
    ctx.summary["communities_with_accounts"] = len(chosen)


def create_demo_openings(ctx) -> None:
    """Each delivered workbook opened (or not) by one of its community's accounts, after it
    was made available, as that community's habit has it."""
    rng = random.Random(OPENINGS_SEED)
    staff: dict[str, list[int]] = {}
    for user_id, code in db.session.execute(select(User.id, User.community_code).where(
            User.role == Role.COMMUNITY).order_by(User.id)):
        staff.setdefault(code, []).append(user_id)
    weights = [share for share, _ in HABITS], [weight for _, weight in HABITS]
    habit = {code: rng.choices(*weights)[0] for code in sorted(staff)}
    now = now_utc()
    opened = 0
    for delivery in db.session.scalars(select(Delivery).where(
            Delivery.first_opened_at.is_(None)).order_by(Delivery.id)):
        if rng.random() >= habit.get(delivery.community_code, 0):
            continue
        at = delivery.made_available_at + timedelta(hours=rng.uniform(1, 72))
        if at >= now:
            continue
        delivery.first_opened_at = at
        delivery.first_opened_by_id = rng.choice(staff[delivery.community_code])
        opened += 1
    ctx.summary["workbooks_opened"] = opened
