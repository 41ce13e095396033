"""A contract with its period and its targets: data, so another year or district brings its own."""

from datetime import date

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db


class Contract(db.Model):
    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    client: Mapped[str] = mapped_column(String(200))
    contractor: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    active: Mapped[bool] = mapped_column(default=True)
    # Contract-specific rules, e.g. which visits count and each street's share of a target.
    rules: Mapped[dict] = mapped_column(JSON, default=dict)

    targets: Mapped[list["ContractTarget"]] = relationship(
        back_populates="contract", order_by="ContractTarget.position",
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
