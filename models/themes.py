"""A contract's monthly themes (每月一题): the month's planned theme, its content, format and
the departments responsible, and how far it has come."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.contract import Contract


class ThemeStatus(StrEnum):
    PLANNED = "planned"
    IN_PRODUCTION = "in_production"
    DELIVERED = "delivered"
    # Never stored: a theme whose month has ended undelivered is shown as missed.
    MISSED = "missed"


class Theme(db.Model):
    """One month's theme of a contract (at most one a month)."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("contract_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    title: Mapped[str] = mapped_column(String(200))  # the theme, e.g. 地质灾害防治
    description: Mapped[str] = mapped_column(Text, default="")  # 内容
    format: Mapped[str] = mapped_column(Text, default="")  # 形式: posters, video, ...
    departments: Mapped[list] = mapped_column(JSON, default=list)  # 责任部门
    # planned, in_production or delivered; `missed` is worked out when read.
    status: Mapped[str] = mapped_column(String(16), default=ThemeStatus.PLANNED.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped[Contract] = relationship()
