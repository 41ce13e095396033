"""Channel metrics of a content contract (issue #18 point 2): each channel's daily snapshot
(followers and the day's flows) and each publication's (reads, shares, likes), and the record
of every entry or import that wrote them. One snapshot per channel (or publication) and day:
a later one replaces it, the import records keep who wrote what when, and the audit keeps the
replaced figures."""

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.user import User

CHANNEL_FIGURES = ("followers", "new_followers", "unfollows", "reads", "shares", "interactions")
# Where the day's new followers came from, as WeChat's 用户增长 export splits them (None: the
# export did not say).
FOLLOWER_SOURCES = ("search", "qr_code", "article", "card", "video", "other")
PUBLICATION_FIGURES = ("reads", "shares", "likes")


def _not_negative(figures: tuple[str, ...]) -> CheckConstraint:
    return CheckConstraint(" AND ".join(f"{name} >= 0" for name in figures),
                           name="not_negative")


class MetricImport(db.Model):
    """One write of metrics: an entry by hand, a file (with its checksum) or the demo year."""

    __tablename__ = "metric_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # channel, publication
    source: Mapped[str] = mapped_column(String(16))  # api, file, demo
    filename: Mapped[str | None] = mapped_column(String(255))
    checksum: Mapped[str | None] = mapped_column(String(64))
    rows: Mapped[int]
    # Snapshots it replaced (the same channel or publication and day written before).
    replaced: Mapped[int] = mapped_column(default=0)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()

    @property
    def username(self) -> str | None:
        return self.actor.username if self.actor else None


class ChannelMetric(db.Model):
    """A channel's figures on one day: `followers` is the stock at the day's end, the others
    are the day's flows."""

    __tablename__ = "channel_metrics"
    __table_args__ = (UniqueConstraint("channel_id", "day"), _not_negative(CHANNEL_FIGURES))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("contract_channels.id"))
    day: Mapped[dt.date] = mapped_column(index=True)
    followers: Mapped[int]
    new_followers: Mapped[int]
    unfollows: Mapped[int]
    reads: Mapped[int]
    shares: Mapped[int]
    interactions: Mapped[int]
    # Of new_followers, how many came from each of FOLLOWER_SOURCES (those the export gave).
    follower_sources: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    import_id: Mapped[int] = mapped_column(ForeignKey("metric_imports.id"), index=True)


class PublicationMetric(db.Model):
    """A publication's cumulative figures as the platform showed them on one day."""

    __tablename__ = "publication_metrics"
    __table_args__ = (UniqueConstraint("publication_id", "day"),
                      _not_negative(PUBLICATION_FIGURES))

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"))
    day: Mapped[dt.date] = mapped_column(index=True)
    reads: Mapped[int]
    shares: Mapped[int]
    likes: Mapped[int]
    import_id: Mapped[int] = mapped_column(ForeignKey("metric_imports.id"), index=True)
