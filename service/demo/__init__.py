"""A realistic, seeded-random year of the 2022 contract for demonstrations (`demo-data`).

Each feature adds a step to `_steps()`; the steps run in order on one random generator, so the
same seed always builds the same year."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from models import Role, Street, User, db
from service.clock import SHANGHAI, local_today
from service.district import accounts, assignments
from service.district.contracts import current_contract
from service.reports.calendar import last_complete_week
from service.transaction import reader, writer

DEMO_PASSWORD = "xicheng2022"

# Common surnames and given names, for liaisons who read like people.
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["静", "伟", "芳", "敏", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞"]


@dataclass
class DemoContext:
    rng: random.Random
    start: date
    end: date
    admin: User | None = None
    liaisons: dict[str, User] = field(default_factory=dict)  # street code -> liaison
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def start_moment(self) -> datetime:
        """The contract's first morning (Asia/Shanghai)."""
        return datetime.combine(self.start, time(9), tzinfo=SHANGHAI)


def _user(username: str, role: Role, display_name: str) -> tuple[User, bool]:
    existing = db.session.scalar(select(User).where(User.username == username))
    if existing is not None:
        return existing, False
    return accounts.create_user(username=username, password=DEMO_PASSWORD, role=role,
                                display_name=display_name), True


def create_demo_people(ctx: DemoContext) -> None:
    """An admin, two officials, and one liaison per street, assigned for the whole contract."""
    ctx.admin, _ = _user("admin", Role.ADMIN, "项目经理")
    _user("official", Role.OFFICIAL, "区民政局")
    _user("street-official", Role.OFFICIAL, "街道办")
    streets = db.session.scalars(select(Street).order_by(Street.code)).all()
    created = 0
    for number, street in enumerate(streets, start=1):
        name = ctx.rng.choice(SURNAMES) + ctx.rng.choice(GIVEN)
        liaison, is_new = _user(f"liaison{number:02d}", Role.LIAISON,
                                f"{name}（{street.name.removesuffix('街道')}）")
        ctx.liaisons[street.code] = liaison
        if is_new:
            assignments.create_assignment(actor=ctx.admin, username=liaison.username,
                                          street_code=street.code, start_date=ctx.start)
            created += 1
    ctx.summary["liaisons"] = len(ctx.liaisons)
    ctx.summary["assignments_created"] = created


def _steps() -> list[Callable[[DemoContext], None]]:
    from service.demo.communities import create_demo_community_accounts, create_demo_openings
    from service.demo.content import create_demo_content
    from service.demo.content_messages import create_demo_messages
    from service.demo.content_metrics import create_demo_metrics
    from service.demo.content_reports import create_demo_key_content_report
    from service.demo.counts import create_demo_counts
    from service.demo.registry import create_demo_registry, create_demo_report_runs
    from service.demo.visits import create_demo_visits
    return [create_demo_people, create_demo_community_accounts, create_demo_visits,
            create_demo_counts, create_demo_registry, create_demo_report_runs,
            create_demo_openings, create_demo_content, create_demo_metrics,
            create_demo_key_content_report, create_demo_messages]


@writer
def build_demo_data(seed: int = 2022) -> dict[str, int]:
    """Run every demo step for the current contract, all or nothing; returns what each step
    made."""
    contract = current_contract()
    ctx = DemoContext(rng=random.Random(seed), start=contract.start_date, end=contract.end_date)
    for step in _steps():
        step(ctx)
    return ctx.summary


@reader
def last_contract_week() -> str:
    """The last complete ISO week of the current contract (or of today, if it still runs)."""
    end = min(current_contract().end_date + timedelta(days=1), local_today())
    return last_complete_week(end)
