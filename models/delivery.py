"""A week's workbook made available to a community's accounts, when it was first opened and by
whom, and every e-mail of it with the mail server's answer: the proof that the weekly
spreadsheet was provided to each community."""

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.district import Community
from models.job import Job
from models.user import User


class Delivery(db.Model):
    """One community's workbook of one week, made available to its accounts (once: a set made
    again for the week is served in its place, the first availability stands)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("week", "community_code", name="uq_deliveries_week_community"),
        Index("ix_deliveries_community_week", "community_code", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    week: Mapped[str] = mapped_column(String(8))  # ISO week, 2022-W20
    # The week's Sunday: the weekly_reports target counts weeks from it.
    period_end: Mapped[dt.date]
    community_code: Mapped[str] = mapped_column(String(12), ForeignKey("communities.code"))
    made_available_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    job: Mapped[Job] = relationship()
    community: Mapped[Community] = relationship()
    first_opened_by: Mapped[User | None] = relationship()


class EmailSend(db.Model):
    """One attempt to e-mail a delivered workbook to one account, with the server's answer."""

    __tablename__ = "email_sends"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    address: Mapped[str] = mapped_column(String(254))
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded: Mapped[bool]
    # What the server said: its code and text for an accepted message, or the refusal/error.
    answer: Mapped[str] = mapped_column(Text)

    user: Mapped[User] = relationship()
    delivery: Mapped[Delivery] = relationship()
