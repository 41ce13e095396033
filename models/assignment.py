"""Which liaison covers which street or community, and from when to when."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.district import Community, Street
from models.user import User


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint(
            "(street_code IS NULL) != (community_code IS NULL)", name="one_place"
        ),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    street_code: Mapped[str | None] = mapped_column(ForeignKey("streets.code"), index=True)
    community_code: Mapped[str | None] = mapped_column(
        ForeignKey("communities.code"), index=True
    )
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    street: Mapped[Street | None] = relationship()
    community: Mapped[Community | None] = relationship()

    @property
    def username(self) -> str:
        return self.user.username

    def is_active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)
