"""A week's full set of spreadsheets as a job: asked for (by an admin, the Monday schedule or
the CLI), made by the queue's consumers, kept on disk and served from there.

One consumer reads the week's figures in one transaction (every workbook of a set shows the
same moment) and splits the workbooks into parts, per street and at most PART_SIZE each; the
parts render on whichever consumers are free (huey's chord), and when the last one is done a
final step writes the zip, marks the job done and removes the week's older sets.

A set is one district's (its communities, its streets and the district's own workbook): the
districts held each get theirs, a folder per set, and a newer set of a district replaces only
that district's older one."""

import shutil
import time as clock
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path

from flask import current_app
from huey.api import group
from huey.constants import EmptyData
from huey.utils import Error
from sqlalchemy import select

from models import Contract, District, Job, JobStatus, User, db
from models.locking import serialize_on
from service.clock import local_today, now_utc
from service.district.contracts import current_contract
from service.district.scope import district_asked, one_district
from service.errors import NotFoundError, UnavailableError, field_error
from service.jobs import records
from service.jobs.queue import step, the_queue
from service.pagination import Page, paginate
from service.reports.calendar import Week, parse_week, week_label
from service.reports.files import (
    remove_temporaries,
    replacing,
    workbook_parts,
    write_part,
)
from service.reports.freshness import changed_since, stale_weeks
from service.reports.gathering import gather_week
from service.transaction import reader, writer

KIND = "weekly_set"


@dataclass
class WeekStatus:
    week: str
    district: District
    start: date
    end: date
    in_contract: bool
    latest: Job | None  # the latest finished set, the one downloads serve
    active: Job | None  # a set being made now
    stale: bool
    runs: list[Job]

    @property
    def generated(self) -> bool:
        return self.latest is not None


def reports_root() -> Path:
    return Path(current_app.config["REPORTS_DIR"])


def run_directory(job: Job, root: Path | None = None) -> Path:
    return (root or reports_root()) / job.subject / f"run-{job.id}"


# -- asking for a set ------------------------------------------------------------------------

def _startable_week(label: str, *, outside_contract: bool = False,
                    today: date | None = None) -> Week:
    """A week whose set may be made: begun, and within a contract's period unless asked for
    explicitly (a mistyped year would otherwise make 280 files nobody wants)."""
    week = parse_week(label)
    if week.start > (today or local_today()):
        raise field_error("week", f"{label} 尚未开始，不能生成周报")
    if not outside_contract and not in_a_contract(week.label):
        raise field_error("week", f"{label}（{week.start:%Y-%m-%d} 至 {week.end:%Y-%m-%d}）"
                                  "不在任何合同期内；确需生成时请明确要求（outside_contract）")
    return week


def request_set(label: str, *, actor: User | None, district: str | None = None,
                trigger: str = "request", dedupe_key: str | None = None,
                outside_contract: bool = False) -> tuple[Job | None, bool]:
    """Queue the making of a district's set of a week (`district` may be left out while one
    district is held). While one is queued or running, that one is the answer (asking twice
    makes one set). Returns (job, whether it is new)."""
    week = _startable_week(label, outside_contract=outside_contract)
    job, new = _create_unless_active(week, district, actor, trigger, dedupe_key)
    if new:
        _enqueue(job.id, "weekly_set.prepare")
    return job, new


@writer
def _create_unless_active(week: Week, district: str | None, actor: User | None, trigger: str,
                          dedupe_key: str | None) -> tuple[Job | None, bool]:
    code = one_district(actor, district).code
    # Per week and district: two districts' sets of a week are made side by side.
    serialize_on(db.session.connection(), f"{KIND}:{week.label}:{code}")
    active = db.session.scalars(_sets_query(week.label, code)
                                .where(Job.status.in_(JobStatus.ACTIVE)).limit(1)).first()
    if active is not None:
        return active, False
    job = records.create_job(KIND, week.label, trigger=trigger, actor=actor,
                             period_end=week.end, dedupe_key=dedupe_key, district_code=code)
    return job, job is not None  # None: the same schedule already fired


def _sets_query(label: str | None, district_code: str | None, status: str | None = None):
    """A district's sets (of a week), newest first; every district's when None."""
    query = records.jobs_query(KIND, status, label)
    if district_code is not None:
        query = query.where(Job.district_code == district_code)
    return query


def _enqueue(job_id: int, name: str) -> None:
    try:
        the_queue().enqueue(name, job_id)
    except Exception as error:  # Redis down, the queue's file unwritable: say so, keep nothing
        records.fail(job_id, f"无法加入任务队列：{error}")
        raise UnavailableError("任务队列暂时不可用，请稍后重试") from error


# -- the steps -------------------------------------------------------------------------------

def _plan(job_id: int, root: Path) -> tuple[Job, Path, list[list]] | None:
    """Start an attempt: read the week once and split its workbooks into parts."""
    job = records.start_attempt(job_id)
    if job is None:
        return None
    snapshot_at = now_utc()
    reports = read_week(job.subject, job.district_code)
    parts = workbook_parts(reports)
    directory = run_directory(job, root)
    shutil.rmtree(directory, ignore_errors=True)  # what an earlier attempt left
    directory.mkdir(parents=True)
    records.set_plan(job_id, total=sum(map(len, parts)) + 1, snapshot_at=snapshot_at,
                     result={"directory": str(directory)})
    return job, directory, parts


@reader
def read_week(label: str, district_code: str | None = None):
    """A district's figures of the week (`district_code` may be left out while one is held)."""
    return gather_week(label, one_district(None, district_code).code)


@step("weekly_set.prepare")
def prepare(job_id: int) -> None:
    planned = _plan(job_id, reports_root())
    if planned is None:
        return
    job, directory, parts = planned
    queue = the_queue()
    renders = [queue.signature("weekly_set.render", job_id, str(directory), part)
               for part in parts]
    queue.huey.enqueue(group(renders).then(queue.tasks["weekly_set.finish"], job_id))


@step("weekly_set.render")
def render(job_id: int, directory: str, part: list) -> None:
    records.advance(job_id, write_part(Path(directory), part))


@step("weekly_set.finish")
def finish(job_id: int, outcomes: list) -> None:
    failed = [o for o in outcomes if isinstance(o, Error) or o is EmptyData]
    if failed:
        reason = failed[0].metadata.get("error") if isinstance(failed[0], Error) else None
        records.fail(job_id, f"部分工作簿生成失败：{reason or '已跳过'}")
        return
    _assemble(job_id, Path(records.get_job(job_id).result["directory"]))


def _assemble(job_id: int, directory: Path) -> Job:
    """The zip of every workbook written, the job done, the week's older sets removed."""
    label = directory.parent.name
    names = ordered_files(directory)
    with replacing(directory / f"{label}.zip") as handle, \
            zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(directory / name, name)
    records.advance(job_id, 1)
    done, delivered = _finish_and_deliver(job_id, {
        "directory": str(directory), "files": len(names) + 1,
        "zip_bytes": (directory / f"{label}.zip").stat().st_size})
    _remove_older_sets(done)
    if delivered:
        from service.reports.mail import queue_emails
        queue_emails(done.subject, done.district_code)
    return done


@writer
def _finish_and_deliver(job_id: int, result: dict) -> tuple[Job, list[int]]:
    """The set done and its community workbooks delivered, in one transaction: a set is never
    done without its deliveries."""
    from service.reports.deliveries import deliver_set
    done = records.finish(job_id, result)
    return done, deliver_set(done)


def ordered_files(directory: Path) -> list[str]:
    """The workbooks of a set in the zip's order: communities, streets, the district."""
    found = [p.relative_to(directory).as_posix() for p in directory.rglob("*.xlsx")
             if not p.name.startswith(".")]
    order = {"communities": 0, "streets": 1}
    return sorted(found, key=lambda name: (order.get(name.split("/")[0], 2), name))


def _remove_older_sets(latest: Job) -> None:
    """Only the latest finished set of a week and district is served; the folders of the
    district's earlier ones go (other districts' sets of the week stay)."""
    for job in _older_finished_sets(latest):
        if job.result.get("directory"):  # sets recorded without files have none
            shutil.rmtree(job.result["directory"], ignore_errors=True)


@reader
def _older_finished_sets(latest: Job) -> list[Job]:
    return list(db.session.scalars(records.jobs_query(KIND, subject=latest.subject).where(
        Job.district_code == latest.district_code, Job.id != latest.id,
        Job.status.in_((JobStatus.DONE, JobStatus.FAILED)))))


# -- the same steps in this process (the CLI) ------------------------------------------------

@dataclass
class MadeHere:
    job: Job
    directory: Path
    files: int
    seconds: float


def _write_one(args: tuple[str, list]) -> int:
    directory, part = args
    return write_part(Path(directory), part)


def _render_on_pool(job_id: int, work: list, processes: int,
                    progress: Callable[[Iterable], Iterable]) -> None:
    """Render on forked processes (for the CLI, a process without other threads). They are
    terminated once every part is in, not joined: a fork of a process with threads (a test
    with a consumer running beside it) can copy a lock another thread held, and that child
    never leaves by itself."""
    pool = get_context("fork").Pool(processes)
    try:
        for count in progress(pool.imap_unordered(_write_one, work)):
            records.advance(job_id, count)
    except BaseException:
        pool.terminate()  # a part failed: the others stop, perhaps in the middle of a file
        remove_temporaries(Path(work[0][0]))
        raise
    pool.terminate()  # every part is in: the processes are idle


@reader
def set_district(district: str | None) -> str:
    """The district a set made without a requester is for: the one named (it must exist), or
    the only one held."""
    return one_district(None, district).code


def make_set_here(label: str, *, district: str | None = None, processes: int = 2,
                  root: Path | None = None, progress: Callable[[Iterable], Iterable] = iter,
                  outside_contract: bool = False) -> MadeHere:
    """Make a district's set of a week in this process and its children (the CLI), through
    the same plan, parts and assembly as the consumers, recorded as a job like theirs."""
    began = clock.perf_counter()
    week = _startable_week(label, outside_contract=outside_contract)
    code = set_district(district)
    root = root or reports_root()
    job = records.create_job(KIND, week.label, trigger="cli", period_end=week.end,
                             district_code=code)
    try:
        job, directory, parts = _plan(job.id, root)
        work = [(str(directory), part) for part in parts]
        if processes <= 1:
            for count in progress(map(_write_one, work)):
                records.advance(job.id, count)
        else:
            _render_on_pool(job.id, work, processes, progress)
        done = _assemble(job.id, directory)
    except BaseException as error:
        records.fail_with(job.id, error)
        raise
    return MadeHere(done, directory, done.result["files"], clock.perf_counter() - began)


@writer
def record_delivered_set(label: str, *, actor: User | None, finished_at: datetime,
                         seconds: float, files: int, district: str | None = None) -> Job:
    """A district's set made in the past whose files are not kept (the demo year's
    history)."""
    week = parse_week(label)
    started = finished_at - timedelta(seconds=seconds)
    job = Job(kind=KIND, subject=week.label, period_end=week.end, trigger="schedule",
              district_code=one_district(None, district).code,
              status=JobStatus.DONE, progress_done=files, progress_total=files, attempts=1,
              result={"files": files}, requested_by_id=actor.id if actor else None,
              requested_at=started, started_at=started, snapshot_at=started,
              finished_at=finished_at, heartbeat_at=finished_at)
    db.session.add(job)
    db.session.flush()
    from service.reports.deliveries import deliver_set
    deliver_set(job)
    return job


# -- what people see -------------------------------------------------------------------------

@reader
def list_sets(*, actor: User | None = None, district: str | None = None, page: int = 1,
              per_page: int = 50) -> Page:
    """Every district's sets, or one district's (a district official's own)."""
    code = district_asked(actor, district) if actor is not None else district
    return paginate(_sets_query(None, code), page, per_page)


def _latest_stored(label: str, district_code: str) -> Job | None:
    """The district's latest finished set of the week whose files are on disk (sets recorded
    without files, like the demo year's history, count for the target but serve nothing)."""
    finished = db.session.scalars(_sets_query(label, district_code, JobStatus.DONE)
                                  .order_by(None).order_by(Job.finished_at.desc(), Job.id.desc()))
    return next((job for job in finished
                 if job.result.get("directory") and Path(job.result["directory"]).is_dir()), None)


def _in_a_contract(week: Week) -> bool:
    return bool(db.session.scalar(select(Contract.id).where(
        Contract.start_date <= week.end, Contract.end_date >= week.start).limit(1)))


@reader
def in_a_contract(label: str) -> bool:
    """Whether the week overlaps a contract's period (the schedule makes sets only then)."""
    return _in_a_contract(parse_week(label))


@reader
def week_status(label: str, *, actor: User | None = None,
                district: str | None = None) -> WeekStatus:
    """A district's sets of the week (the only district's when one is held)."""
    week = parse_week(label)
    held = one_district(actor, district)
    latest = _latest_stored(week.label, held.code)
    runs = list(db.session.scalars(_sets_query(week.label, held.code).limit(20)))
    active = next((job for job in runs if job.status in JobStatus.ACTIVE), None)
    stale = bool(latest and latest.snapshot_at and changed_since(week, latest.snapshot_at))
    return WeekStatus(week.label, held, week.start, week.end, _in_a_contract(week), latest,
                      active, stale, runs)


@dataclass
class WeekSummary:
    week: str
    start: date
    end: date
    started: bool  # the week has begun: a set can be made
    latest: Job | None  # the latest finished set whose files are kept
    active: Job | None  # a set being made now
    last: Job | None  # the latest set asked for, whatever became of it
    stale: bool
    sets: int  # sets asked for this week

    @property
    def generated(self) -> bool:
        return self.latest is not None

    @property
    def status(self) -> str:
        """not_started, none, queued, running, failed, done, stale, or archived (a set was
        made but its files are not kept, like the demo year's history)."""
        if not self.started:
            return "not_started"
        if self.active is not None:
            return self.active.status
        if self.last is not None and self.last.status == JobStatus.FAILED:
            return "failed"
        if self.latest is not None:
            return "stale" if self.stale else "done"
        if self.last is not None and self.last.status == JobStatus.DONE:
            return "archived"
        return "none"


def _contract_weeks(contract: Contract) -> list[Week]:
    monday = contract.start_date - timedelta(days=contract.start_date.weekday())
    weeks = []
    while monday <= contract.end_date:
        weeks.append(Week(week_label(monday), monday, monday + timedelta(days=6)))
        monday += timedelta(days=7)
    return weeks


@reader
def contract_weeks(today: date | None = None, *, actor: User | None = None,
                   district: str | None = None
                   ) -> tuple[Contract, District, list[WeekSummary]]:
    """Every ISO week of the contract in force, oldest first, with a district's sets' status:
    one query for the sets of all weeks and one for which of them are stale."""
    held = one_district(actor, district)
    contract = current_contract()
    today = today or local_today()
    weeks = _contract_weeks(contract)
    by_week: dict[str, list[Job]] = {week.label: [] for week in weeks}
    for job in db.session.scalars(_sets_query(None, held.code).where(
            Job.subject.in_(list(by_week)))):
        by_week[job.subject].append(job)
    summaries = []
    for week in weeks:
        jobs = by_week[week.label]  # newest first
        active = next((job for job in jobs if job.status in JobStatus.ACTIVE), None)
        finished = sorted((job for job in jobs if job.status == JobStatus.DONE
                           and job.result.get("directory")
                           and Path(job.result["directory"]).is_dir()),
                          key=lambda job: (job.finished_at, job.id), reverse=True)
        summaries.append(WeekSummary(week.label, week.start, week.end, week.start <= today,
                                     finished[0] if finished else None, active,
                                     jobs[0] if jobs else None, False, len(jobs)))
    stale = stale_weeks([(parse_week(s.week), s.latest.snapshot_at) for s in summaries
                         if s.latest is not None and s.latest.snapshot_at])
    for summary in summaries:
        summary.stale = summary.week in stale
    return contract, held, summaries


@reader
def stored_set(label: str, district_code: str) -> Path:
    """The folder of the district's latest finished set of the week."""
    week = parse_week(label)
    latest = _latest_stored(week.label, district_code)
    if latest is None:
        raise NotFoundError(f"{week.label} 的周报尚未生成，请管理员在“周报”中生成后再下载")
    return Path(latest.result["directory"])


def stored_file(directory: Path, kind: str, code: str | None) -> Path:
    """One file of a stored set: the zip, the district's, a street's or a community's."""
    if kind == "zip":
        return directory / f"{directory.parent.name}.zip"
    if kind == "district":
        return directory / "district.xlsx"
    folder, missing = {"street": ("streets", "街道不存在"),
                       "community": ("communities", "社区不存在")}[kind]
    found = sorted((directory / folder).glob(f"{code}_*.xlsx"))
    if not found:
        raise NotFoundError(f"{missing}：{code}")
    return found[0]

