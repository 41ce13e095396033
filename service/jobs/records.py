"""What people see of the queue's work: each job's status, progress, attempts and reason.

Every transition is its own short writer, so a step holds SQLite's write lock only for the
moment it records something, never while it renders. Jobs are changed by UPDATE statements
(parts finishing together must all count), and objects stay readable after a commit, so a
job is read back with populate_existing: never the state this session saw before."""

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from models import District, Job, JobStatus, User, db
from service.clock import now_utc
from service.errors import ConflictError, NotFoundError, ServiceError
from service.pagination import Page, paginate
from service.transaction import conflicts_as, reader, writer

# A running job is touched at least at every part it finishes; one untouched this long was
# abandoned (its consumer killed or its machine stopped) and is shown as failed.
ABANDONED_AFTER = timedelta(minutes=30)
KIND_LABELS = {"weekly_set": "周报全套", "backup": "数据库备份",
               "effect_report": "推广效果数据分析报告", "execution_report": "执行（成果）报告",
               "delivery_email": "周报邮件送达", "content_report": "新媒体运营数据分析报告"}
# Kinds whose work is one district's (a weekly set and its e-mails): Job.district_code says
# which.
DISTRICT_KINDS = ("weekly_set", "delivery_email")
STATUS_LABELS = {JobStatus.QUEUED: "排队中", JobStatus.RUNNING: "进行中",
                 JobStatus.DONE: "已完成", JobStatus.FAILED: "失败"}


@writer
def create_job(kind: str, subject: str, *, trigger: str, actor: User | None = None,
               period_end: date | None = None, dedupe_key: str | None = None,
               now: datetime | None = None, district_code: str | None = None) -> Job | None:
    """A queued job; None when `dedupe_key` was already used (the same schedule fired by a
    second consumer, or twice). A district's kind of job asked for without its district is the
    only district's, while one is held (as migration 0027 made the earlier ones)."""
    if district_code is None and kind in DISTRICT_KINDS:
        held = db.session.scalars(select(District.code).limit(2)).all()
        district_code = held[0] if len(held) == 1 else None
    job = Job(kind=kind, subject=subject, trigger=trigger, period_end=period_end,
              district_code=district_code,
              dedupe_key=dedupe_key, status=JobStatus.QUEUED, progress_done=0, attempts=0,
              result={}, requested_by_id=actor.id if actor else None,
              requested_at=now or now_utc())
    try:
        with conflicts_as("同一计划任务已创建"):
            db.session.add(job)
            db.session.flush()
    except ConflictError:
        if dedupe_key is None:
            raise
        return None
    return job


@writer
def start_attempt(job_id: int) -> Job | None:
    """Mark the job running for one more attempt; None when it has already ended (a task
    delivered twice, or retried after the job was given up)."""
    now = now_utc()
    changed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status.in_(JobStatus.ACTIVE))
        .values(status=JobStatus.RUNNING, attempts=Job.attempts + 1, heartbeat_at=now,
                error=None, started_at=db.func.coalesce(Job.started_at, now))).rowcount
    return db.session.get(Job, job_id, populate_existing=True) if changed else None


@writer
def set_plan(job_id: int, *, total: int, snapshot_at: datetime, result: dict) -> None:
    """What the attempt will make (`total` files, where: `result`), from data read when."""
    db.session.execute(update(Job).where(Job.id == job_id).values(
        progress_total=total, progress_done=0, snapshot_at=snapshot_at, result=result,
        heartbeat_at=now_utc()))


@writer
def advance(job_id: int, files: int) -> None:
    """Count finished work in one statement, so that parts finishing together all count."""
    db.session.execute(update(Job).where(Job.id == job_id).values(
        progress_done=Job.progress_done + files, heartbeat_at=now_utc()))


@writer
def finish(job_id: int, result: dict) -> Job:
    job = db.session.get(Job, job_id, populate_existing=True)
    job.status, job.result, job.error = JobStatus.DONE, result, None
    job.finished_at = job.heartbeat_at = now_utc()
    return job


def describe(error: BaseException) -> str:
    """The reason people read: our own messages as they are, anything else named plainly."""
    if isinstance(error, ServiceError):
        return error.message
    if isinstance(error, OSError) and error.strerror:
        return f"无法读写文件 {error.filename2 or error.filename or ''}：{error.strerror}"
    return f"内部错误：{type(error).__name__}: {error}"[:2000]


@writer
def fail(job_id: int, reason: str) -> None:
    """Give the job up with its reason (after its last attempt, or when it was abandoned)."""
    db.session.execute(update(Job).where(Job.id == job_id, Job.status.in_(JobStatus.ACTIVE))
                       .values(status=JobStatus.FAILED, error=reason, finished_at=now_utc()))


def fail_with(job_id: int, error: BaseException) -> None:
    """The last attempt of a step failed: the job shows as failed with the reason."""
    fail(job_id, describe(error))


@writer
def note_retry(job_id: int, error: BaseException) -> None:
    """An attempt failed and another will follow: the reason shows meanwhile."""
    db.session.execute(update(Job).where(Job.id == job_id).values(
        error=f"本次尝试失败，稍后重试：{describe(error)}",
        heartbeat_at=now_utc()))


@writer
def sweep_abandoned(now: datetime | None = None) -> int:
    """Running jobs untouched for ABANDONED_AFTER are failed, with the reason."""
    limit = (now or now_utc()) - ABANDONED_AFTER
    return db.session.execute(
        update(Job).where(Job.status == JobStatus.RUNNING, Job.heartbeat_at < limit)
        .values(status=JobStatus.FAILED, finished_at=now or now_utc(),
                error="处理中断：超过 30 分钟没有进展（处理进程可能已停止），请重新发起"
                )).rowcount


@reader
def requested_since(kind: str, subject: str, moment: datetime,
                    district_code: str | None = None) -> bool:
    query = select(Job.id).where(Job.kind == kind, Job.subject == subject,
                                 Job.requested_at >= moment)
    if district_code is not None:
        query = query.where(Job.district_code == district_code)
    return db.session.scalar(query.limit(1)) is not None


@reader
def get_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None:
        raise NotFoundError(f"任务不存在：{job_id}")
    return job


def jobs_query(kind: str | None = None, status: str | None = None, subject: str | None = None):
    query = select(Job).order_by(Job.requested_at.desc(), Job.id.desc())
    if kind:
        query = query.where(Job.kind == kind)
    if status:
        query = query.where(Job.status == status)
    if subject:
        query = query.where(Job.subject == subject)
    return query


@reader
def list_jobs(*, kind: str | None = None, status: str | None = None, page: int = 1,
              per_page: int = 50) -> Page:
    return paginate(jobs_query(kind, status), page, per_page)
