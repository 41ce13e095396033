"""The jobs page: recent jobs, the queue's state, and the schedule with its next runs."""

from dataclasses import dataclass
from datetime import datetime

from models import Job, db
from service.clock import now_utc
from service.jobs import records
from service.jobs.queue import the_queue
from service.jobs.schedule import SCHEDULES
from service.transaction import reader


@dataclass
class ScheduledWork:
    kind: str
    label: str
    next_run: datetime
    last_job: Job | None


def _pending() -> int | None:
    try:
        return the_queue().pending()
    except Exception:  # the queue's storage is unreachable: the page still answers
        return None


@reader
def jobs_overview(*, kind: str | None = None, status: str | None = None, page: int = 1,
                  per_page: int = 50) -> dict:
    now = now_utc()
    listed = records.list_jobs(kind=kind, status=status, page=page, per_page=per_page)
    schedule = [ScheduledWork(s.kind, s.label, s.next(now), db.session.scalars(
        records.jobs_query(s.kind).where(Job.trigger == "schedule").limit(1)).first())
        for s in SCHEDULES]
    return {"items": listed.items, "total": listed.total, "page": listed.page,
            "per_page": listed.per_page, "queue": the_queue().storage_kind,
            "pending": _pending(), "schedule": schedule}
