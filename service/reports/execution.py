"""执行（成果）报告: at the contract's end (or as of any day, marked 截至) every target of the
contract, in the agreement's words, beside the achieved figure of /targets, with the records
behind that figure. Each evidence list asks the same rule the target counts with, so that its
rows are the figure (or add up to it)."""

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from exports.execution import (
    Evidence,
    ExecutionReport,
    LedgerWeek,
    Outcome,
    manifest,
    render_evidence_xlsx,
    render_execution_docx,
)
from exports.pdf import to_pdf
from models import (
    Case,
    Community,
    Content,
    Contract,
    Delivery,
    DemoCommunity,
    Event,
    InteractionDay,
    Job,
    JobStatus,
    Publication,
    ServiceGroup,
    Street,
    Theme,
    Training,
    User,
    Visit,
    db,
)
from service.clock import SHANGHAI, now_utc
from service.district.contracts import current_contract
from service.errors import NotFoundError, field_error
from service.fieldwork.visits import LOCATION_CHECKS, PURPOSES, REVIEW_STATUSES, counted_visits
from service.jobs import records
from service.jobs.queue import step
from service.progress.articles import ARTICLES_CHANNEL, articles_published, topics_in_months
from service.progress.targets import (
    counted_records,
    designated_by,
    interaction_days,
    interaction_total,
    months_elapsed,
    streets_with_training,
    target_report,
)
from service.progress.user_counts import district_totals_on, latest_count_rows
from service.reports.deliveries import delivery_evidence
from service.reports.effect import queue_report
from service.reports.ledger import delivered_by
from service.transaction import reader


class Places:
    """Street and community names, read once for every evidence list."""

    def __init__(self):
        self.streets = dict(db.session.execute(select(Street.code, Street.name)).all())
        self.communities = {code: (name, street) for code, name, street in db.session.execute(
            select(Community.code, Community.name, Community.street_code))}

    def street(self, code: str | None) -> str:
        return self.streets.get(code, "") if code else ""

    def community(self, code: str | None) -> str:
        return self.communities[code][0] if code in self.communities else ""

    def street_of(self, community_code: str | None) -> str:
        return self.street(self.communities[community_code][1]) \
            if community_code in self.communities else ""


def _text(value) -> tuple[str, str]:
    return (value or "", "text")


def _local(moment: datetime | None):
    return (moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else "", "text")


# ---------------------------------------------------------------- evidence, by source
# Each answers (contract, first day, last day, places) with the records behind the figure.

Lister = Callable[[Contract, date, date, Places], Evidence]
EVIDENCE: dict[str, Lister] = {}


def lists(source: str) -> Callable[[Lister], Lister]:
    def decorator(lister: Lister) -> Lister:
        EVIDENCE[source] = lister
        return lister
    return decorator


def _trainings(start: date, end: date) -> list[Training]:
    return list(db.session.scalars(
        select(Training).where(counted_records("trainings", start, end))
        .options(selectinload(Training.streets), selectinload(Training.communities))
        .order_by(Training.date, Training.id)))


@lists("trainings")
def _training_rows(contract, start, end, places):
    return Evidence(["日期", "培训名称", "培训人", "参训人数", "街道", "社区"], [
        [(t.date, "date"), _text(t.title), _text(t.trainer), (t.attendees, "int"),
         _text("、".join(s.name for s in t.streets)),
         _text("、".join(c.name for c in t.communities))]
        for t in _trainings(start, end)], "rows")


def _street_trainings(start: date, end: date) -> Evidence:
    """every_street: one row per street that had a training (the target's own set), with its
    first one and how many."""
    covered = streets_with_training(start, end)
    held: dict[str, list[Training]] = {code: [] for code in covered}
    for training in _trainings(start, end):
        touched = {s.code for s in training.streets} | {
            c.street_code for c in training.communities}
        for code in touched & covered:
            held[code].append(training)
    names = dict(db.session.execute(select(Street.code, Street.name)).all())
    return Evidence(["街道编码", "街道", "首次培训日期", "首次培训", "培训场次"], [
        [_text(code), _text(names.get(code, "")), (held[code][0].date, "date"),
         _text(held[code][0].title), (len(held[code]), "int")]
        for code in sorted(covered)], "rows")


@lists("events")
def _event_rows(contract, start, end, places):
    events = db.session.scalars(select(Event).where(counted_records("events", start, end))
                                .order_by(Event.date, Event.id))
    return Evidence(["日期", "活动名称", "街道", "社区", "参与人数", "现场注册", "现场实名认证"], [
        [(e.date, "date"), _text(e.title),
         _text(places.street(e.street_code) or places.street_of(e.community_code)),
         _text(places.community(e.community_code)), (e.participants, "int"),
         (e.signups_registered, "int"), (e.signups_verified, "int")] for e in events], "rows")


@lists("service_groups")
def _group_rows(contract, start, end, places):
    groups = db.session.scalars(
        select(ServiceGroup).where(counted_records("service_groups", start, end))
        .order_by(ServiceGroup.created_on, ServiceGroup.id))
    return Evidence(["建群日期", "群组名称", "渠道", "街道", "社区", "成员数", "关闭日期"], [
        [(g.created_on, "date"), _text(g.name), _text(g.channel),
         _text(places.street(g.street_code) or places.street_of(g.community_code)),
         _text(places.community(g.community_code)), (g.members, "int"),
         (g.closed_on, "date") if g.closed_on else _text("")] for g in groups], "rows")


@lists("cases")
def _case_rows(contract, start, end, places):
    cases = db.session.scalars(select(Case).where(counted_records("cases", start, end))
                               .order_by(Case.published_on, Case.id))
    return Evidence(["发布日期", "案例标题", "街道", "社区", "链接"], [
        [(c.published_on, "date"), _text(c.title), _text(places.street_of(c.community_code)),
         _text(places.community(c.community_code)), _text(c.url)] for c in cases], "rows")


@lists("articles")
def _article_rows(contract, start, end, places):
    topics = dict(db.session.execute(select(Theme.id, Theme.title)
                                     .where(Theme.contract_id == contract.id)).all())
    published = db.session.scalars(
        articles_published(contract, start, end).options(selectinload(Publication.content))
        .order_by(Publication.published_on, Publication.content_id))
    return Evidence(["发布日期", "文章标题", "链接", "所属专题"], [
        [(p.published_on, "date"), _text(p.content.title), _text(p.url),
         _text(topics.get(p.content.theme_id, ""))] for p in published], "average")


@lists("topics")
def _topic_rows(contract, start, end, places):
    articles = dict(db.session.execute(
        select(Content.theme_id, func.count())
        .join(Publication, Publication.content_id == Content.id)
        .where(Publication.contract_id == contract.id, Publication.channel == ARTICLES_CHANNEL)
        .group_by(Content.theme_id)).all())
    topics = db.session.scalars(topics_in_months(contract, start, end)
                                .order_by(Theme.month, Theme.id))
    return Evidence(["月份", "专题名称", "专题下的文章"], [
        [_text(t.month), _text(t.title), (articles.get(t.id, 0), "int")] for t in topics],
        "average")


@lists("demo_communities")
def _demo_rows(contract, start, end, places):
    designated = db.session.scalars(
        select(DemoCommunity).where(designated_by(end))
        .order_by(DemoCommunity.designated_on, DemoCommunity.id))
    seen, rows = set(), []
    for item in designated:  # the target counts communities: one row each
        if item.community_code in seen:
            continue
        seen.add(item.community_code)
        rows.append([_text(places.community(item.community_code)),
                     _text(places.street_of(item.community_code)),
                     (item.designated_on, "date"), _text(item.note)])
    return Evidence(["社区", "街道", "认定日期", "说明"], rows, "rows")


@lists("visits")
def _visit_rows(contract, start, end, places):
    visits = db.session.execute(
        select(Visit, User.display_name).join(User, User.id == Visit.user_id)
        .where(counted_visits(contract, start, end)).order_by(Visit.visited_at, Visit.id))
    return Evidence(["走访时间", "街道", "社区", "联络员", "走访目的", "定位核验", "审核",
                     "见到人数", "现场新注册"], [
        [_local(v.visited_at), _text(places.street_of(v.community_code)),
         _text(places.community(v.community_code)), _text(liaison),
         _text(PURPOSES.get(v.purpose, v.purpose)),
         _text(LOCATION_CHECKS.get(v.location_check, v.location_check)),
         _text(REVIEW_STATUSES.get(v.review_status, v.review_status)),
         (v.people_met, "int"), (v.new_registrations, "int")]
        for v, liaison in visits], "rows")


@lists("weekly_reports")
def _delivery_rows(contract, start, end, places):
    opener = aliased(User)
    deliveries = db.session.execute(
        select(Delivery, opener.display_name).outerjoin(opener,
                                                        opener.id == Delivery.first_opened_by_id)
        .where(delivered_by(start, end)).order_by(Delivery.week, Delivery.community_code))
    return Evidence(["周", "周日", "街道", "社区", "送达时间", "首次打开时间", "首次打开人"], [
        [_text(d.week), (d.period_end, "date"), _text(places.street_of(d.community_code)),
         _text(places.community(d.community_code)), _local(d.made_available_at),
         _local(d.first_opened_at), _text(name)] for d, name in deliveries], "share")


@lists("user_counts.verified")
def _count_rows(contract, start, end, places):
    return Evidence(["街道", "社区编码", "社区", "数据日期", "注册用户", "实名认证用户"], [
        [_text(places.street(street)), _text(code), _text(name), (day, "date"),
         (registered, "int"), (verified, "int")]
        for street, code, name, day, registered, verified in latest_count_rows(end)],
        "sum", summed=5)


@lists("interactions")
def _interaction_rows(contract, start, end, places):
    days = db.session.execute(
        select(InteractionDay.date, InteractionDay.views, InteractionDay.likes,
               InteractionDay.comments, interaction_total())
        .where(interaction_days(start, end)).order_by(InteractionDay.date))
    return Evidence(["日期", "浏览", "点赞", "评论", "合计"], [
        [(day, "date"), (views, "int"), (likes, "int"), (comments, "int"), (total, "int")]
        for day, views, likes, comments, total in days], "sum", summed=4)


def evidence_for(contract: Contract, target, end: date, places: Places) -> Evidence:
    if target.measure == "every_street":
        return _street_trainings(contract.start_date, end)
    return EVIDENCE[target.source](contract, contract.start_date, end, places)


# ---------------------------------------------------------------- the account of each target

UNITS = {"trainings": "场", "events": "场", "service_groups": "个", "cases": "个",
         "visits": "次", "demo_communities": "个", "articles": "篇", "topics": "个"}


def _account(contract: Contract, target, status, evidence: Evidence, end: date) -> str:
    """A few sentences on how the figure was reached, from the same rows as the evidence."""
    period = f"合同期内（{contract.start_date:%Y-%m-%d} 至 {end:%Y-%m-%d}）"
    rows = evidence.rows
    if target.measure == "every_street":
        missing = [m["name"] for m in status.missing or []]
        return (f"{period}全区 {len(rows) + len(missing)} 个街道中有 {len(rows)} 个开展了集中培训"
                + (f"；尚未开展的街道：{'、'.join(missing)}。" if missing else "，实现全覆盖。"))
    if target.measure == "monthly_average":
        months = months_elapsed(contract, end)
        return (f"{period}共 {len(rows)} {UNITS.get(target.source, '项')}，合同已进行 "
                f"{months:.2f} 个月，月均 {status.actual:.2f}。")
    if target.measure == "latest_value":
        start = district_totals_on(contract.start_date)
        now = district_totals_on(end)
        return (f"截至 {end:%Y-%m-%d}，全区 {len(rows)} 个社区最新数据合计实名认证用户 "
                f"{now.verified:,} 人、注册用户 {now.registered:,} 人；合同开始时分别为 "
                f"{start.verified:,} 人和 {start.registered:,} 人，实名认证用户"
                f"{_change(now.verified - start.verified)}，注册用户"
                f"{_change(now.registered - start.registered)}。")
    if target.measure == "cumulative_sum":
        return f"{period}共 {len(rows)} 天有记录，累计 {status.actual:,.0f} 次。"
    if target.measure == "share_of_weeks":
        ledger = delivery_evidence(end)
        return (f"截至 {end:%Y-%m-%d} 应提供报表 {ledger['weeks_due']} 周 × "
                f"{ledger['communities']} 个社区 = {ledger['community_weeks_due']:,} 社区·周，"
                f"按时送达社区账号 {len(rows):,} 社区·周（{status.actual:.1%}），"
                f"其中社区已打开 {ledger['community_weeks_opened']:,} 社区·周。"
                "没有社区账号的社区无法送达，计为未提供。")
    unit = UNITS.get(target.source, "项")
    gap = status.actual - target.target
    more = f"超出 {gap:,.0f} {unit}" if gap > 0 else ("恰好达到" if gap == 0
                                                       else f"尚差 {-gap:,.0f} {unit}")
    return (f"{period}共计入 {status.actual:,.0f} {unit}，目标 {target.target:,.0f} {unit}，"
            f"{more}。{_detail(target.source, rows)}")


def _change(people: int) -> str:
    return f"增加 {people:,} 人" if people >= 0 else f"减少 {-people:,} 人"


def _detail(source: str, rows) -> str:
    """What the rows say beyond their number (people reached, communities covered)."""
    if source == "trainings":
        return f"参训共 {sum(r[3][0] for r in rows):,} 人次。"
    if source == "events":
        return (f"参与共 {sum(r[4][0] for r in rows):,} 人次，现场注册 "
                f"{sum(r[5][0] for r in rows):,} 人、实名认证 {sum(r[6][0] for r in rows):,} 人。")
    if source == "visits":
        return f"走访覆盖 {len({(r[1][0], r[2][0]) for r in rows})} 个社区。"
    if source == "service_groups":
        return f"群组成员共 {sum(r[5][0] for r in rows):,} 人。"
    return ""


# ---------------------------------------------------------------- the report

def as_of_day(as_of: date | None) -> date:
    """The report's day: the contract's end unless asked for an earlier one (then marked
    截至); never before the contract began."""
    contract = current_contract()
    day = min(as_of or contract.end_date, contract.end_date)
    if day < contract.start_date:
        raise field_error("as_of", f"统计截至日不能早于合同开始日 {contract.start_date:%Y-%m-%d}")
    return day


def gather_execution(as_of: date | None = None) -> ExecutionReport:
    """Every target with its evidence and the weekly-report ledger, read in one transaction."""
    contract = current_contract()
    end = as_of_day(as_of)
    report = target_report(end)
    statuses = {s.key: s for s in report.items}
    places = Places()
    outcomes = []
    for target in contract.targets:
        status = statuses[target.key]
        evidence = evidence_for(contract, target, end, places)
        outcomes.append(Outcome(
            target.key, target.name, target.clause, target.commitment, target.measure,
            target.target, status.actual, status.actual >= target.target,
            _account(contract, target, status, evidence, end), evidence))
    ledger = delivery_evidence(end)
    return ExecutionReport(
        contract.key, contract.name, contract.client, contract.contractor, contract.start_date,
        contract.end_date, end, now_utc(), outcomes,
        [LedgerWeek(w["week"], w["start"], w["end"], w["delivered_by_as_of"], w["opened"],
                    ledger["communities"] - w["delivered_by_as_of"]) for w in ledger["weeks"]],
        ledger["communities"])


def execution_file_names(as_of: date) -> tuple[str, str]:
    return f"执行成果报告_{as_of:%Y%m%d}", f"执行成果证明材料_{as_of:%Y%m%d}"


def write_execution_report(as_of: date | None, out_dir: Path) -> list[Path]:
    """The document, its PDF where LibreOffice is installed, the evidence workbook and the
    manifest of them all, in out_dir. Gathering reads one snapshot; rendering and converting
    happen outside any transaction."""
    report = _gathered(as_of)
    out_dir.mkdir(parents=True, exist_ok=True)
    document_stem, evidence_stem = execution_file_names(report.as_of)
    workbook = out_dir / f"{evidence_stem}.xlsx"
    workbook.write_bytes(render_evidence_xlsx(report))
    document = out_dir / f"{document_stem}.docx"
    document.write_bytes(render_execution_docx(report, workbook.name))
    pdf = to_pdf(document)
    files = [document] + ([pdf] if pdf else []) + [workbook]
    listing = out_dir / "manifest.json"
    listing.write_bytes(manifest(report, files))
    return files + [listing]


@reader
def _gathered(as_of: date | None) -> ExecutionReport:
    return gather_execution(as_of)


# ---------------------------------------------------------------- as a job

KIND = "execution_report"
FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "pdf": "application/pdf", "json": "application/json"}


def request_execution_report(as_of: date | None, *, actor: User) -> Job:
    """Queue the making of the report (thousands of evidence rows, a conversion: never in a
    request)."""
    day = as_of_day(as_of)
    return queue_report(KIND, day.isoformat(), "execution_report.make", actor=actor,
                        period_end=day)


@step("execution_report.make", retries=1, retry_delay=30)
def make_execution_report(job_id: int) -> None:
    job = records.start_attempt(job_id)
    if job is None:
        return
    directory = Path(current_app.config["REPORTS_DIR"]) / "execution" / f"job-{job_id}"
    files = write_execution_report(date.fromisoformat(job.subject), directory)
    records.finish(job_id, {"directory": str(directory), "files": [f.name for f in files]})


@reader
def execution_file(job_id: int, fmt: str) -> tuple[Path, str, str]:
    """A finished report's file: (path, download name, media type)."""
    job = records.get_job(job_id)
    if job.kind != KIND:
        raise NotFoundError(f"执行成果报告不存在：{job_id}")
    if job.status != JobStatus.DONE:
        raise NotFoundError("该报告尚未生成完成，请稍后再下载")
    document_stem, evidence_stem = execution_file_names(date.fromisoformat(job.subject))
    name = {"docx": f"{document_stem}.docx", "pdf": f"{document_stem}.pdf",
            "xlsx": f"{evidence_stem}.xlsx", "json": "manifest.json"}[fmt]
    if name not in job.result.get("files", []):
        raise NotFoundError("该报告没有 PDF 版本（服务器未安装带 Writer 的 LibreOffice）"
                            if fmt == "pdf" else f"文件不存在：{name}")
    return Path(job.result["directory"]) / name, name, FORMATS[fmt]

