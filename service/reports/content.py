"""Monthly and quarterly operations reports of a content contract (按月度、季度定期总结运营数据、
形成分析报告; issue #18 point 3). A report is created as a draft for one period; the team writes
its sections ③ lessons learned and ④ next period's plan; issuing it (never with a written
section empty) queues the job that computes ① users and ② content from the channel and
publication metrics — by the same rules as /channels/<id>/metrics and /publication-metrics —
and renders the Word document (a PDF where LibreOffice is installed), the workbook and the
manifest. The key-content, mid-term and final reports can reuse the period lookup, the gathering
of channel figures and the job machinery here."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from exports.content_report import (
    ChannelContent,
    ChannelUsers,
    ContentReportData,
    KindContent,
    ObligationLine,
    render_content_report_docx,
    render_content_report_xlsx,
)
from exports.document import RenderedReport, WrittenSection, write_report
from models import (
    ChannelMetric,
    Content,
    ContentReport,
    ContentReportStatus,
    Contract,
    ContractChannel,
    Job,
    JobStatus,
    Publication,
    User,
    db,
)
from service.clock import local_date, now_utc
from service.content.compliance import Period, periods_overlapping
from service.content.compliance_report import compliance_report
from service.content.metrics import SOURCE_LABELS, latest_publication_metrics, series_points
from service.content.review import KINDS
from service.district.contract_members import (
    MemberRole,
    member_record,
    require_contract_role,
    require_member,
)
from service.district.contracts import find_contract
from service.errors import ConflictError, NotFoundError, field_error, named_in_body
from service.jobs import records
from service.jobs.queue import step
from service.pagination import Page, paginate
from service.reports import key_content, term
from service.reports.effect import FORMATS, enqueue
from service.transaction import conflicts_as, lock_for_writing, reader, writer

JOB_KIND = "content_report"
STEP = "content_report.make"
# Report kinds and the contract's periods they cover: a calendar month, or the contract's own
# quarter counted from its start (compliance labels them 2023-10 and 2023/24-Q2).
PERIOD_KINDS = {"monthly": "month", "quarterly": "quarter"}
# Who writes the team's sections and issues a report besides admins: the editors' lead, who
# answers for the operations (编辑组长).
REPORT_WRITERS = (MemberRole.EDITOR_LEAD,)
SECTION_TITLES = {"lessons": "经验总结", "plan": "下期工作计划"}
# The kinds of report: of a period; the mid-term report and the final summary, whose span is
# the contract's (service/reports/term.py); a key-content report about a piece of content
# (service/reports/key_content.py). The rest is this module's machinery.
REPORT_KINDS = (*PERIOD_KINDS, *term.TERM_KINDS, key_content.KIND)
FILES = ("docx", "xlsx", "pdf", "json")


# ---------------------------------------------------------------- periods

def contract_periods(contract: Contract, kind: str) -> list[Period]:
    """Every period of the kind in the contract's term, in order."""
    return periods_overlapping(contract, PERIOD_KINDS[kind], contract.start_date,
                               contract.end_date)


def report_period(contract: Contract, kind: str, label: str) -> tuple[Period, Period | None]:
    """The period of that label and the one before it (None for the term's first: the days
    before the term are not the contractor's); an unknown label is a fault of `period`."""
    periods = contract_periods(contract, kind)
    for index, period in enumerate(periods):
        if period.label == label:
            return period, periods[index - 1] if index else None
    example = f"{periods[0].label} 至 {periods[-1].label}" if periods else "—"
    raise field_error("period", f"合同期内没有该{'月份' if kind == 'monthly' else '季度'}："
                                f"{label}（可用：{example}）")


# ---------------------------------------------------------------- the use cases

def _held_contract(actor: User, key: str) -> Contract:
    with named_in_body("contract"):
        contract = find_contract(key)
        require_member(actor, contract)
    return contract


def _report(report_id: int, viewer: User) -> ContentReport:
    """The report, if the viewer belongs to its contract (else it does not exist for them)."""
    return member_record(ContentReport, report_id, viewer,
                         f"运营数据分析报告不存在：{report_id}")


def _report_to_change(report_id: int, actor: User) -> ContentReport:
    """The report, read again under the write lock (SQLite) or its row lock (PostgreSQL) once
    the actor's role is checked: two leads writing or issuing at once act one after the other, and
    nothing is written to a report issued meanwhile."""
    require_contract_role(actor, _report(report_id, actor).contract, *REPORT_WRITERS)
    lock_for_writing()
    return db.session.get(ContentReport, report_id, with_for_update=True,
                          populate_existing=True)


def _refuse_if_issued(report: ContentReport) -> None:
    if report.status == ContentReportStatus.ISSUED:
        raise ConflictError("该报告已签发，不能再修改")


def _subject(held: Contract, kind: str, period: str | None, content: int | None,
             now: datetime) -> dict:
    """What a new report is about: its period; the term report's own span; or for a
    key-content report its content and its days (first publication → the day it is drafted,
    moved to the issue day on issue). A period or content the kind does not take is refused."""
    if kind != key_content.KIND and content is not None:
        raise field_error("content", "只有重点内容传播分析报告（key_content）指定内容")
    if kind not in PERIOD_KINDS and period is not None:
        raise field_error("period", "重点内容传播分析报告的期间由内容的发布日决定，不能指定"
                          if kind == key_content.KIND
                          else "中期报告和总结报告的统计期间由合同确定，不能指定")
    if kind == key_content.KIND:
        chosen, first_day = key_content.chosen_content(held, content)
        return {"content_id": chosen.id, "period": key_content.period_label(chosen.id),
                "period_start": first_day, "period_end": max(first_day, local_date(now))}
    if kind in term.TERM_KINDS:
        label, start, end = term.term_span(held, kind)
        return {"period": label, "period_start": start, "period_end": end}
    if period is None:
        raise field_error("period", "请指定月份或季度")
    first, _ = report_period(held, kind, period)
    return {"period": first.label, "period_start": first.start, "period_end": first.end}


def section_titles(kind: str) -> dict[str, str]:
    """The titles of the written sections ③ ④ for a kind of report."""
    return {key_content.KIND: key_content.SECTION_TITLES,
            **term.SECTION_TITLES}.get(kind, SECTION_TITLES)


def _already_made(kind: str, subject: dict) -> tuple[str, str]:
    """What a second report of the same subject is told, and the field it names."""
    if kind == key_content.KIND:
        return "该内容的传播分析报告已存在", "content"
    if kind in term.TERM_KINDS:
        return f"该合同的{subject['period']}报告已存在", "kind"
    return f"该期报告已存在：{subject['period']}", "period"


@writer
def create_report(*, actor: User, contract: str, kind: str, period: str | None = None,
                  content: int | None = None, now: datetime | None = None) -> ContentReport:
    """A draft report of a period, or of a piece of content for a key-content report
    (admins, the editors' lead); one of the same kind and period (content) already made is
    a conflict."""
    held = _held_contract(actor, contract)
    require_contract_role(actor, held, *REPORT_WRITERS)
    now = now or now_utc()
    subject = _subject(held, kind, period, content, now)
    report = ContentReport(contract_id=held.id, kind=kind, **subject,
                           status=ContentReportStatus.DRAFT, lessons="", plan="",
                           created_by_id=actor.id, created_at=now)
    # The unique constraint decides (two leads asking at once make one report).
    with conflicts_as(*_already_made(kind, subject)):
        db.session.add(report)
        db.session.flush()
    return report


@reader
def list_reports(viewer: User, *, contract: str, page: int = 1, per_page: int = 50) -> Page:
    """A contract's reports, by period then kind."""
    held = find_contract(contract)
    require_member(viewer, held)
    return paginate(select(ContentReport).where(ContentReport.contract_id == held.id)
                    .options(selectinload(ContentReport.job),
                             selectinload(ContentReport.content))
                    .order_by(ContentReport.period_start, ContentReport.kind,
                              ContentReport.id), page, per_page)


@reader
def get_report(viewer: User, report_id: int) -> ContentReport:
    """One report, with its written sections and the job of its files."""
    return _report(report_id, viewer)


@writer
def write_sections(*, actor: User, report_id: int, lessons: str, plan: str,
                   now: datetime | None = None) -> ContentReport:
    """The team's sections ③ and ④ (admins, the editors' lead), until the report is issued."""
    report = _report_to_change(report_id, actor)
    _refuse_if_issued(report)
    report.lessons, report.plan = lessons, plan
    report.sections_by_id, report.sections_at = actor.id, now or now_utc()
    return report


def _empty_sections(report: ContentReport) -> list[str]:
    return [name for name in SECTION_TITLES if not getattr(report, name).strip()]


@writer
def mark_issued(actor: User, report_id: int, now: datetime | None = None
                ) -> tuple[ContentReport, Job]:
    """Issue the report and create the job of its files, not yet queued (issue_report queues
    it; demo-data once the whole demo is committed)."""
    report = _report_to_change(report_id, actor)
    failed_before = report.job is not None and report.job.status == JobStatus.FAILED
    if not failed_before:
        _refuse_if_issued(report)
    empty, titles = _empty_sections(report), section_titles(report.kind)
    if empty:
        message = "、".join(titles[name] for name in empty) + " 尚未填写，不能签发"
        raise ConflictError(message, {name: [f"{titles[name]}不能为空"] for name in empty})
    if not failed_before:  # issued once: a failed rendering is made again, not re-issued
        report.status = ContentReportStatus.ISSUED
        report.issued_by_id, report.issued_at = actor.id, now or now_utc()
        if report.kind == key_content.KIND:  # its figures are as of the day it is issued
            report.period_end = max(report.period_start, local_date(report.issued_at))
    job = records.create_job(JOB_KIND, str(report.id), trigger="request", actor=actor,
                             period_end=report.period_end)
    report.job = job  # the relationship, not only the id: the answer shows the new job
    return report, job


def issue_report(*, actor: User, report_id: int, now: datetime | None = None) -> ContentReport:
    """Issue the report (admins, the editors' lead): refused while a written section is empty
    or once issued; queues the job that renders its files. A report whose rendering failed is
    rendered again by issuing it again. The job is queued only after the report and the job
    are committed, so that a consumer never meets a job it cannot read."""
    report, job = mark_issued(actor, report_id, now)
    enqueue(job, STEP)
    return report


# ---------------------------------------------------------------- gathering the figures

@dataclass(frozen=True)
class ChannelFigures:
    """A channel's figures over a stretch of days by the series' rule: followers at the end
    of the day before it and at its last day (a stock), the flows added up."""

    followers_before: int | None
    followers_end: int | None
    days_recorded: int
    new_followers: int
    unfollows: int
    reads: int
    shares: int
    sources: dict[str, int]  # of new_followers, by source key, where the days said


def channel_figures(rows: list[ChannelMetric], first: date, last: date) -> ChannelFigures:
    """From a channel's snapshots ordered by day (any before `first` included), the figures
    of first → last as the channel's series counts them, month by month."""
    points = series_points(rows, first, last, "month")
    before = [r for r in rows if r.day < first]
    sources: dict[str, int] = {}
    for point in points:
        for key, count in point["follower_sources"].items():
            sources[key] = sources.get(key, 0) + count
    return ChannelFigures(before[-1].followers if before else None, points[-1]["followers"],
                          sum(p["days_recorded"] for p in points),
                          *(sum(p[name] for p in points)
                            for name in ("new_followers", "unfollows", "reads", "shares")),
                          sources)


def _channels(contract: Contract) -> list[ContractChannel]:
    return sorted(contract.channels, key=lambda c: (c.position, c.id))


def _snapshots_by_channel(channels: list[ContractChannel],
                          last: date) -> dict[int, list[ChannelMetric]]:
    """Every channel's snapshots up to `last`, ordered by day, in one query."""
    by_channel: dict[int, list[ChannelMetric]] = defaultdict(list)
    for row in db.session.scalars(
            select(ChannelMetric).where(ChannelMetric.channel_id.in_([c.id for c in channels]),
                                        ChannelMetric.day <= last)
            .order_by(ChannelMetric.channel_id, ChannelMetric.day)):
        by_channel[row.channel_id].append(row)
    return by_channel


def kind_figures(contract: Contract, first: date, last: date) -> dict[str, tuple[int, int, int]]:
    """By content kind, what was published first → last: (publications, reads, shares), the
    reads and shares being each publication's latest snapshot on or before `last`."""
    counted = dict(db.session.execute(
        select(Content.kind, func.count(Publication.id))
        .join(Content, Content.id == Publication.content_id)
        .where(Publication.contract_id == contract.id, Publication.published_on >= first,
               Publication.published_on <= last)
        .group_by(Content.kind)).all())
    latest = latest_publication_metrics(contract, last).where(
        Publication.published_on >= first, Publication.published_on <= last).subquery()
    read = {kind: (int(reads), int(shares)) for kind, reads, shares in db.session.execute(
        select(latest.c.kind, func.sum(latest.c.reads), func.sum(latest.c.shares))
        .group_by(latest.c.kind))}
    return {kind: (count, *read.get(kind, (0, 0))) for kind, count in counted.items()}


def _kinds(contract: Contract, period: Period, previous: Period | None) -> list[KindContent]:
    now = kind_figures(contract, period.start, period.end)
    before = kind_figures(contract, previous.start, previous.end) if previous else {}
    rows = []
    for kind, label in KINDS.items():
        if kind not in now and kind not in before:
            continue
        count, reads, shares = now.get(kind, (0, 0, 0))
        earlier = before.get(kind, (0, 0, 0)) if previous else (None, None, None)
        rows.append(KindContent(label, count, reads, shares, earlier[0], earlier[1]))
    return rows


def obligation_lines(contract: Contract, start: date, end: date,
                     asker: User) -> list[ObligationLine]:
    """The compliance summary of start → end, as GET /compliance answers it for the same days
    to whoever asked for the files (a member when they asked)."""
    platforms = {c.key: c.platform for c in contract.channels}
    summary = compliance_report(asker, contract=contract.key, start=start, end=end).summary
    return [ObligationLine(s.name, platforms.get(s.channel, s.channel) if s.channel
                           else "—", s.periods, s.met, s.short, s.pending,
                           s.short_labels) for s in summary]


def _gather_operations(report: ContentReport, asker: User) -> ContentReportData:
    """Every figure of a monthly or quarterly report, read in the caller's transaction, for
    the member who asked for its files (the one who issued it, or issued it again after a
    failed rendering)."""
    contract = report.contract
    period, previous = report_period(contract, report.kind, report.period)
    channels = _channels(contract)
    snapshots = _snapshots_by_channel(channels, period.end)
    users, content = [], []
    for channel in channels:
        rows = snapshots.get(channel.id, [])
        now = channel_figures(rows, period.start, period.end)
        earlier = channel_figures(rows, previous.start, previous.end) if previous else None
        users.append(ChannelUsers(channel.platform, now.followers_before, now.new_followers,
                                  now.unfollows, now.followers_end, now.days_recorded,
                                  {SOURCE_LABELS[k]: n for k, n in now.sources.items()}))
        content.append(ChannelContent(channel.platform, now.reads, now.shares,
                                      now.new_followers, earlier.reads if earlier else None))
    writer_name = report.sections_by.display_name if report.sections_by else ""
    return ContentReportData(
        contract.name, contract.client, contract.contractor or "", report.kind, period.label,
        period.start, period.end, previous.label if previous else None, now_utc(), users,
        tuple(label for label in SOURCE_LABELS.values()
              if any(label in u.sources for u in users)),
        content, _kinds(contract, period, previous),
        obligation_lines(contract, period.start, period.end, asker),
        WrittenSection(SECTION_TITLES["lessons"], report.lessons),
        WrittenSection(SECTION_TITLES["plan"], report.plan), writer_name, report.sections_at)


# ---------------------------------------------------------------- files, as a job

@reader
def issued_reports(report_ids: list[int] | None = None) -> list[tuple[int, int]]:
    """(report id, the id of who issued it) of these reports, or of every issued one, for
    making their files outside the queue (`flask content-report`); an unknown or unissued id
    is refused."""
    query = select(ContentReport).order_by(ContentReport.id)
    if report_ids:
        query = query.where(ContentReport.id.in_(report_ids))
    found = {r.id: r for r in db.session.scalars(query)}
    for report_id in report_ids or []:
        if report_id not in found:
            raise NotFoundError(f"运营数据分析报告不存在：{report_id}")
        if found[report_id].status != ContentReportStatus.ISSUED:
            raise ConflictError(f"报告 {report_id} 尚未签发，签发后生成文件")
    return [(r.id, r.issued_by_id) for r in found.values()
            if r.status == ContentReportStatus.ISSUED]


def file_stem(report: ContentReportData) -> str:
    kind = "月度" if report.kind == "monthly" else "季度"
    return f"新媒体运营{kind}数据分析报告_{report.period.replace('/', '-')}"


def file_names(report: ContentReport, made: list[str]) -> dict[str, str]:
    """A report's files by download format: a term report's by their fixed names; the
    others' one file per suffix, as the job made it (a key-content report's stem is its
    content's title when rendered, which may change later)."""
    if report.kind in term.TERM_KINDS:
        return term.file_names(report.kind, report.period_start, report.period_end)
    return {name.rsplit(".", 1)[-1]: name for name in made}


def _render_operations(data: ContentReportData) -> RenderedReport:
    return RenderedReport(file_stem(data), {
        ".docx": render_content_report_docx(data), ".xlsx": render_content_report_xlsx(data)}, {
        "report": data.title, "contract": data.contract, "period": data.period,
        "from": data.start.isoformat(), "to": data.end.isoformat(),
        "generated_at": data.generated_at.isoformat()})


def _makers(kind: str):
    """How a kind of report is gathered (in one read transaction) and rendered (outside it):
    the one place that tells the kinds apart for their files."""
    if kind in term.TERM_KINDS:
        return term.gather, term.render
    if kind == key_content.KIND:
        return key_content.gather, key_content.render
    return _gather_operations, _render_operations


@reader
def _gathered(report_id: int, asker_id: int):
    report = db.session.get(ContentReport, report_id)
    gather, render = _makers(report.kind)
    return gather(report, db.session.get(User, asker_id)), render


def write_report_files(report_id: int, asker_id: int, out_dir: Path) -> list[Path]:
    """The report's files in out_dir (its document, workbooks, PDF where LibreOffice is
    installed, and manifest). Gathering reads one snapshot; rendering and converting happen
    outside any transaction."""
    data, render = _gathered(report_id, asker_id)
    return write_report(render(data), out_dir)


@step(STEP, retries=1, retry_delay=30)
def make_content_report(job_id: int) -> None:
    job = records.start_attempt(job_id)
    if job is None:
        return
    directory = Path(current_app.config["REPORTS_DIR"]) / "content" / f"job-{job_id}"
    files = write_report_files(int(job.subject), job.requested_by_id, directory)
    records.finish(job_id, {"directory": str(directory), "files": [f.name for f in files]})


@reader
def content_report_file(viewer: User, report_id: int, fmt: str) -> tuple[Path, str, str]:
    """An issued report's file (members of its contract): (path, download name, media type);
    409 while it is not issued or its files are being made."""
    report = _report(report_id, viewer)
    if report.status != ContentReportStatus.ISSUED or report.job is None:
        raise ConflictError("该报告尚未签发，签发后生成文件")
    job = report.job
    if job.status == JobStatus.FAILED:
        raise ConflictError(f"报告文件生成失败：{job.error or ''}（可再次签发以重新生成）")
    if job.status != JobStatus.DONE:
        raise ConflictError("报告文件正在生成，请稍后再下载")
    made = job.result.get("files", [])
    name = file_names(report, made).get(fmt)
    if name is None and fmt == term.APPENDIX:
        raise NotFoundError("该报告没有附件（编辑审校记录只随中期报告和总结报告生成）")
    if name not in made:
        raise NotFoundError("该报告没有 PDF 版本（服务器未安装带 Writer 的 LibreOffice）"
                            if fmt == "pdf" else f"文件不存在：{name or fmt}")
    media = FORMATS["xlsx"] if fmt == term.APPENDIX else FORMATS.get(fmt, "application/json")
    return Path(job.result["directory"]) / name, name, media
