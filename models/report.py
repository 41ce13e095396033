"""Each production of weekly spreadsheets: which week, what, by whom, when."""

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.user import User


class WeeklyReportRun(db.Model):
    __tablename__ = "weekly_report_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8), index=True)  # ISO week, e.g. 2022-W20
    week_end: Mapped[dt.date]
    scope: Mapped[str] = mapped_column(String(16))  # all, community, street, district
    files: Mapped[int]
    seconds: Mapped[float]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()

    @property
    def username(self) -> str | None:
        return self.actor.username if self.actor else None
