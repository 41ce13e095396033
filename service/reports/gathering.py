"""A week's figures for every community and street of a district and the district itself,
gathered in a few set-based queries into the plain dataclasses exports.weekly renders."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from exports.weekly import (
    ActivityFigures,
    ActivityRow,
    Attention,
    CommunityReport,
    CountFigures,
    ProblemRow,
    SummaryReport,
    SummaryRow,
    TargetRow,
    TrendPoint,
    VisitRow,
    WeekInfo,
)
from models import (
    Community,
    Contract,
    District,
    Event,
    Problem,
    ServiceGroup,
    Street,
    Training,
    User,
    Visit,
    db,
)
from service.clock import local_date, now_utc
from service.district.assignments import liaison_names_by_community
from service.district.contracts import current_contract
from service.district.scope import community_codes_of
from service.fieldwork.problems import STATUSES as PROBLEM_STATUSES
from service.fieldwork.visits import (
    PURPOSES,
    CountingRule,
    coverage_rows,
    overdue_after_days,
)
from service.progress.pace import elapsed_fraction
from service.progress.targets import target_report
from service.progress.user_counts import (
    Counts,
    Pace,
    apportion,
    district_share,
    latest_counts,
    street_targets,
)
from service.reports.calendar import Week, parse_week, week_label

TREND_WEEKS = 12


@dataclass
class WeekReports:
    week: Week
    communities: dict[str, CommunityReport]
    streets: dict[str, SummaryReport]
    district: SummaryReport



def _ranks(values: dict[str, int]) -> dict[str, int]:
    ordered = sorted(values, key=lambda code: (-values[code], code))
    return {code: rank for rank, code in enumerate(ordered, start=1)}


def _visits_of_week(week: Week, rule: CountingRule, codes
                    ) -> tuple[dict[str, list[VisitRow]], dict[str, int]]:
    """The week's visits of each of the district's communities (`codes`) that stand (a
    rejected one is void), and the number that count."""
    start, end = week.utc_range
    rows = db.session.execute(
        select(Visit.community_code, Visit.visited_at, User.display_name, Visit.purpose,
               Visit.location_check, Visit.people_met, Visit.new_registrations, Visit.notes,
               Visit.review_status, Visit.deleted_at)
        .join(User, User.id == Visit.user_id)
        .where(Visit.deleted_at.is_(None), Visit.visited_at >= start, Visit.visited_at < end,
               Visit.community_code.in_(codes))
        .order_by(Visit.visited_at, Visit.id)).all()
    visits, counted = defaultdict(list), defaultdict(int)
    for row in rows:
        standing = rule.standing(row)
        counted[row.community_code] += standing == "counted"
        if row.review_status != "rejected":
            visits[row.community_code].append(VisitRow(
                row.visited_at, row.display_name, PURPOSES.get(row.purpose, row.purpose),
                row.people_met, row.new_registrations, row.notes))
    return visits, dict(counted)


def _activities_of_week(week: Week, street_of: dict[str, str], names: dict[str, str]):
    """Events and trainings of the week, listed for every community they touch."""
    touched: dict[str, list[ActivityRow]] = defaultdict(list)
    members = defaultdict(list)
    for code, street in street_of.items():
        members[street].append(code)
    events = db.session.scalars(select(Event).where(
        Event.deleted_at.is_(None), Event.date >= week.start, Event.date <= week.end)
        .order_by(Event.date, Event.id))
    for event in events:
        if (event.community_code or event.street_code) not in names:
            continue  # another district's
        codes = [event.community_code] if event.community_code else members[event.street_code]
        row = ActivityRow(event.date, "线下推广活动", event.title,
                          names[event.community_code or event.street_code], event.participants,
                          event.signups_registered, event.signups_verified)
        for code in codes:
            touched[code].append(row)
    trainings = db.session.scalars(
        select(Training).options(selectinload(Training.streets),
                                 selectinload(Training.communities))
        .where(Training.deleted_at.is_(None), Training.date >= week.start,
               Training.date <= week.end).order_by(Training.date, Training.id))
    for training in trainings:
        codes = {c.code for c in training.communities if c.code in street_of}
        for street in training.streets:
            codes.update(members.get(street.code, ()))
        scope = "、".join([s.name for s in training.streets] +
                         [c.name for c in training.communities]) or "全区"
        row = ActivityRow(training.date, "培训", training.title, scope, training.attendees,
                          None, None)
        for code in sorted(codes):
            touched[code].append(row)
    return touched


def _active_groups(day: date, street_of: dict[str, str]) -> dict[str, int]:
    rows = db.session.execute(select(ServiceGroup.street_code, ServiceGroup.community_code).where(
        ServiceGroup.deleted_at.is_(None), ServiceGroup.created_on <= day,
        or_(ServiceGroup.closed_on.is_(None), ServiceGroup.closed_on > day))).all()
    per_street, per_community = defaultdict(int), defaultdict(int)
    for street, community in rows:
        if street:
            per_street[street] += 1
        else:
            per_community[community] += 1
    return {code: per_street[street] + per_community[code] for code, street in street_of.items()}


def _problems(week: Week, codes):
    start, end = week.utc_range
    rows = db.session.scalars(select(Problem).where(
        Problem.deleted_at.is_(None), Problem.created_at < end,
        Problem.community_code.in_(codes)).order_by(Problem.created_at))
    opened, resolved, still_open = defaultdict(int), defaultdict(int), defaultdict(list)
    for problem in rows:
        if problem.created_at >= start:
            opened[problem.community_code] += 1
        if problem.resolved_at and start <= problem.resolved_at < end:
            resolved[problem.community_code] += 1
        if problem.resolved_at is None or problem.resolved_at >= end:
            opened_on = local_date(problem.created_at)
            status = "in_progress" if problem.status != "open" else "open"
            still_open[problem.community_code].append(ProblemRow(
                opened_on, problem.title, problem.category, PROBLEM_STATUSES[status],
                (week.end - opened_on).days))
    return opened, resolved, still_open


def _trend(week: Week, codes: list[str]) -> list[tuple[str, date, dict[str, Counts]]]:
    """Each community's counts at the end of each of the last 12 weeks (oldest first)."""
    points = []
    for back in range(TREND_WEEKS - 1, -1, -1):
        end = week.end - timedelta(weeks=back)
        points.append((week_label(end), end, latest_counts(end, codes)))
    return points


def _activity_total(items: list[ActivityFigures], events: int, trainings: int,
                    groups: int) -> ActivityFigures:
    days = [a.days_since_last_visit for a in items if a.days_since_last_visit is not None]
    return ActivityFigures(
        sum(a.visits_week for a in items), sum(a.visits_contract for a in items),
        min(days) if days else None, events, trainings, groups,
        sum(a.problems_opened for a in items), sum(a.problems_resolved for a in items),
        sum(a.problems_open for a in items))


def _counts_total(now: list[Counts], before: list[Counts], rank=None,
                  share=None) -> CountFigures:
    registered, verified = sum(c.registered for c in now), sum(c.verified for c in now)
    return CountFigures(registered, verified, registered - sum(c.registered for c in before),
                        verified - sum(c.verified for c in before), None, rank, share)


@dataclass
class _Week:
    """Everything gathered for a week, before it is shaped by level."""

    info: WeekInfo
    week: Week
    contract: Contract
    district: District
    target: int  # the district's share of the verified-users target
    communities: list  # (code, name, street code, street name), in code order
    street_names: dict[str, str]
    by_street: dict[str, list[str]]
    now_counts: dict[str, Counts]
    before_counts: dict[str, Counts]
    trend: list[tuple[str, date, dict[str, Counts]]]
    activities: dict[str, list[ActivityRow]]
    groups: dict[str, int]
    targets: list[TargetRow]
    verified: dict[str, int]  # each community's verified users at the week's end
    street_verified: dict[str, int]  # and each street's


def gather_week(label: str, district_code: str, *, now: datetime | None = None) -> WeekReports:
    """Every community's and street's figures of one district for one ISO week, and the
    district's."""
    week = parse_week(label)
    contract = current_contract()
    district = db.session.get(District, district_code)
    gathered = _gather(week, WeekInfo(week.label, week.start, week.end, now or now_utc(),
                                      contract.contractor or ""), contract, district)
    communities, rows_by_street = _community_reports(gathered)
    streets = _street_reports(gathered, rows_by_street)
    district = _district_report(gathered, [s.totals for s in streets.values()])
    return WeekReports(week, communities, streets, district)


def _gather(week: Week, info: WeekInfo, contract, district: District) -> _Week:
    communities = db.session.execute(
        select(Community.code, Community.name, Community.street_code, Street.name)
        .join(Community.street).where(Street.district_code == district.code)
        .order_by(Community.code)).all()
    street_of = {code: street for code, _, street, _ in communities}
    by_street = defaultdict(list)
    for code, street in street_of.items():
        by_street[street].append(code)
    names = {code: name for code, name, _, _ in communities}
    street_names = dict(db.session.execute(select(Street.code, Street.name).where(
        Street.district_code == district.code)).all())
    names.update(street_names)
    trend = _trend(week, list(street_of))
    targets = [TargetRow(t.key, t.name, t.target, t.actual, t.progress, t.expected_by_now,
                         t.status, [m["name"] for m in (t.missing or [])], t.measure)
               for t in target_report(week.end).items]
    now_counts = trend[-1][2]
    verified = {code: now_counts.get(code, Counts()).verified for code in street_of}
    street_verified = defaultdict(int)
    for code, street in street_of.items():
        street_verified[street] += verified[code]
    return _Week(info, week, contract, district, district_share(contract, district.code),
                 communities, street_names, dict(by_street), now_counts,
                 trend[-2][2], trend, _activities_of_week(week, street_of, names),
                 _active_groups(week.end, street_of), targets, verified, dict(street_verified))


def _attention(data: _Week, coverage: dict) -> dict[str, Attention]:
    """Each community against its street's average growth and its even share of its street's
    target (the rule of the official's overview), and whether it is overdue for a visit."""
    contract, week = data.contract, data.week
    street_shares = street_targets(contract, {s: len(c) for s, c in data.by_street.items()},
                                   total=data.target)
    ended = week.end >= contract.end_date
    pace = Pace(latest_counts(contract.start_date, list(data.verified)),
                elapsed_fraction(contract, week.end))
    growth = {code: data.now_counts.get(code, Counts()).verified
              - data.before_counts.get(code, Counts()).verified for code in data.verified}
    result = {}
    for street, codes in data.by_street.items():
        average = round(sum(growth[c] for c in codes) / len(codes), 1)
        shares = apportion(street_shares[street], dict.fromkeys(codes, 1))
        for code in codes:
            expected = pace.of([code], data.verified[code], shares[code])["expected"]
            result[code] = Attention(overdue_after_days(contract), coverage[code].overdue,
                                     average, shares[code], None if ended else round(expected))
    return result


def _community_reports(data: _Week) -> tuple[dict, dict[str, list[SummaryRow]]]:
    """Each community's report, and each street's rows of communities."""
    week, verified, street_verified = data.week, data.verified, data.street_verified
    codes = community_codes_of(data.district.code)
    coverage = {row.community_code: row for row in coverage_rows(week.end,
                                                                 community_codes=codes)}
    visits, visits_week = _visits_of_week(week, CountingRule.of(data.contract), codes)
    opened, resolved, still_open = _problems(week, codes)
    liaisons = liaison_names_by_community(week.end)
    district_rank = _ranks(verified)
    street_rank = {}
    for codes in data.by_street.values():
        street_rank.update(_ranks({code: verified[code] for code in codes}))
    attention = _attention(data, coverage)
    reports, rows_by_street = {}, defaultdict(list)
    for code, name, street, street_name in data.communities:
        current = data.now_counts.get(code, Counts())
        previous = data.before_counts.get(code, Counts())
        counts = CountFigures(
            current.registered, current.verified, current.registered - previous.registered,
            current.verified - previous.verified, street_rank[code], district_rank[code],
            round(current.verified / street_verified[street], 4) if street_verified[street]
            else 0.0)
        kinds = [a.kind for a in data.activities[code]]
        activity = ActivityFigures(
            visits_week.get(code, 0), coverage[code].visits, coverage[code].days_since_last,
            kinds.count("线下推广活动"), kinds.count("培训"), data.groups[code], opened[code],
            resolved[code], len(still_open[code]))
        reports[code] = CommunityReport(
            data.info, code, name, street, street_name, liaisons[code], counts, activity,
            attention[code], visits[code], data.activities[code], still_open[code],
            [TrendPoint(w, end, c.get(code, Counts()).registered, c.get(code, Counts()).verified)
             for w, end, c in data.trend])
        rows_by_street[street].append(SummaryRow(code, name, counts, activity))
    return reports, rows_by_street


def _street_reports(data: _Week,
                    rows_by_street: dict[str, list[SummaryRow]]) -> dict[str, SummaryReport]:
    """Each street's report: its communities' rows, its total, its trend and target."""
    street_verified = data.street_verified
    district_total = sum(data.verified.values())
    street_ranks = _ranks(street_verified)
    shares = street_targets(data.contract, {s: len(c) for s, c in data.by_street.items()},
                            total=data.target)
    reports = {}
    for street in sorted(data.by_street):
        codes = data.by_street[street]
        events = {(a.date, a.title) for c in codes for a in data.activities[c]
                  if a.kind == "线下推广活动"}
        trainings = {(a.date, a.title) for c in codes for a in data.activities[c]
                     if a.kind == "培训"}
        counts = _counts_total([data.now_counts.get(c, Counts()) for c in codes],
                               [data.before_counts.get(c, Counts()) for c in codes],
                               street_ranks[street],
                               round(street_verified[street] / district_total, 4)
                               if district_total else 0.0)
        total = SummaryRow(street, data.street_names[street], counts, _activity_total(
            [r.activity for r in rows_by_street[street]], len(events), len(trainings),
            sum(data.groups[c] for c in codes)))
        series = [TrendPoint(w, end, sum(c.get(x, Counts()).registered for x in codes),
                             sum(c.get(x, Counts()).verified for x in codes))
                  for w, end, c in data.trend]
        reports[street] = SummaryReport(data.info, "street", street, data.street_names[street],
                                        rows_by_street[street], total, data.targets, series,
                                        shares[street])
    return reports


def _district_report(data: _Week, street_rows: list[SummaryRow]) -> SummaryReport:
    """The district's report: a row per street, its total, its trend and target."""
    district = data.district
    total = SummaryRow(
        district.code, district.name,
        _counts_total(list(data.now_counts.values()), list(data.before_counts.values())),
        _activity_total([r.activity for r in street_rows],
                        sum(r.activity.events_week for r in street_rows),
                        sum(r.activity.trainings_week for r in street_rows),
                        sum(r.activity.service_groups for r in street_rows)))
    return SummaryReport(
        data.info, "district", "district", district.name, street_rows, total, data.targets,
        [TrendPoint(w, end, sum(x.registered for x in c.values()),
                    sum(x.verified for x in c.values())) for w, end, c in data.trend],
        data.target)
