"""Which liaison covers which street or community, and from when to when."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, and_, or_
from sqlalchemy.ext.hybrid import hybrid_method
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

    @hybrid_method
    def in_force_on(self, day: date) -> bool:
        """Whether the assignment covers `day` (both ends included); also a SQL clause."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    @in_force_on.inplace.expression
    @classmethod
    def _in_force_on_clause(cls, day):
        return and_(cls.start_date <= day, or_(cls.end_date.is_(None), cls.end_date >= day))
