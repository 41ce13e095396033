"""Districts (区), their streets (街道) and communities (社区), keyed by their 12-digit
statistical codes."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db

DEFAULT_RADIUS_M = 800


class District(db.Model):
    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))

    streets: Mapped[list["Street"]] = relationship(
        back_populates="district", order_by="Street.code"
    )


def district_code_of(code: str) -> str:
    """The district a street or community code lies in: its first 6 digits, then zeros."""
    return code[:6] + "000000"


class Street(db.Model):
    __tablename__ = "streets"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    district: Mapped[District] = relationship(back_populates="streets")
    communities: Mapped[list["Community"]] = relationship(
        back_populates="street", order_by="Community.code"
    )


class Community(db.Model):
    __tablename__ = "communities"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), index=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    radius_m: Mapped[int] = mapped_column(default=DEFAULT_RADIUS_M)

    street: Mapped[Street] = relationship(back_populates="communities")

    @property
    def street_name(self) -> str:
        return self.street.name
