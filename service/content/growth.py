"""The growth KPIs of a content contract against its baseline (issue #18 point 2): 甲方可在
项目结束后根据用户数及阅读量增长情况进行评判，未达到的扣除合同总价的 5%. What is compared is
the contract's data (`rules.growth` of its file, where each reading is explained):

- `compare: stock` (followers): the five channels' followers together on a day — each
  channel's latest snapshot on or before it — against the baseline, each channel's snapshot
  of the term's first day (or, if that day was not recorded, its first one in the term).
- `compare: window` (reads): the reads of the term's last `window_days` against those of its
  first `window_days` (the baseline).
- `compare: total` (premium page views): each premium publication's latest reads, added up,
  against a minimum.

Each KPI answers its figure now (as of a day), its growth over the baseline, the figure the
term ends with at the recent pace, and whether that falls short; one KPI short puts the
withheld share of the price at risk. The recent pace is that of the last `pace_days` (28:
four whole weeks) before the day asked about."""

import math
from datetime import date, timedelta

from sqlalchemy import func, select

from models import ChannelMetric, Contract, ContractChannel, User, db
from service.clock import local_today
from service.content.metrics import premium_page_views, refusal
from service.district.contract_members import require_member
from service.district.contracts import find_contract
from service.errors import RuleViolationError
from service.transaction import reader


def growth_rules(contract: Contract) -> dict:
    """The contract's growth rules, or a refusal naming what is missing."""
    rules = contract.rules.get("growth")
    if not isinstance(rules, dict) or not rules.get("kpis"):
        raise RuleViolationError("该合同没有约定增长指标（rules.growth）",
                                 {"contract": ["该合同没有约定增长指标"]})
    unknown = [k.get("compare") for k in rules["kpis"] if k.get("compare") not in KPI_MEASURES]
    if unknown:
        raise RuleViolationError(f"增长指标的比较方式未知：{unknown}",
                                 {"contract": ["合同的增长指标有误"]})
    return rules


def _channel_ids(contract: Contract) -> list[int]:
    return list(db.session.scalars(select(ContractChannel.id).where(
        ContractChannel.contract_id == contract.id)))


def followers_on(channel_ids: list[int], day: date) -> int | None:
    """The channels' followers together on `day`: each one's latest snapshot on or before it
    (None while none has one)."""
    latest = (select(ChannelMetric.channel_id, func.max(ChannelMetric.day).label("day"))
              .where(ChannelMetric.channel_id.in_(channel_ids), ChannelMetric.day <= day)
              .group_by(ChannelMetric.channel_id).subquery())
    total, found = db.session.execute(
        select(func.sum(ChannelMetric.followers), func.count())
        .join(latest, (latest.c.channel_id == ChannelMetric.channel_id)
              & (latest.c.day == ChannelMetric.day))).one()
    return int(total) if found else None


def baseline_followers(contract: Contract,
                       channel_ids: list[int]) -> tuple[int | None, date | None]:
    """Each channel's snapshot of the term's first day (else its first one in the term),
    added up, and the last of those days."""
    first = (select(ChannelMetric.channel_id, func.min(ChannelMetric.day).label("day"))
             .where(ChannelMetric.channel_id.in_(channel_ids),
                    ChannelMetric.day >= contract.start_date)
             .group_by(ChannelMetric.channel_id).subquery())
    total, last_day, found = db.session.execute(
        select(func.sum(ChannelMetric.followers), func.max(ChannelMetric.day), func.count())
        .join(first, (first.c.channel_id == ChannelMetric.channel_id)
              & (first.c.day == ChannelMetric.day))).one()
    return (int(total), last_day) if found else (None, None)


def flow_between(channel_ids: list[int], figure: str, first: date, last: date) -> int:
    """A flow figure of the channels added up over first → last (both included)."""
    column = getattr(ChannelMetric, figure)
    return int(db.session.scalar(
        select(func.coalesce(func.sum(column), 0))
        .where(ChannelMetric.channel_id.in_(channel_ids), ChannelMetric.day >= first,
               ChannelMetric.day <= last)))


def recorded_days(channel_ids: list[int], first: date, last: date) -> int:
    """The days of first → last with a snapshot of any of the channels."""
    return int(db.session.scalar(
        select(func.count(func.distinct(ChannelMetric.day)))
        .where(ChannelMetric.channel_id.in_(channel_ids), ChannelMetric.day >= first,
               ChannelMetric.day <= last)))


def _ratio(value: int | float | None, base: int | float | None) -> float | None:
    if value is None or not base:
        return None
    return round(value / base - 1, 4)


def _kpi(spec: dict, *, baseline, current, target, projected, extra: dict) -> dict:
    # Unknown (None) while there is no baseline or no pace yet: neither behind nor safe.
    behind = None if projected is None or target is None else projected < target
    return {"key": spec["key"], "name": spec.get("name", spec["key"]),
            "metric": spec.get("metric"), "compare": spec["compare"],
            "source": spec.get("source", ""), "growth_required": spec.get("growth"),
            "minimum": spec.get("minimum"), "baseline": baseline, "current": current,
            "growth": _ratio(current, baseline) if spec["compare"] != "total" else None,
            "target": target, "projected": projected,
            "projected_growth": (_ratio(projected, baseline)
                                 if spec["compare"] != "total" else None),
            "behind": behind, **extra}


def _grown(baseline: int | None, growth: float) -> int | None:
    """The figure `growth` above the baseline, rounded up (a fraction of a reader is not
    there)."""
    return None if baseline is None else math.ceil(round(baseline * (1 + growth), 6))


def _stock_kpi(spec, contract, ids, as_of, pace_days) -> dict:
    baseline, baseline_day = baseline_followers(contract, ids)
    current = followers_on(ids, as_of)
    before = followers_on(ids, as_of - timedelta(days=pace_days))
    days_left = (contract.end_date - as_of).days
    pace = None if current is None or before is None else (current - before) / pace_days
    projected = None if pace is None else round(current + pace * days_left)
    if days_left == 0:
        projected = current
    return _kpi(spec, baseline=baseline, current=current,
                target=_grown(baseline, spec["growth"]), projected=projected,
                extra={"baseline_day": baseline_day,
                       "pace_per_day": None if pace is None else round(pace, 2)})


def _window_kpi(spec, contract, ids, as_of, pace_days) -> dict:
    width = timedelta(days=int(spec["window_days"]) - 1)
    first_window = (contract.start_date, contract.start_date + width)
    last_window = (contract.end_date - width, contract.end_date)
    figure = spec["metric"]
    # While the first window runs, its reads so far are shown but no target is set.
    baseline_complete = as_of >= first_window[1]
    baseline = flow_between(ids, figure, *first_window)
    current = flow_between(ids, figure, max(contract.start_date, as_of - width), as_of)
    pace_from = as_of - timedelta(days=pace_days - 1)
    days = recorded_days(ids, pace_from, as_of)
    # Per recorded day: a day nobody has entered yet is unknown, not a day without reads.
    pace = flow_between(ids, figure, pace_from, as_of) / days if days else None
    so_far = flow_between(ids, figure, last_window[0], as_of) if as_of >= last_window[0] else 0
    still_to_come = (last_window[1] - max(as_of, last_window[0] - timedelta(days=1))).days
    projected = None if pace is None else round(so_far + pace * still_to_come)
    if still_to_come == 0:
        projected = so_far
    target = _grown(baseline, spec["growth"]) if baseline_complete and baseline else None
    return _kpi(spec, baseline=baseline, current=current, target=target, projected=projected,
                extra={"baseline_from": first_window[0], "baseline_to": first_window[1],
                       "baseline_complete": baseline_complete,
                       "end_from": last_window[0], "end_to": last_window[1],
                       "pace_per_day": None if pace is None else round(pace, 2)})


def _total_kpi(spec, contract, _ids, as_of, pace_days) -> dict:
    current = premium_page_views(contract, as_of)
    before = premium_page_views(contract, as_of - timedelta(days=pace_days))
    days_left = (contract.end_date - as_of).days
    pace = (current - before) / pace_days
    return _kpi(spec, baseline=None, current=current, target=int(spec["minimum"]),
                projected=round(current + pace * days_left),
                extra={"pace_per_day": round(pace, 2)})


KPI_MEASURES = {"stock": _stock_kpi, "window": _window_kpi, "total": _total_kpi}


@reader
def growth_report(viewer: User, *, contract: str, as_of: date | None = None,
                  today: date | None = None) -> dict:
    """The contract's growth KPIs as of a day (default: today, or the term's last day once it
    has ended): baseline, figure now, growth, the end figure at the recent pace, and the
    share of the price at risk when any of them falls short."""
    held = find_contract(contract)
    require_member(viewer, held)
    rules = growth_rules(held)
    as_of = as_of or min(today or local_today(), held.end_date)
    if not held.start_date <= as_of <= held.end_date:
        raise refusal("as_of", f"日期不在合同期内（{held.start_date} 至 {held.end_date}）",
                      "query")
    ids = _channel_ids(held)
    pace_days = int(rules.get("pace_days", 28))
    kpis = [KPI_MEASURES[spec["compare"]](spec, held, ids, as_of, pace_days)
            for spec in rules["kpis"]]
    at_risk = any(k["behind"] is True for k in kpis)
    price = float(rules.get("price", 0))
    share = float(rules.get("withheld_share", 0))
    return {"contract": held.key, "as_of": as_of, "term_start": held.start_date,
            "term_end": held.end_date, "days_left": (held.end_date - as_of).days,
            "pace_days": pace_days, "kpis": kpis, "price": price, "withheld_share": share,
            "at_risk": at_risk, "price_at_risk": round(price * share, 2) if at_risk else 0.0,
            "undetermined": [k["key"] for k in kpis if k["behind"] is None]}
