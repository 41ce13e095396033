"""Operations reports of a content contract (按月度、季度定期总结运营数据、形成分析报告): one
per contract, kind and period. Sections ① users and ② content are computed when the report is
rendered; ③ lessons learned and ④ next period's plan are written by the team and kept here
with who wrote them when. Issued once: then its files are made by a job and it no longer
changes."""

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.job import Job
from models.user import User


class ContentReportStatus:
    DRAFT = "draft"
    ISSUED = "issued"


class ContentReport(db.Model):
    __tablename__ = "content_reports"
    # One report of a kind per period: a second request is a conflict, not a copy.
    __table_args__ = (UniqueConstraint("contract_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # monthly, quarterly, midterm, final, key_content
    # The period's label as compliance names it: 2023-10, or the contract's quarter 2023/24-Q2;
    # 中期 / 全期 for the mid-term and final reports (one each: the span is the contract's);
    # for a key-content report `content-<id>` (one report per piece of content).
    period: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(16), default=ContentReportStatus.DRAFT)
    lessons: Mapped[str] = mapped_column(Text, default="")  # ③ 经验总结
    plan: Mapped[str] = mapped_column(Text, default="")  # ④ 下期计划
    sections_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sections_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The piece of content a key-content report (重点内容传播分析报告) is about; None otherwise.
    content_id: Mapped[int | None] = mapped_column(ForeignKey("content.id"), index=True)
    # The job that renders the issued report's files (its result names them).
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))

    contract: Mapped["Contract"] = relationship()  # noqa: F821 (models.contract)
    sections_by: Mapped[User | None] = relationship(foreign_keys=[sections_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    job: Mapped[Job | None] = relationship()
    content: Mapped["Content | None"] = relationship()  # noqa: F821 (models.content)
