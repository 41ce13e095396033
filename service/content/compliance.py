"""Compliance, counted (issue #17 point 7): for each obligation of a content contract and each
of its periods, what is required, what was published, and whether the floor is met.

The engine works over plain facts (`PublicationFact`): it does not know where publications are
stored, so the publication model can feed it later, and a test can feed it a synthetic year.
It reads the contract's frozen working-day calendar once per call, through `working_days`
(never the `chinese_calendar` package): the daily floors depend on it, and a day nobody knows
is refused there rather than guessed here.

Periods:
- day: a calendar day; `days: working` obligations apply on the working days of the frozen
  calendar only (调休 weekend workdays such as 2023-10-07 and 2023-10-08 included),
  `days: non_working` on the other days only.
- week: an ISO week (Monday to Sunday), labelled `2023-W40`. A week partly outside the term is
  owed according to the contract's `rules.partial_weeks` (see `PARTIAL_WEEK_RULES`). Weeks with
  holidays are NOT reduced: 2023-W40 (two working days) and 2024-W07 (one) owe the full weekly
  floor, as the issue says (每周各平台分别发布信息不少于 10 条 names no exception, and
  holiday posts may be prepared ahead: 可提前编辑).
- month: a calendar month, within the term.
- quarter and year: of the CONTRACT, counted from its start, not calendar ones: the 2023
  contract's year is 2023-07-01 → 2024-06-30, its first quarter 2023-07-01 → 2023-09-30.
  Labels say so: year `2023/24`, quarter `2023/24-Q2` (= 2023-10-01 → 2023-12-31). A last
  quarter or year cut short by the term's end keeps its full floor (only weeks are pro-rated:
  the contract's setting speaks of weeks).
- term: the whole term.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from models import Contract, ContractObligation
from service.district.contract_content import PARTIAL_WEEKS, PERIODS
from service.district.working_days import days_between
from service.errors import field_error

KINDS = ("article", "repost", "infographic", "poster", "video", "interactive")

MET, SHORT, PENDING, OVER, NOT_TRACKED = "met", "short", "pending", "over", "not_tracked"
STATUSES = (MET, SHORT, PENDING, OVER, NOT_TRACKED)

FULL, PRO_RATA_DAYS, EXCLUDED = PARTIAL_WEEKS
# What the contract file says, and what a contract without the setting gets.
DEFAULT_PARTIAL_WEEKS = PRO_RATA_DAYS


@dataclass(frozen=True)
class PublicationFact:
    """One publication on one channel, as far as compliance needs it. `published_on` is the
    local date (Asia/Shanghai) it went out; `original` marks the contractor's own work."""

    id: int | str
    channel: str
    published_on: date
    kind: str
    original: bool = False
    # The content published: one product posted on several accounts is one product.
    content_id: int | str | None = None

    @property
    def product(self):
        return self.id if self.content_id is None else ("content", self.content_id)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown publication kind: {self.kind!r} (one of {KINDS})")


@dataclass(frozen=True)
class ThemeFact:
    """A monthly theme (每月一题) as far as compliance needs it: its month (`YYYY-MM`), whether
    it was marked delivered, and the publications of content linked to it that went out in
    its month. It counts for its month when delivered or when any such publication exists."""

    id: int | str
    month: str
    delivered: bool = False
    publication_ids: tuple = ()

    @property
    def counted(self) -> bool:
        return self.delivered or bool(self.publication_ids)


@dataclass(frozen=True)
class ReportFact:
    """An issued report as compliance counts it (`counts`: data_reports, key_content_reports).
    A data report counts in the contract's period it covers, for the obligations of its own
    period kind only (`period`: month or quarter — a monthly report is not a quarterly one); a
    key-content report (`period` None) counts in every period holding its issue day (`start`
    = `end` = that day, Asia/Shanghai)."""

    id: int | str
    counts: str
    label: str
    start: date
    end: date
    period: str | None = None

    def counted_in(self, counts: str, period: "Period") -> bool:
        if self.counts != counts or self.period not in (None, period.kind):
            return False
        return period.start <= self.start and self.end <= period.end


def _article(fact: PublicationFact) -> bool:
    # 公众号编发文章 ("articles edited and published by the account") covers what the account
    # writes and what it reprints (转载, kind `repost`): the 780 holds "of which ≥ 100
    # original", so non-original articles are expected to make up the rest. Infographics,
    # posters, videos and H5/SVG products are not 文章: they have floors of their own.
    return fact.kind in ("article", "repost")


# What each `counts` value of an obligation counts among the publications on its channels
# (any channel when it names none). None: not measured by publications (accounts run,
# activities) — answered `not_tracked`, never a false figure. Reports are counted over the
# issued reports (ReportFact), not publications.
COUNTED = {
    "items": lambda fact: True,  # 发布信息（含转发）: every publication, reposts included
    "articles": _article,
    "original_articles": lambda fact: _article(fact) and fact.original,
    "infographics": lambda fact: fact.kind == "infographic",
    "posters": lambda fact: fact.kind == "poster",
    "videos": lambda fact: fact.kind == "video",
    "interactive_products": lambda fact: fact.kind == "interactive",
    "accounts": None,
    "activities": None,
    "data_reports": "reports",  # 运营数据分析报告: the issued monthly / quarterly reports
    "key_content_reports": "reports",  # 重点内容传播分析报告: the issued key-content reports
    "themes": "themes",  # 每月一题: counted over the themes (ThemeFact), not publications
}
# The products the contract asks for per year (一图读懂 ≥ 8, 海报 ≥ 6, …) over every account:
# a poster posted on WeChat and on Weibo is one poster, so these count distinct content.
PRODUCTS = {"infographics", "posters", "videos", "interactive_products"}
NOT_TRACKED_NOTES = {
    "accounts": "运营的账号数不由发布记录统计，需另行核对",
    "activities": "线上或线下活动不由发布记录统计，需另行登记",
}


@dataclass(frozen=True)
class Period:
    kind: str  # day, week, month, quarter, year, term
    label: str
    start: date
    end: date
    # How many of the period's days fall in the term (a week may be partial).
    days_in_term: int
    full_days: int


@dataclass(frozen=True)
class ComplianceResult:
    """One obligation in one period (and on one channel when it binds each channel)."""

    obligation: str  # the obligation's key
    name: str
    counts: str
    mandatory: bool
    period: str  # day, week, month, quarter, year, term
    label: str  # 2023-10-07, 2023-W40, 2023-10, 2023/24-Q2, 2023/24, term dates
    start: date
    end: date
    channel: str | None  # the channel of a per-channel result, None for a sum
    channels: tuple[str, ...]  # the channels counted; () = every channel
    minimum: int | None
    maximum: int | None
    actual: int | None  # None when not tracked
    status: str
    publication_ids: tuple = ()
    day_kind: str | None = None  # for a day: workday, adjusted_workday, weekend, holiday
    working_days: int | None = None  # for a week or longer: its working days in the term
    note: str = ""

    def as_dict(self) -> dict:
        return {"obligation": self.obligation, "name": self.name, "counts": self.counts,
                "mandatory": self.mandatory, "period": self.period, "label": self.label,
                "from": self.start.isoformat(), "to": self.end.isoformat(),
                "channel": self.channel, "channels": list(self.channels),
                "required": {"min": self.minimum, "max": self.maximum},
                "actual": self.actual, "status": self.status,
                "publications": list(self.publication_ids), "day_kind": self.day_kind,
                "working_days": self.working_days, "note": self.note}


# --- periods ---------------------------------------------------------------------------------

def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _year_label(start: date, end: date) -> str:
    return str(start.year) if start.year == end.year else f"{start.year}/{end.year % 100:02d}"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    # A contract starting on the 31st: its next month starts on the last day there is.
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _clipped(kind: str, label: str, start: date, end: date, contract: Contract) -> Period:
    inside_start, inside_end = max(start, contract.start_date), min(end, contract.end_date)
    return Period(kind, label, inside_start, inside_end,
                  (inside_end - inside_start).days + 1, (end - start).days + 1)


def _day_periods(contract: Contract, start: date, end: date) -> list[Period]:
    return [Period("day", day.isoformat(), day, day, 1, 1) for day in _days(start, end)]


def _week_periods(contract: Contract, start: date, end: date) -> list[Period]:
    periods = []
    monday = start - timedelta(days=start.isoweekday() - 1)
    while monday <= end:
        year, week, _ = monday.isocalendar()
        periods.append(_clipped("week", f"{year}-W{week:02d}", monday,
                                monday + timedelta(days=6), contract))
        monday += timedelta(days=7)
    return periods


def _month_periods(contract: Contract, start: date, end: date) -> list[Period]:
    periods = []
    first = start.replace(day=1)
    while first <= end:
        following = _add_months(first, 1)
        periods.append(_clipped("month", f"{first:%Y-%m}", first,
                                following - timedelta(days=1), contract))
        first = following
    return periods


def _contract_periods(kind: str, months: int, contract: Contract, start: date,
                      end: date) -> list[Period]:
    """The contract's own quarters or years, counted from its start, that overlap the range."""
    periods = []
    index = 0
    while (first := _add_months(contract.start_date, months * index)) <= end:
        last = _add_months(contract.start_date, months * (index + 1)) - timedelta(days=1)
        if last >= start:
            periods.append(_clipped(kind, _contract_label(contract, kind, months, index),
                                    first, last, contract))
        index += 1
    return periods


def _contract_label(contract: Contract, kind: str, months: int, index: int) -> str:
    """`2023/24` for the year from 2023-07-01, `2023/24-Q2` for its second quarter."""
    year = index * months // 12
    first = _add_months(contract.start_date, 12 * year)
    last = _add_months(contract.start_date, 12 * (year + 1)) - timedelta(days=1)
    label = _year_label(first, last)
    return f"{label}-Q{index % 4 + 1}" if kind == "quarter" else label


def _term_periods(contract: Contract, start: date, end: date) -> list[Period]:
    first, last = contract.start_date, contract.end_date
    return [Period("term", f"{first.isoformat()}/{last.isoformat()}", first, last,
                   (last - first).days + 1, (last - first).days + 1)]


def periods_overlapping(contract: Contract, kind: str, start: date, end: date) -> list[Period]:
    """The contract's periods of a kind that overlap start → end (both within the term), each
    whole but clipped to the term: a week's figure counts its seven days, not only the ones
    asked for."""
    makers = {
        "day": _day_periods,
        "week": _week_periods,
        "month": _month_periods,
        "quarter": lambda c, s, e: _contract_periods("quarter", 3, c, s, e),
        "year": lambda c, s, e: _contract_periods("year", 12, c, s, e),
        "term": _term_periods,
    }
    return makers[kind](contract, start, end)


# --- what is owed ----------------------------------------------------------------------------

def partial_weeks_rule(contract: Contract) -> str:
    return (contract.rules or {}).get("partial_weeks", DEFAULT_PARTIAL_WEEKS)


def _whole(value: float | None) -> int | None:
    return None if value is None else math.ceil(value)


def _owed(obligation: ContractObligation, period: Period, rule: str
          ) -> tuple[int | None, int | None, str] | None:
    """The floor and ceiling the period owes, with a note; None when it owes nothing."""
    minimum, maximum = _whole(obligation.minimum), _whole(obligation.maximum)
    if period.kind != "week" or period.days_in_term == period.full_days:
        return minimum, maximum, ""
    if rule == EXCLUDED:
        return None
    if rule == FULL:
        return minimum, maximum, f"合同期内仅 {period.days_in_term} 天，按整周要求"
    # Pro rata, rounded UP: 10 a week over 2 days of the term is 10 × 2 / 7 = 2.86 → 3.
    scaled = [None if v is None else -(-v * period.days_in_term // period.full_days)
              for v in (minimum, maximum)]
    return scaled[0], scaled[1], (f"合同期内仅 {period.days_in_term} 天，"
                                  f"按天数比例折算（向上取整）")


def _status(actual: int, minimum: int | None, maximum: int | None, period: Period,
            today: date) -> str:
    if maximum is not None and actual > maximum:
        return OVER
    if minimum is None or actual >= minimum:
        return MET  # a floor met in a running period is met: later posts cannot undo it
    # Not met yet while the period runs (today's posts may still come) or has not begun.
    return PENDING if period.end >= today else SHORT


# --- counting --------------------------------------------------------------------------------

@dataclass
class _Facts:
    """The facts by day, so that a period reads only its own days."""

    by_day: dict = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, facts: Iterable[PublicationFact]) -> "_Facts":
        held = cls()
        for fact in facts:
            held.by_day[fact.published_on].append(fact)
        return held

    def counted(self, period: Period, channels: Sequence[str], counts) -> list:
        return [fact for day in _days(period.start, period.end)
                for fact in self.by_day.get(day, ())
                if (not channels or fact.channel in channels) and counts(fact)]


def _figure(counts: str, facts: list[PublicationFact]) -> int:
    """What the period has: its publications, or for the products its distinct content."""
    return len({f.product for f in facts}) if counts in PRODUCTS else len(facts)


def _channel_groups(obligation: ContractObligation) -> list[tuple[str | None, tuple]]:
    """(the result's channel, the channels it counts): one per channel for `each`, one sum for
    `together`, and one over every channel when the obligation names none."""
    channels = tuple(obligation.channels or ())
    if not channels:
        return [(None, ())]
    if obligation.per_channel == "together":
        return [(None, channels)]
    return [(channel, (channel,)) for channel in channels]


def _applies(obligation: ContractObligation, period: Period, kinds: dict) -> bool:
    if period.kind != "day" or obligation.days == "all":
        return True
    working = kinds[period.start] in ("workday", "adjusted_workday")
    return working if obligation.days == "working" else not working


def _wanted(obligation: ContractObligation, period: str | None, channel: str | None) -> bool:
    if period is not None and obligation.period != period:
        return False
    # A channel asked for: the obligations that name it. Those over every channel (the
    # products) are left out: their figure is no single channel's.
    return channel is None or channel in (obligation.channels or ())


def _check_filters(contract: Contract, start: date, end: date, period: str | None,
                   channel: str | None) -> None:
    if end < start:
        raise field_error("to", "结束日期不能早于开始日期")
    if period is not None and period not in PERIODS:
        raise field_error("period", f"周期无效：{period}（可用：{'、'.join(PERIODS)}）")
    known = [c.key for c in contract.channels]
    if channel is not None and channel not in known:
        raise field_error("channel", f"合同没有这个渠道：{channel}（可用：{'、'.join(known)}）")
    rule = partial_weeks_rule(contract)
    if rule not in PARTIAL_WEEKS:
        raise field_error("rules", f"rules.partial_weeks 无效：{rule}")


def _calendar(contract: Contract, start: date, end: date, spans: list[Period]) -> dict:
    """Every day's kind over the request and every period it touches, in one query; the
    working-days module refuses a day outside the term or one nobody knows."""
    first = min([start, *(p.start for p in spans)])
    last = max([end, *(p.end for p in spans)])
    return {day.date: day.kind for day in days_between(contract, first, last)}


def _working_days(period: Period, kinds: dict) -> int:
    return sum(kinds[day] in ("workday", "adjusted_workday")
               for day in _days(period.start, period.end))


def _themes_result(common: dict, period: Period, themes: Sequence[ThemeFact],
                   today: date) -> ComplianceResult:
    """The themes of the period's months that count (delivered, or published in their month);
    `publications` lists the publications of their linked content, the note the themes."""
    first, last = f"{period.start:%Y-%m}", f"{period.end:%Y-%m}"
    counted = [t for t in themes if first <= t.month <= last and t.counted]
    ids = tuple(i for t in counted for i in t.publication_ids)
    note = ("计入的主题：" + "、".join(f"#{t.id}（{t.month}）" for t in counted)
            if counted else "本期没有已交付或已发布的主题")
    return ComplianceResult(**common, actual=len(counted),
                            status=_status(len(counted), common["minimum"], common["maximum"],
                                           period, today),
                            publication_ids=ids, note=note)


def _reports_result(common: dict, period: Period, reports: Sequence[ReportFact],
                    today: date) -> ComplianceResult:
    """The issued reports the period counts; the note names them."""
    counted = [r for r in reports if r.counted_in(common["counts"], period)]
    note = ("计入的报告：" + "、".join(f"#{r.id}（{r.label}）" for r in counted)
            if counted else "本期没有已签发的报告")
    return ComplianceResult(**common, actual=len(counted),
                            status=_status(len(counted), common["minimum"], common["maximum"],
                                           period, today), note=note)


def _result(obligation, period, group, owed, facts, kinds, today,
            themes: Sequence[ThemeFact] = (),
            reports: Sequence[ReportFact] = ()) -> ComplianceResult:
    channel, channels = group
    minimum, maximum, note = owed
    counts = COUNTED[obligation.counts]
    common = dict(obligation=obligation.key, name=obligation.name, counts=obligation.counts,
                  mandatory=obligation.mandatory, period=period.kind, label=period.label,
                  start=period.start, end=period.end, channel=channel, channels=channels,
                  minimum=minimum, maximum=maximum,
                  day_kind=kinds[period.start] if period.kind == "day" else None,
                  working_days=None if period.kind == "day" else _working_days(period, kinds))
    if counts is None:
        return ComplianceResult(**common, actual=None, status=NOT_TRACKED,
                                note=NOT_TRACKED_NOTES.get(obligation.counts, "不由发布记录统计"))
    if counts == "themes":
        return _themes_result(common, period, themes, today)
    if counts == "reports":
        return _reports_result(common, period, reports, today)
    counted = facts.counted(period, channels, counts)
    actual = _figure(obligation.counts, counted)
    if period.kind == "week" and common["working_days"] < 5 and not note:
        # The holiday weeks: the floor holds in full however few working days.
        note = f"本周仅 {common['working_days']} 个工作日，周下限不因节假日减少"
    if actual < len(counted):
        once = f"{len(counted)} 次发布，同一作品在多个账号发布的只计一件"
        note = "；".join(filter(None, [note, once]))
    return ComplianceResult(**common, actual=actual,
                            status=_status(actual, minimum, maximum, period, today),
                            publication_ids=tuple(f.id for f in counted), note=note)


def evaluate(contract: Contract, obligations: Iterable[ContractObligation],
             facts: Iterable[PublicationFact], *, start: date, end: date, today: date,
             period: str | None = None, channel: str | None = None,
             themes: Iterable[ThemeFact] = (),
             reports: Iterable[ReportFact] = ()) -> list[ComplianceResult]:
    """Each obligation in each of its periods overlapping start → end (a range within the
    term), in the obligations' order then the periods': required, actual, status and the
    publications behind the figure. `today` decides which periods still run (`pending` until
    they end, unless already met); `period` and `channel` keep only the obligations of that
    period or naming that channel; `themes` feed the obligations that count `themes`, `reports`
    (the issued reports) those that count reports. Read in the caller's transaction."""
    _check_filters(contract, start, end, period, channel)
    wanted = [o for o in obligations if _wanted(o, period, channel)]
    rule = partial_weeks_rule(contract)
    spans = {kind: periods_overlapping(contract, kind, max(start, contract.start_date),
                                       min(end, contract.end_date))
             for kind in {o.period for o in wanted}}
    kinds = _calendar(contract, start, end, [p for ps in spans.values() for p in ps])
    held = _Facts.of(facts)
    themes, reports = tuple(themes), tuple(reports)
    results = []
    for obligation in wanted:
        for each in spans[obligation.period]:
            owed = _owed(obligation, each, rule)
            if owed is None or not _applies(obligation, each, kinds):
                continue
            for group in _channel_groups(obligation):
                if channel is not None and group[0] not in (None, channel):
                    continue
                results.append(_result(obligation, each, group, owed, held, kinds, today,
                                       themes, reports))
    return results


# --- summary ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComplianceSummary:
    """An obligation (on one channel, for a per-channel one) over the periods evaluated."""

    obligation: str
    name: str
    channel: str | None
    mandatory: bool
    periods: int
    met: int
    short: int
    pending: int
    over: int
    not_tracked: int
    short_labels: tuple[str, ...]  # the periods that fell short, for the report to name

    def as_dict(self) -> dict:
        return {"obligation": self.obligation, "name": self.name, "channel": self.channel,
                "mandatory": self.mandatory, "periods": self.periods, "met": self.met,
                "short": self.short, "pending": self.pending, "over": self.over,
                "not_tracked": self.not_tracked, "short_periods": list(self.short_labels)}


def summarize(results: Iterable[ComplianceResult]) -> list[ComplianceSummary]:
    """Per obligation and channel, in the order first met: how many periods were met, short,
    pending, over the ceiling or not tracked, and which fell short."""
    grouped: dict[tuple, list[ComplianceResult]] = {}
    for result in results:
        grouped.setdefault((result.obligation, result.channel), []).append(result)
    summaries = []
    for (key, channel), items in grouped.items():
        tally = {status: sum(r.status == status for r in items) for status in STATUSES}
        summaries.append(ComplianceSummary(
            key, items[0].name, channel, items[0].mandatory, len(items), tally[MET],
            tally[SHORT], tally[PENDING], tally[OVER], tally[NOT_TRACKED],
            tuple(r.label for r in items if r.status == SHORT)))
    return summaries
