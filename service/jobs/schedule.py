"""What happens by itself, in Asia/Shanghai time: every Monday at 06:00 the previous ISO
week's set of spreadsheets of each district held (for weeks inside a contract), every day at
02:00 a verified backup.

Every minute a consumer's scheduler looks for an occurrence that is due and has no job yet, and
queues it: a dedupe key per occurrence makes one job however many consumers look, and an
occurrence missed while no consumer ran is made up as soon as one runs (only the latest one)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from huey import crontab

from service.clock import SHANGHAI, now_utc
from service.jobs import records
from service.jobs.queue import periodic
from service.reports.calendar import last_complete_week


@dataclass(frozen=True)
class Schedule:
    kind: str  # the kind of job it makes
    label: str  # what people read
    at: time  # Asia/Shanghai
    iso_weekday: int | None = None  # 1 = Monday; None: every day

    def subject(self, occurrence: datetime) -> str:
        """What an occurrence's job is about: the week before a Monday, or the day."""
        if self.kind == "weekly_set":
            return last_complete_week(occurrence.date())
        return occurrence.date().isoformat()

    def latest(self, now: datetime) -> datetime:
        """The latest occurrence at or before `now` (aware, Asia/Shanghai)."""
        local = now.astimezone(SHANGHAI)
        moment = datetime.combine(local.date(), self.at, tzinfo=SHANGHAI)
        if self.iso_weekday is not None:
            moment -= timedelta(days=(local.isoweekday() - self.iso_weekday) % 7)
        if moment > local:
            moment -= timedelta(days=7 if self.iso_weekday is not None else 1)
        return moment

    def next(self, now: datetime) -> datetime:
        return self.latest(now) + timedelta(days=7 if self.iso_weekday is not None else 1)


WEEKLY_SET = Schedule("weekly_set", "每周一 06:00（北京时间）为每个区生成上一周的周报全套",
                      time(6, 0), 1)
DAILY_BACKUP = Schedule("backup", "每天 02:00（北京时间）备份数据库并校验", time(2, 0))
SCHEDULES = [WEEKLY_SET, DAILY_BACKUP]


def _weekly_set(label: str, key: str, occurrence: datetime) -> None:
    """A set per district held, each unless one of that district was asked for since the
    occurrence (an admin who made one district's set at 07:00 leaves the others to this)."""
    from service.district.places import district_codes
    from service.reports.runs import in_a_contract, request_set
    if not in_a_contract(label):
        return
    for code in district_codes():
        if not records.requested_since("weekly_set", label, occurrence, code):
            request_set(label, actor=None, district=code, trigger="schedule",
                        dedupe_key=f"{key}:{code}")


def _backup(day: str, key: str, occurrence: datetime) -> None:
    if not records.requested_since("backup", day, occurrence):
        from service.operations.backup_jobs import request_backup
        request_backup(day, actor=None, trigger="schedule", dedupe_key=key)


_QUEUE: dict[str, Callable[[str, str, datetime], None]] = {"weekly_set": _weekly_set,
                                                           "backup": _backup}


def queue_due_work(now: datetime | None = None) -> None:
    """Queue each schedule's latest occurrence unless a job for it was asked for since (by
    the schedule, or by someone: an admin who made last week's set at 07:00 on Monday)."""
    now = now or now_utc()
    for schedule in SCHEDULES:
        occurrence = schedule.latest(now)
        subject = schedule.subject(occurrence)
        _QUEUE[schedule.kind](subject, f"schedule:{schedule.kind}:{subject}", occurrence)


@periodic("schedule.every_minute", crontab())
def every_minute() -> None:
    queue_due_work()
    records.sweep_abandoned()
