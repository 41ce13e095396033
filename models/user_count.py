"""The platform's registered and verified user counts per community per date, and the record
of every import."""

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.user import User


class UserCount(db.Model):
    __tablename__ = "user_counts"
    __table_args__ = (
        # Also the index behind "each community's latest count on or before D".
        UniqueConstraint("community_code", "date"),
        # A day's counts read from the index alone ("the counts of D" before any seek), however
        # the rows of that day lie in the table.
        Index("ix_user_counts_date_counts", "date", "community_code", "registered", "verified"),
        CheckConstraint("registered >= 0 AND verified >= 0", name="not_negative"),
        CheckConstraint("verified <= registered", name="verified_within_registered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"))
    date: Mapped[dt.date]
    registered: Mapped[int]
    verified: Mapped[int]
    import_id: Mapped[int | None] = mapped_column(ForeignKey("user_count_imports.id"))


class StreetCountChange(db.Model):
    """How much a street's sum of latest counts moves on a date: over its communities with a
    count that day, each count minus the community's previous one. The series of a street and
    of the district add these up instead of reading every community's every count; the write
    of counts keeps them, in its own transaction."""

    __tablename__ = "street_count_changes"

    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), primary_key=True)
    date: Mapped[dt.date] = mapped_column(primary_key=True, index=True)
    registered: Mapped[int]
    verified: Mapped[int]


class UserCountImport(db.Model):
    __tablename__ = "user_count_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date]
    source: Mapped[str] = mapped_column(String(16))  # api, file, cli
    filename: Mapped[str | None] = mapped_column(String(255))
    checksum: Mapped[str | None] = mapped_column(String(64))
    rows: Mapped[int]
    registered: Mapped[int]
    verified: Mapped[int]
    # Rows of the file that were skipped (the importer chose to store the rest), with why.
    refused_rows: Mapped[int] = mapped_column(default=0, server_default="0")
    refusals: Mapped[list | None] = mapped_column(JSON)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()

    @property
    def username(self) -> str | None:
        return self.actor.username if self.actor else None
