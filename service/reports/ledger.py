"""How many weeks got their full set of spreadsheets in time: the weekly_reports target counts
them from the finished weekly-set jobs."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from models import Job, JobStatus, db
from service.clock import SHANGHAI


def weeks_with_full_reports(start: date, as_of: date) -> int:
    """Weeks ended since `start` and before `as_of` whose full set was finished by the end of
    `as_of` (Asia/Shanghai): a report cannot count before it exists."""
    produced_by = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    return db.session.scalar(select(func.count(func.distinct(Job.subject))).where(
        Job.kind == "weekly_set", Job.status == JobStatus.DONE, Job.period_end >= start,
        Job.period_end < as_of, Job.finished_at < produced_by)) or 0
