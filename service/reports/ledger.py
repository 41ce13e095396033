"""The ledger of weekly spreadsheets produced: which week, what, by whom, when, how long. The
weekly_reports target counts weeks from it."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from models import User, WeeklyReportRun, db
from service.clock import SHANGHAI, now_utc
from service.pagination import Page, paginate
from service.reports.calendar import Week
from service.transaction import reader


def record_run(week: Week, scope: str, files: int, seconds: float, actor: User | None,
               now: datetime | None = None) -> WeeklyReportRun:
    run = WeeklyReportRun(week=week.label, week_end=week.end, scope=scope, files=files,
                          seconds=round(seconds, 2), actor_id=actor.id if actor else None,
                          generated_at=now or now_utc())
    db.session.add(run)  # the use case's one write, after its reading and rendering
    return run


@reader
def list_runs(*, page: int = 1, per_page: int = 50) -> Page:
    query = select(WeeklyReportRun).order_by(WeeklyReportRun.generated_at.desc(),
                                             WeeklyReportRun.id.desc())
    return paginate(query, page, per_page)


def weeks_with_full_reports(start: date, as_of: date) -> int:
    """Weeks ended since `start` and before `as_of` whose full set was produced by the end of
    `as_of` (Asia/Shanghai): a report cannot count before it exists."""
    produced_by = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    return db.session.scalar(select(func.count(func.distinct(WeeklyReportRun.week))).where(
        WeeklyReportRun.scope == "all", WeeklyReportRun.week_end >= start,
        WeeklyReportRun.week_end < as_of, WeeklyReportRun.generated_at < produced_by)) or 0


