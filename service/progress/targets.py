"""Where the year's work stands on every target of the contract, computed from the records at
request time. A target's `source` names what is measured; its `measure` says how."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from models import (
    Case,
    Community,
    Contract,
    ContractTarget,
    DemoCommunity,
    Event,
    InteractionDay,
    ServiceGroup,
    Street,
    Training,
    User,
    db,
)
from models.registry import training_communities, training_streets
from service import audit
from service.district.contracts import current_contract
from service.errors import NotFoundError, field_error
from service.fieldwork.visits import count_counted_visits
from service.progress.articles import count_articles, count_topics
from service.progress.pace import elapsed_fraction, expected_level
from service.progress.pace import status as _status
from service.progress.user_counts import district_totals_on
from service.reports.ledger import delivered_community_weeks
from service.transaction import reader, writer


@dataclass
class TargetStatus:
    key: str
    name: str
    measure: str
    target: float
    actual: float
    progress: float
    expected_by_now: float
    status: str  # done, on_track, behind
    missing: list[dict] | None = None


@dataclass
class TargetReport:
    contract: Contract
    as_of: date
    items: list[TargetStatus] = field(default_factory=list)


# A source answers (contract, first day, last day) with a number.
Source = Callable[[Contract, date, date], float]
SOURCES: dict[str, Source] = {}


def register_source(name: str) -> Callable[[Source], Source]:
    """Make a measured quantity available to contract targets under `name`."""
    def decorator(source: Source) -> Source:
        SOURCES[name] = source
        return source
    return decorator


# The records each counted source counts, by the date that places them in a period.
COUNTED_RECORDS = {
    "trainings": (Training, "date"),
    "events": (Event, "date"),
    "service_groups": (ServiceGroup, "created_on"),
    "cases": (Case, "published_on"),
}


def counted_records(source: str, start: date, end: date):
    """The one rule of what counts for a counted source between two days: live records dated
    in the period. The target counts these; the execution report's evidence lists exactly
    these. (Articles and topics: service/progress/articles.py.)"""
    model, name = COUNTED_RECORDS[source]
    column = getattr(model, name)
    return and_(model.deleted_at.is_(None), column >= start, column <= end)


def _register_counted(source: str) -> None:
    model = COUNTED_RECORDS[source][0]

    @register_source(source)
    def count(contract, start, end):
        return db.session.scalar(select(func.count()).select_from(model).where(
            counted_records(source, start, end))) or 0


for _source in COUNTED_RECORDS:
    _register_counted(_source)

# The contract's WeChat articles (its publications on its `wechat` channel) and its monthly
# topics (its themes, by month).
register_source("articles")(count_articles)
register_source("topics")(count_topics)


def designated_by(end: date):
    """Demo communities designated on `end` (a designation ended by then no longer counts)."""
    return and_(DemoCommunity.deleted_at.is_(None), DemoCommunity.designated_on <= end,
                or_(DemoCommunity.undesignated_on.is_(None), DemoCommunity.undesignated_on > end))


@register_source("demo_communities")
def _demo_communities(contract, start, end):
    return db.session.scalar(select(func.count(func.distinct(DemoCommunity.community_code)))
                             .where(designated_by(end))) or 0


@register_source("interactions")
def _interactions(contract, start, end):
    return db.session.scalar(select(func.coalesce(func.sum(interaction_total()), 0))
                             .where(interaction_days(start, end))) or 0


def interaction_total():
    return InteractionDay.views + InteractionDay.likes + InteractionDay.comments


def interaction_days(start: date, end: date):
    return and_(InteractionDay.deleted_at.is_(None), InteractionDay.date >= start,
                InteractionDay.date <= end)


@register_source("visits")
def _visits(contract, start, end):
    return count_counted_visits(contract, start, end)


@register_source("user_counts.verified")
def _verified(contract, start, end):
    return district_totals_on(end).verified


def due_weeks(start: date, as_of: date) -> int:
    """ISO weeks (Monday to Sunday) ending on or after `start` whose spreadsheets were due by
    `as_of`: a week's are due the day after it ends."""
    first_sunday = start + timedelta(days=7 - start.isoweekday())
    last_due_sunday = as_of - timedelta(days=1)
    return 0 if last_due_sunday < first_sunday else (last_due_sunday - first_sunday).days // 7 + 1


@register_source("weekly_reports")
def _weekly_reports(contract, start, end):
    """Community-weeks whose workbook was delivered to the community by `end` ÷ the
    community-weeks due by then (every community, every week): the contract asks for a
    workbook provided to each of the communities every week, and a file nobody at the
    community can reach was not provided."""
    weeks = due_weeks(start, end)
    communities = db.session.scalar(select(func.count()).select_from(Community)) or 0
    due = weeks * communities
    return round(delivered_community_weeks(start, end) / due, 4) if due else 0.0


def streets_with_training(start: date, end: date) -> set[str]:
    """Streets that had a training in the period: listed, or through one of its communities."""
    live = select(Training.id).where(Training.deleted_at.is_(None), Training.date >= start,
                                     Training.date <= end)
    direct = select(training_streets.c.street_code).where(
        training_streets.c.training_id.in_(live))
    via_community = (select(Community.street_code)
                     .join(training_communities,
                           training_communities.c.community_code == Community.code)
                     .where(training_communities.c.training_id.in_(live)))
    return set(db.session.scalars(direct)) | set(db.session.scalars(via_community))


# Per-street sources for "every street has at least one".
STREET_SOURCES: dict[str, Callable[[date, date], set[str]]] = {
    "trainings": streets_with_training,
}


# Measures that are rates (done only once the period has ended at or above the target).
RATE_MEASURES = {"monthly_average", "share_of_weeks"}


def months_elapsed(contract: Contract, as_of: date) -> float:
    """Months of the contract elapsed by as_of, counted as elapsed days over an average
    month of the period (the period's days ÷ 12), and at least one so that an average is
    never inflated in the first weeks."""
    period_days = (contract.end_date - contract.start_date).days + 1
    elapsed_days = max(0, (min(as_of, contract.end_date) - contract.start_date).days + 1)
    return max(1.0, elapsed_days / (period_days / 12))


def _measure(contract: Contract, target: ContractTarget, as_of: date) -> TargetStatus:
    fraction = elapsed_fraction(contract, as_of)
    start, end = contract.start_date, as_of
    missing = None
    source = SOURCES.get(target.source)
    if target.measure == "every_street":
        covered = STREET_SOURCES[target.source](start, end) if as_of >= start else set()
        streets = db.session.execute(select(Street.code, Street.name)
                                     .order_by(Street.code)).all()
        missing = [{"code": code, "name": name} for code, name in streets
                   if code not in covered]
        actual = float(len(streets) - len(missing))
        expected = target.target * fraction
    elif target.measure in RATE_MEASURES:
        value = source(contract, start, end) if source and as_of >= start else 0
        actual = round(value / months_elapsed(contract, as_of), 2) \
            if target.measure == "monthly_average" else float(value)
        # A rate is asked of every month or week: by now it should already be the target.
        expected = target.target if as_of >= start else 0.0
        done = as_of >= contract.end_date and actual >= target.target
        return TargetStatus(target.key, target.name, target.measure, target.target, actual,
                            round(actual / target.target, 4) if target.target else 0.0,
                            expected, "done" if done else _status(actual, float("inf"),
                                                                  expected))
    elif target.measure == "latest_value":
        actual = float(source(contract, start, end)) if source else 0.0
        baseline = float(source(contract, start, start)) if source else 0.0
        expected = expected_level(baseline, target.target, fraction) if as_of >= start else 0
    else:  # count, cumulative_sum: records in the period so far
        actual = float(source(contract, start, end)) if source and as_of >= start else 0.0
        expected = target.target * fraction
    expected = round(expected, 2)  # the status judges the figure the reader is shown
    return TargetStatus(target.key, target.name, target.measure, target.target, actual,
                        round(actual / target.target, 4) if target.target else 0.0,
                        expected, _status(actual, target.target, expected), missing)


@reader
def target_report(as_of: date) -> TargetReport:
    """Every target of the current contract as of a day (after the end: its last day)."""
    contract = current_contract()
    as_of = min(as_of, contract.end_date)
    return TargetReport(contract, as_of,
                        [_measure(contract, target, as_of) for target in contract.targets])


@writer
def update_target(key: str, *, actor: User, target: float, reason: str) -> ContractTarget:
    """Change a target's number (admins) with the reason, both kept in the history."""
    if not (reason or "").strip():
        raise field_error("reason", "请填写修改原因")
    contract = current_contract()
    row = contract.target(key)
    if row is None:
        raise NotFoundError(f"目标不存在：{key}")
    before = row.target
    if before == target:
        raise field_error("target", "目标值没有变化")
    row.target = target
    audit.record("contract_target", row.id, "update", actor,
                 {"target": [before, target], "reason": reason.strip()})
    return row


@reader
def target_history(key: str):
    row = current_contract().target(key)
    if row is None:
        raise NotFoundError(f"目标不存在：{key}")
    return audit.history("contract_target", row.id)
