"""The rest of the year's promotion work: trainings, offline events, online service groups,
typical cases, demo communities and daily interaction totals. (The monthly topics and WeChat
articles are themes and content of the contract: models/themes.py, models/content.py.)"""

import datetime as dt

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.district import Community, Street


class RecordMixin:
    """Who made a record and when; deleting only marks it, so history keeps it."""

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


training_streets = Table(
    "training_streets", db.metadata,
    Column("training_id", ForeignKey("trainings.id"), primary_key=True),
    Column("street_code", ForeignKey("streets.code"), primary_key=True))
training_communities = Table(
    "training_communities", db.metadata,
    Column("training_id", ForeignKey("trainings.id"), primary_key=True),
    Column("community_code", ForeignKey("communities.code"), primary_key=True))


class Training(RecordMixin, db.Model):
    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    trainer: Mapped[str] = mapped_column(String(100), default="")
    attendees: Mapped[int] = mapped_column(default=0)

    streets: Mapped[list[Street]] = relationship(secondary=training_streets,
                                                 order_by=Street.code)
    communities: Mapped[list[Community]] = relationship(secondary=training_communities,
                                                        order_by=Community.code)

    @property
    def street_codes(self) -> list[str]:
        return [s.code for s in self.streets]

    @property
    def community_codes(self) -> list[str]:
        return [c.code for c in self.communities]


class Event(RecordMixin, db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    street_code: Mapped[str | None] = mapped_column(ForeignKey("streets.code"), index=True)
    community_code: Mapped[str | None] = mapped_column(ForeignKey("communities.code"),
                                                       index=True)
    participants: Mapped[int] = mapped_column(default=0)
    signups_registered: Mapped[int] = mapped_column(default=0)
    signups_verified: Mapped[int] = mapped_column(default=0)


class ServiceGroup(RecordMixin, db.Model):
    __tablename__ = "service_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(32))
    street_code: Mapped[str | None] = mapped_column(ForeignKey("streets.code"), index=True)
    community_code: Mapped[str | None] = mapped_column(ForeignKey("communities.code"),
                                                       index=True)
    members: Mapped[int] = mapped_column(default=0)
    created_on: Mapped[dt.date] = mapped_column(index=True)
    closed_on: Mapped[dt.date | None]


class Case(RecordMixin, db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"), index=True)
    published_on: Mapped[dt.date] = mapped_column(index=True)
    url: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(Text, default="")


class DemoCommunity(RecordMixin, db.Model):
    """A designation as an online-deliberation demo community; ending it keeps the row."""

    __tablename__ = "demo_communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"), index=True)
    designated_on: Mapped[dt.date]
    undesignated_on: Mapped[dt.date | None]
    note: Mapped[str] = mapped_column(Text, default="")


class InteractionDay(RecordMixin, db.Model):
    """The platform's district-wide interactions on one day; posting a day again replaces it."""

    __tablename__ = "interaction_days"
    __table_args__ = (Index("uq_interaction_days_date_live", "date", unique=True,
                            sqlite_where=text("deleted_at IS NULL"),
                            postgresql_where=text("deleted_at IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date]
    views: Mapped[int] = mapped_column(default=0)
    likes: Mapped[int] = mapped_column(default=0)
    comments: Mapped[int] = mapped_column(default=0)
