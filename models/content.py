"""Content of a contract with member roles (the 2023 content contract): each piece, its
versions (identified by SHA-256), the signatures of its review chain and its publications."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow


class Content(db.Model):
    """A piece of content: what it is and where it is meant to go. Its text lives in its
    versions; `status` and `next_level` describe its current (latest) version."""

    __tablename__ = "content"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))  # the current version's
    kind: Mapped[str] = mapped_column(String(16))  # article, repost, infographic, ...
    original: Mapped[bool] = mapped_column(default=False)
    column: Mapped[str] = mapped_column(String(64), default="")  # 栏目
    channels: Mapped[list] = mapped_column(JSON, default=list)  # channel keys of the contract
    # The monthly theme (每月一题) it serves, a theme of the same contract; None: none.
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"), index=True)
    # The day it is planned to go out (Asia/Shanghai), for the calendar; None: not scheduled.
    planned_on: Mapped[date | None] = mapped_column(index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # draft, in_review, returned, approved, published (of the current version)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # The level of the chain the current version waits for, and its role (None: none).
    next_level: Mapped[str | None] = mapped_column(String(32))
    next_role: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped["Contract"] = relationship()  # noqa: F821 (models.contract)
    author: Mapped["User"] = relationship()  # noqa: F821 (models.user)
    theme: Mapped["Theme | None"] = relationship()  # noqa: F821 (models.themes)
    versions: Mapped[list["ContentVersion"]] = relationship(
        back_populates="content", order_by="ContentVersion.number")


class ContentVersion(db.Model):
    """One state of a piece's text and attachment, identified by its SHA-256, with the
    automatic check's findings on it. Never changed once made."""

    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("content_id", "number", name="uq_content_versions_number"),
                      UniqueConstraint("content_id", "sha256", name="uq_content_versions_sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content.id"), index=True)
    number: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    attachment: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment_size: Mapped[int | None]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The automatic check (一审): which checker, when, and what it found.
    checker: Mapped[str | None] = mapped_column(String(32))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    findings: Mapped[list] = mapped_column(JSON, default=list)

    content: Mapped[Content] = relationship(back_populates="versions")
    author: Mapped["User"] = relationship()  # noqa: F821 (models.user)
    reviews: Mapped[list["ContentReview"]] = relationship(
        back_populates="version", order_by="ContentReview.position",
        foreign_keys="ContentReview.version_id")


class ContentReview(db.Model):
    """One level of the chain signed for one version: by whom, in which role, pass or return,
    notes and the checklist's answers. Voided (never deleted) when a new version is made."""

    __tablename__ = "content_reviews"
    # One signature per level and one level per person, of each version.
    __table_args__ = (UniqueConstraint("version_id", "level", name="uq_content_reviews_level"),
                      UniqueConstraint("version_id", "signer_id",
                                       name="uq_content_reviews_signer"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id"), index=True)
    level: Mapped[str] = mapped_column(String(32))  # the key of the chain's level
    level_name: Mapped[str] = mapped_column(String(32))  # 一审 …
    position: Mapped[int]  # the level's place in the chain, from 0
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(8))  # pass, return
    notes: Mapped[str] = mapped_column(Text, default="")
    checklist: Mapped[list] = mapped_column(JSON, default=list)  # [{item, checked}]
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_version_id: Mapped[int | None] = mapped_column(ForeignKey("content_versions.id"))

    version: Mapped[ContentVersion] = relationship(back_populates="reviews",
                                                   foreign_keys=[version_id])
    signer: Mapped["User"] = relationship()  # noqa: F821 (models.user)


class Publication(db.Model):
    """A version published on one channel: when, where (URL), by whom recorded. It counts for
    the day it was published in Asia/Shanghai (`published_on`)."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("version_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_on: Mapped[date] = mapped_column(index=True)
    url: Mapped[str] = mapped_column(String(2000))
    screenshot: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    screenshot_type: Mapped[str | None] = mapped_column(String(32))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    content: Mapped[Content] = relationship()
    version: Mapped[ContentVersion] = relationship()
    recorded_by: Mapped["User"] = relationship()  # noqa: F821 (models.user)
