"""Accounts, their roles, and the login attempts used to slow down password guessing."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow


class Role(StrEnum):
    ADMIN = "admin"
    LIAISON = "liaison"
    OFFICIAL = "official"
    # A community's secretary or staff member: reads their own community's figures and
    # workbooks, nothing else.
    COMMUNITY = "community"
    # An account that works only on contracts of its own (the 2023 content contract's editors
    # and the client's reviewers): it has a role in each contract it belongs to, none in the
    # district's promotion work.
    CONTENT = "content"


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # A community account is bound to one community, and only a community account is.
        CheckConstraint("(role = 'community') = (community_code IS NOT NULL)",
                        name="community_bound"),
        # Only an official is scoped to a district; one without reads the whole city.
        CheckConstraint("district_code IS NULL OR role = 'official'", name="district_official"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped when the password changes or the account is disabled, so issued tokens stop working.
    token_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    phone: Mapped[str | None] = mapped_column(String(32))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when someone else chose the password (an admin's reset or a new account): the user
    # may do nothing but set a new one until they have.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The community a community account belongs to (several accounts may share one).
    community_code: Mapped[str | None] = mapped_column(
        String(12), ForeignKey("communities.code"), index=True)
    # The district an official reads (None: every district held, the city's view).
    district_code: Mapped[str | None] = mapped_column(
        String(12), ForeignKey("districts.code"), index=True)
    # Where the weekly workbook is e-mailed, when SMTP is configured.
    email: Mapped[str | None] = mapped_column(String(254))

    # A community account's community (loaded with the account: its pages show the name;
    # not joined, since a row locked FOR UPDATE cannot be outer-joined on PostgreSQL).
    community: Mapped["Community | None"] = relationship(  # noqa: F821
        viewonly=True, lazy="selectin")

    # Every assignment the user had or has (a liaison's streets and communities), read only.
    assignments: Mapped[list["Assignment"]] = relationship(  # noqa: F821
        viewonly=True, order_by="Assignment.start_date")


class LoginAttempt(db.Model):
    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    succeeded: Mapped[bool]
