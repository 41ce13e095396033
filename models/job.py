"""Work done away from the web workers (a week's spreadsheets, a backup): what was asked, by
whom, and how it went. The queue only carries tasks; this table is what people see."""

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.user import User


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    ACTIVE = (QUEUED, RUNNING)


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_kind_subject", "kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # weekly_set, backup
    subject: Mapped[str] = mapped_column(String(32))  # e.g. the ISO week 2022-W20, a date
    # The district a job's work covers (a weekly set and its e-mails); None for the others.
    district_code: Mapped[str | None] = mapped_column(
        String(12), ForeignKey("districts.code"), index=True)
    # The last day the job's work covers (a week's Sunday): the weekly_reports target counts
    # weeks from it.
    period_end: Mapped[dt.date | None]
    trigger: Mapped[str] = mapped_column(String(16))  # request, schedule, cli
    # Set for scheduled jobs so that two consumers firing the same schedule make one job.
    dedupe_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED, index=True)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When the job's data was read (a week's figures): later changes make its files stale.
    snapshot_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Touched by every step: a running job that stops being touched was abandoned.
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    requested_by: Mapped[User | None] = relationship()

    @property
    def username(self) -> str | None:
        return self.requested_by.username if self.requested_by else None

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 2)
