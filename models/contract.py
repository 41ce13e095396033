"""A contract with its period and its targets: data, so another year or district brings its own."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow


class Contract(db.Model):
    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    client: Mapped[str] = mapped_column(String(200))
    contractor: Mapped[str] = mapped_column(String(200), default="")
    # The roles its members may hold (the content contract's editors, reviewers …). Empty for
    # the district's promotion contracts, where an account's own role (admin, liaison,
    # official, community) is its role.
    member_roles: Mapped[list] = mapped_column(JSON, default=list)
    # The levels each version of its content is signed at before publishing, in order
    # (service/content/review_chain.py); empty: no content is reviewed under it.
    review_chain: Mapped[list] = mapped_column(JSON, default=list)
    start_date: Mapped[date]
    end_date: Mapped[date]
    active: Mapped[bool] = mapped_column(default=True)
    # Contract-specific rules, e.g. which visits count and each street's share of a target.
    rules: Mapped[dict] = mapped_column(JSON, default=dict)
    # How its messages are answered (service/messages/rules.py): the working days a reply
    # is due in, the steps each kind requires, who records each step, the platforms' own
    # reply windows. Empty: no messages are recorded under it.
    message_rules: Mapped[dict] = mapped_column(JSON, default=dict)

    targets: Mapped[list["ContractTarget"]] = relationship(
        back_populates="contract", order_by="ContractTarget.position",
        cascade="all, delete-orphan",
    )
    channels: Mapped[list["ContractChannel"]] = relationship(
        back_populates="contract", order_by="ContractChannel.position",
        cascade="all, delete-orphan",
    )
    obligations: Mapped[list["ContractObligation"]] = relationship(
        back_populates="contract", order_by="ContractObligation.position",
        cascade="all, delete-orphan",
    )

    def target(self, key: str) -> "ContractTarget | None":
        return next((t for t in self.targets if t.key == key), None)


class ContractTarget(db.Model):
    __tablename__ = "contract_targets"
    __table_args__ = (UniqueConstraint("contract_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    target: Mapped[float]
    # How the actual figure is measured: count, every_street, monthly_average, latest_value,
    # cumulative_sum, ...; `source` names what is measured.
    measure: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    # The agreement's own words for the target and the clause they come from: the execution
    # report sets the achieved figure beside them.
    commitment: Mapped[str] = mapped_column(Text, default="")
    clause: Mapped[str] = mapped_column(String(64), default="")

    contract: Mapped[Contract] = relationship(back_populates="targets")


class ContractChannel(db.Model):
    """An account the contractor runs for the client on one platform, with the hours its
    posts are meant for (the 2023 content contract's five new-media accounts)."""

    __tablename__ = "contract_channels"
    __table_args__ = (UniqueConstraint("contract_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))  # the platform: wechat, weibo, ...
    platform: Mapped[str] = mapped_column(String(64))  # its name for people: 微信公众号
    account: Mapped[str] = mapped_column(String(200))
    # [{"days": "working"|"non_working"|"all", "from": "08:00", "to": "09:00"}, ...]
    posting_windows: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # Where it came from: `file` (the contract file, which rewrites it on each load) or `api`
    # (added by hand; a reload of the file keeps it).
    origin: Mapped[str] = mapped_column(String(8), default="file")

    contract: Mapped[Contract] = relationship(back_populates="channels")


class ContractObligation(db.Model):
    """One measurable obligation: what is counted, on which channels, per which period, the
    threshold, whether it binds, and the clause it comes from."""

    __tablename__ = "contract_obligations"
    __table_args__ = (UniqueConstraint("contract_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    counts: Mapped[str] = mapped_column(String(32))  # what is counted: items, articles, ...
    channels: Mapped[list] = mapped_column(JSON, default=list)  # channel keys; [] = any
    # With several channels: does each meet the threshold, or all of them together?
    per_channel: Mapped[str] = mapped_column(String(16), default="each")
    period: Mapped[str] = mapped_column(String(16))  # day, week, month, year, term
    days: Mapped[str] = mapped_column(String(16), default="all")  # working, non_working, all
    minimum: Mapped[float | None]
    maximum: Mapped[float | None]
    mandatory: Mapped[bool] = mapped_column(default=True)
    clause: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(Text)  # the agreement's own words
    position: Mapped[int] = mapped_column(default=0)

    contract: Mapped[Contract] = relationship(back_populates="obligations")


class ContractDay(db.Model):
    """A day of a contract's term as the official calendar has it, frozen when the contract
    is loaded (so later package releases never change a past answer), or entered by an admin
    where a State Council notice came before the package."""

    __tablename__ = "contract_days"

    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # workday, adjusted_workday, weekend, holiday
    name: Mapped[str] = mapped_column(String(64), default="")  # the holiday, e.g. 国庆节
    source: Mapped[str] = mapped_column(String(64))  # chinesecalendar 1.11.0, or override


class ContractMember(db.Model):
    """An account's role in a contract that has member roles (admins belong to every
    contract without a row)."""

    __tablename__ = "contract_members"
    __table_args__ = (UniqueConstraint("contract_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped[Contract] = relationship()
    user: Mapped["User"] = relationship()  # noqa: F821 (models.user)
