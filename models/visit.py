"""Field visits (社区实地走访) and the problems (问题对接) liaisons take from communities."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.district import Community
from models.user import User


class InCommunity:
    """A record that belongs to one community, with that community's name and street at hand."""

    community: Community

    @property
    def community_name(self) -> str:
        return self.community.name

    @property
    def street_code(self) -> str:
        return self.community.street_code


class Visit(InCommunity, db.Model):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_community_visited", "community_code", "visited_at"),
        Index("ix_visits_user_visited", "user_id", "visited_at"),
        Index("ix_visits_visited", "visited_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made on the phone; unique, so a retried or re-synced visit is stored once.
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    # A digest of what the phone first sent, to tell a retry from a different visit.
    content_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    fix_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purpose: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    people_met: Mapped[int] = mapped_column(default=0)
    new_registrations: Mapped[int] = mapped_column(default=0)
    distance_m: Mapped[float | None]
    location_basis: Mapped[str | None] = mapped_column(String(16))
    location_check: Mapped[str] = mapped_column(String(16), index=True)
    review_status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    review_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    community: Mapped[Community] = relationship()

    # Not stored: whether the visit counts toward the contract, as the contract's rule says
    # (service.fieldwork.visits.CountingRule); set by the use cases that answer with visits.
    standing = None

    @property
    def username(self) -> str:
        return self.user.username


class Problem(InCommunity, db.Model):
    __tablename__ = "problems"
    __table_args__ = (Index("ix_problems_community_status", "community_code", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolution: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    community: Mapped[Community] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def created_by_username(self) -> str:
        return self.created_by.username
