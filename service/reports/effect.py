"""推广效果数据分析报告: a month's (or any period's) effect of the promotion, gathered from the
records into the plain dataclasses exports.effect renders. Every figure comes from the same
rules the overview, the targets and the weekly workbooks use."""

import statistics
from calendar import monthrange
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from exports.document import figure
from exports.effect import (
    ActivityEffect,
    CommunityGrowth,
    EffectReport,
    FieldWork,
    MonthlyContent,
    Period,
    ProblemCategory,
    Recommendation,
    StreetGrowth,
    TargetLine,
    render_effect_docx,
    render_effect_xlsx,
)
from exports.pdf import to_pdf
from models import (
    Community,
    Event,
    InteractionDay,
    Job,
    JobStatus,
    Problem,
    Publication,
    Street,
    Theme,
    Training,
    User,
    Visit,
    db,
)
from models.registry import training_communities, training_streets
from service.clock import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    in_service_years,
    local_date,
    now_utc,
)
from service.district.contracts import current_contract
from service.errors import NotFoundError, UnavailableError, field_error
from service.fieldwork.visits import (
    CoverageRow,
    counted_visits,
    coverage_rows,
    overdue_after_days,
)
from service.jobs import records
from service.jobs.queue import step, the_queue
from service.progress.articles import articles_published
from service.progress.pace import elapsed_fraction
from service.progress.targets import (
    counted_records,
    interaction_days,
    interaction_total,
    target_report,
)
from service.progress.user_counts import Counts, Pace, latest_counts, street_targets
from service.transaction import reader

# After an activity, growth is measured over this many days (the "two weeks after").
EFFECT_DAYS = 14
# Comparable communities start within this factor of the active one's size.
SIZE_BAND = 1.5
# A community not visited for this long, growing below its street's median, is recommended.
QUIET_DAYS = 60
RECENT_DAYS = 28
LISTED = 10
CAVEAT = ("说明：以上为相关性比较，不是因果证明。开展活动的社区本身可能更积极，或同时受其他因素"
          "影响；样本较少时差异可能只是偶然。")


def period_of(*, month: str | None = None, start: date | None = None,
              end: date | None = None) -> Period:
    """A calendar month ("2022-09") or a date range, both ends included; a range that is a
    whole month is named as the month."""
    if month:
        try:
            year, number = (int(part) for part in month.split("-"))
            start = date(year, number, 1)
        except ValueError:
            raise field_error("month", f"月份格式应为 YYYY-MM：{month}") from None
        end = date(year, number, monthrange(year, number)[1])
    if start is None or end is None:
        raise field_error("month", "请给出月份，或起止日期")
    if not (in_service_years(start) and in_service_years(end)):
        raise field_error("month" if month else "from",
                          f"日期应在 {EARLIEST_YEAR}–{LATEST_YEAR} 年之间")
    if end < start:
        raise field_error("to", "结束日期不能早于开始日期")
    if (end - start).days > 366 * 2:
        raise field_error("to", "时间范围不能超过两年")
    whole_month = start.day == 1 and end == date(start.year, start.month,
                                                 monthrange(start.year, start.month)[1])
    label = (f"{start.year} 年 {start.month} 月" if whole_month
             else f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}")
    return Period(start, end, label)


def _previous(period: Period) -> tuple[date, date]:
    length = (period.end - period.start).days + 1
    return period.start - timedelta(days=length), period.start - timedelta(days=1)


# ---------------------------------------------------------------- targets

def _targets(as_of: date) -> list[TargetLine]:
    """Every target at the period's end, and when it would be reached at the last 28 days'
    pace (a rate has no such date: it is judged month by month)."""
    now = target_report(as_of)
    before = {t.key: t for t in target_report(as_of - timedelta(days=RECENT_DAYS)).items}
    lines = []
    for item in now.items:
        projected = None
        recent = item.actual - before[item.key].actual
        if item.measure not in ("monthly_average", "share_of_weeks"):
            if item.actual >= item.target:
                projected = "已达成"
            elif recent > 0:
                days = -(-(item.target - item.actual) * RECENT_DAYS // recent)
                projected = f"{as_of + timedelta(days=int(days)):%Y-%m-%d}"
            else:
                projected = "按近期速度无法达成"
        lines.append(TargetLine(item.name, item.measure, item.target, item.actual,
                                item.expected_by_now, item.status, projected))
    return lines


# ---------------------------------------------------------------- user growth

def _verified(counts: dict[str, Counts], code: str) -> int:
    return counts.get(code, Counts()).verified


def _growth(period: Period, communities, street_names) -> tuple[
        list[StreetGrowth], list[CommunityGrowth], dict[str, int]]:
    contract = current_contract()
    end, before_start = latest_counts(period.end), latest_counts(period.start - timedelta(days=1))
    previous_start, previous_end = _previous(period)
    previous_end_counts = latest_counts(previous_end)
    previous_start_counts = latest_counts(previous_start - timedelta(days=1))
    by_street = defaultdict(list)
    for code, _name, street in communities:
        by_street[street].append(code)
    shares = street_targets(contract, {s: len(c) for s, c in by_street.items()})
    pace = Pace(latest_counts(contract.start_date), elapsed_fraction(contract, period.end))
    growth = {code: _verified(end, code) - _verified(before_start, code)
              for code, _, _ in communities}
    streets = []
    for street, codes in sorted(by_street.items()):
        verified = sum(_verified(end, c) for c in codes)
        previous = sum(_verified(previous_end_counts, c) - _verified(previous_start_counts, c)
                       for c in codes)
        standing = pace.of(codes, verified, shares[street])
        streets.append(StreetGrowth(street, street_names[street], verified,
                                    sum(growth[c] for c in codes), previous, shares[street],
                                    standing["expected"], standing["pace"]))
    rows = [CommunityGrowth(code, name, street_names[street], _verified(end, code),
                            growth[code]) for code, name, street in communities]
    return streets, rows, growth


def _stalled(period: Period, rows: list[CommunityGrowth]) -> list[CommunityGrowth]:
    """Communities whose verified users did not grow in the four weeks to the period's end
    (`rows` hold each one's figure at that end)."""
    month_ago = latest_counts(period.end - timedelta(days=RECENT_DAYS))
    return [CommunityGrowth(r.code, r.name, r.street, r.verified, 0) for r in rows
            if r.verified - _verified(month_ago, r.code) <= 0]


# ---------------------------------------------------------------- what moved growth

def _activity_days(period: Period, street_members: dict[str, list[str]]
                   ) -> dict[str, dict[str, set[date]]]:
    """For each kind of activity, the days in the period each community had one."""
    days: dict[str, dict[str, set[date]]] = {"培训": defaultdict(set),
                                             "线下推广活动": defaultdict(set),
                                             "走访": defaultdict(set)}
    trainings = db.session.execute(select(Training.id, Training.date).where(
        counted_records("trainings", period.start, period.end))).all()
    on_day = dict(trainings)
    if on_day:
        for training_id, code in db.session.execute(
                select(training_communities.c.training_id, training_communities.c.community_code)
                .where(training_communities.c.training_id.in_(on_day))):
            days["培训"][code].add(on_day[training_id])
        for training_id, street in db.session.execute(
                select(training_streets.c.training_id, training_streets.c.street_code)
                .where(training_streets.c.training_id.in_(on_day))):
            for code in street_members[street]:
                days["培训"][code].add(on_day[training_id])
    for day, community, street in db.session.execute(
            select(Event.date, Event.community_code, Event.street_code).where(
                counted_records("events", period.start, period.end))):
        for code in [community] if community else street_members[street]:
            days["线下推广活动"][code].add(day)
    for code, moment in db.session.execute(
            select(Visit.community_code, Visit.visited_at)
            .where(counted_visits(current_contract(), period.start, period.end))):
        days["走访"][code].add(local_date(moment))
    return days


def _effects(period: Period, communities, street_members) -> list[ActivityEffect]:
    """Verified-user growth in the 14 days after an activity, against communities of the same
    street and a similar size that had none of that kind in those days."""
    activity = _activity_days(period, street_members)
    street_of = {code: street for code, _, street in communities}
    counts_on: dict[date, dict[str, Counts]] = {}

    def counts(day):
        if day not in counts_on:
            counts_on[day] = latest_counts(day)
        return counts_on[day]

    effects = []
    for kind, by_community in activity.items():
        treated, controls = [], []
        for code, days in sorted(by_community.items()):
            for day in sorted(days):
                # The window may reach past the period: counts are carried forward, as always.
                after = day + timedelta(days=EFFECT_DAYS)
                start_size = _verified(counts(day), code)
                treated.append(_verified(counts(after), code) - start_size)
                for other in street_members[street_of[code]]:
                    other_days = by_community.get(other, set())
                    if other == code or any(abs((d - day).days) <= EFFECT_DAYS
                                            for d in other_days):
                        continue
                    size = _verified(counts(day), other)
                    if start_size and not (start_size / SIZE_BAND <= size
                                           <= start_size * SIZE_BAND):
                        continue
                    controls.append(_verified(counts(after), other) - size)
        effects.append(ActivityEffect(
            kind, len(treated), len(controls),
            round(statistics.fmean(treated), 1) if treated else None,
            round(statistics.fmean(controls), 1) if controls else None))
    return effects


# ---------------------------------------------------------------- field work and content

def _field_work(period: Period, communities, coverage: list[CoverageRow]) -> FieldWork:
    visits, visited = db.session.execute(
        select(func.count(Visit.id), func.count(func.distinct(Visit.community_code)))
        .where(counted_visits(current_contract(), period.start, period.end))).one()
    overdue = [row for row in coverage if row.overdue]
    opened, resolved, durations = defaultdict(int), defaultdict(int), defaultdict(list)
    for category, created, done in db.session.execute(
            select(Problem.category, Problem.created_at, Problem.resolved_at).where(
                Problem.deleted_at.is_(None))):
        if period.start <= local_date(created) <= period.end:
            opened[category] += 1
        if done is not None and period.start <= local_date(done) <= period.end:
            resolved[category] += 1
            durations[category].append((done - created).total_seconds() / 86400)
    categories = [ProblemCategory(category, opened[category], resolved[category],
                                  round(statistics.median(durations[category]), 1)
                                  if durations[category] else None)
                  for category in sorted(set(opened) | set(resolved))]
    return FieldWork(visits, visited, len(communities), len(overdue),
                     overdue_after_days(current_contract()), categories)


def _months(first: date, last: date) -> list[str]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(f"{day:%Y-%m}")
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _content(period: Period) -> list[MonthlyContent]:
    """Articles, topics and platform interactions per month, from the contract's start."""
    contract = current_contract()
    first = contract.start_date
    months = _months(first, period.end)
    articles, interactions = defaultdict(int), defaultdict(int)
    for day in db.session.scalars(articles_published(contract, first, period.end)
                                  .with_only_columns(Publication.published_on)):
        articles[f"{day:%Y-%m}"] += 1
    topics = defaultdict(int)
    for month in db.session.scalars(select(Theme.month)
                                    .where(Theme.contract_id == contract.id)):
        topics[month] += 1
    for day, total in db.session.execute(
            select(InteractionDay.date, interaction_total())
            .where(interaction_days(first, period.end))):
        interactions[f"{day:%Y-%m}"] += total
    return [MonthlyContent(m, articles[m], topics[m], interactions[m]) for m in months]


# ---------------------------------------------------------------- recommendations

def _recommendations(streets: list[StreetGrowth], growth: dict[str, int], communities,
                     street_names, targets: list[TargetLine],
                     coverage: list[CoverageRow]) -> list[Recommendation]:
    """Each rule stated, and the records it found."""
    result = []
    behind = [s for s in streets if s.pace == "behind"]
    if behind:
        result.append(Recommendation(
            "街道实名认证用户落后于进度",
            "规则：街道实名认证用户数低于其目标按进度此时应达的人数",
            [f"{s.name}：{s.verified:,} 人，按进度应达 {round(s.expected):,} 人"
             for s in sorted(behind, key=lambda s: s.verified / s.expected if s.expected
                             else 0)]))
    days = {row.community_code: row.days_since_last for row in coverage}
    medians = {}
    for street in {street for _, _, street in communities}:
        medians[street] = statistics.median(growth[c] for c, _, s in communities
                                            if s == street)
    quiet = [(code, name, street) for code, name, street in communities
             if (days[code] is None or days[code] >= QUIET_DAYS)
             and growth[code] < medians[street]]
    if quiet:
        result.append(Recommendation(
            "久未走访且增长偏慢的社区",
            f"规则：{QUIET_DAYS} 天以上未走访，且本期实名认证用户增长低于所在街道各社区的中位数",
            [f"{street_names[street]} · {name}：本期增长 {growth[code]:+,} 人（街道中位数 "
             f"{medians[street]:+,.0f}），"
             f"{'从未走访' if days[code] is None else f'{days[code]} 天未走访'}"
             for code, name, street in quiet]))
    late = [t for t in targets if t.status == "behind"]
    if late:
        result.append(Recommendation(
            "落后于进度的合同目标", "规则：完成值低于按进度此时应完成的值",
            [f"{t.name}：完成 {figure(t.measure, t.actual)}，按进度应完成 "
             f"{figure(t.measure, t.expected)}" for t in late]))
    return result


# ---------------------------------------------------------------- the report

@reader
def gather_effect(period: Period) -> EffectReport:
    """Every section of the report for one period, read in one transaction."""
    contract = current_contract()
    street_names = dict(db.session.execute(select(Street.code, Street.name)).all())
    communities = db.session.execute(
        select(Community.code, Community.name, Community.street_code)
        .order_by(Community.code)).all()
    street_members = defaultdict(list)
    for code, _, street in communities:
        street_members[street].append(code)
    targets = _targets(period.end)
    streets, rows, growth = _growth(period, communities, street_names)
    ordered = sorted(rows, key=lambda r: (-r.growth, r.code))
    coverage = coverage_rows(period.end)  # read once: field work and recommendations
    return EffectReport(
        contract.name, contract.client, period, now_utc(), targets, streets,
        ordered[:LISTED], ordered[::-1][:LISTED], _stalled(period, rows),
        _effects(period, communities, street_members), CAVEAT,
        _field_work(period, communities, coverage), _content(period),
        _recommendations(streets, growth, communities, street_names, targets, coverage),
        contract.contractor or "")


def period_key(period: Period) -> str:
    """The period as a job's subject and in file names: 20220901-20220930."""
    return f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"


def period_from_key(key: str) -> Period:
    start, end = (datetime.strptime(part, "%Y%m%d").date() for part in key.split("-"))
    return period_of(start=start, end=end)


def effect_file_stem(period: Period) -> str:
    return f"推广效果数据分析报告_{period_key(period)}"


def write_effect_report(period: Period, out_dir: Path) -> list[Path]:
    """The document, its workbook and, where LibreOffice is installed, its PDF, in out_dir.
    Gathering reads one snapshot; rendering and converting happen outside any transaction."""
    report = gather_effect(period)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / effect_file_stem(period)
    document, workbook = stem.with_suffix(".docx"), stem.with_suffix(".xlsx")
    document.write_bytes(render_effect_docx(report))
    workbook.write_bytes(render_effect_xlsx(report))
    pdf = to_pdf(document)
    return [document, workbook] + ([pdf] if pdf else [])


# ---------------------------------------------------------------- as a job

KIND = "effect_report"
FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "pdf": "application/pdf"}


def request_effect_report(period: Period, *, actor: User) -> Job:
    """Queue the making of the report (rendering charts and converting take seconds: never in
    a request)."""
    return queue_report(KIND, period_key(period), "effect_report.make", actor=actor,
                        period_end=period.end)


def queue_report(kind: str, subject: str, step_name: str, *, actor: User,
                 period_end: date) -> Job:
    """A report's job, queued; when the queue cannot be reached the job is marked failed and
    the caller told so (both reports ask for their files this one way)."""
    job = records.create_job(kind, subject, trigger="request", actor=actor,
                             period_end=period_end)
    return enqueue(job, step_name)


def enqueue(job: Job, step_name: str) -> Job:
    """Hand a created (committed) job to the queue; when the queue cannot be reached the job
    is marked failed and the caller told so."""
    try:
        the_queue().enqueue(step_name, job.id)
    except Exception as error:  # the queue cannot be reached: say so, keep nothing half
        records.fail(job.id, f"无法加入任务队列：{error}")
        raise UnavailableError("任务队列暂时不可用，请稍后重试") from error
    return job


@step("effect_report.make", retries=1, retry_delay=30)
def make_effect_report(job_id: int) -> None:
    job = records.start_attempt(job_id)
    if job is None:
        return
    directory = Path(current_app.config["REPORTS_DIR"]) / "effect" / f"job-{job_id}"
    files = write_effect_report(period_from_key(job.subject), directory)
    records.finish(job_id, {"directory": str(directory), "files": [f.name for f in files]})


@reader
def effect_file(job_id: int, fmt: str) -> tuple[Path, str, str]:
    """A finished report's file: (path, download name, media type)."""
    job = records.get_job(job_id)
    if job.kind != KIND:
        raise NotFoundError(f"推广效果数据分析报告不存在：{job_id}")
    if job.status != JobStatus.DONE:
        raise NotFoundError("该报告尚未生成完成，请稍后再下载")
    name = f"{effect_file_stem(period_from_key(job.subject))}.{fmt}"
    if name not in job.result.get("files", []):
        raise NotFoundError("该报告没有 PDF 版本（服务器未安装带 Writer 的 LibreOffice）"
                            if fmt == "pdf" else f"文件不存在：{name}")
    return Path(job.result["directory"]) / name, name, FORMATS[fmt]
