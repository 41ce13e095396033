"""A week's stored workbooks and zip, for download by those who may read them. Nothing is
rendered here: files come from the latest finished set of the district they belong to (see
runs): the zip and the district's workbook of the district asked for (the only one, while one
is held), a street's or community's of the district it lies in."""

from pathlib import Path

from sqlalchemy import func, select

from models import Community, District, Role, User, db
from service.clock import local_today
from service.district.assignments import assigned_community_codes
from service.district.scope import district_of, one_district, require_in_district
from service.errors import NotFoundError, PermissionDeniedError
from service.reports.runs import stored_file, stored_set
from service.transaction import reader

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


def _require_reader(actor: User, community_code: str | None = None) -> None:
    """Admins and officials read every workbook; a liaison only their communities'."""
    if actor.role in (Role.ADMIN, Role.OFFICIAL):
        return
    if community_code is not None and db.session.scalar(
            select(func.count()).where(Community.code == community_code,
                                       Community.code.in_(assigned_community_codes(
                                           actor, local_today())))):
        return
    raise PermissionDeniedError("只能下载自己负责社区的周报")


def _district_of_file(kind: str, code: str | None, actor: User,
                      district: str | None) -> District:
    """Whose set serves the file: the district asked for (zip, district), or the one the
    street or community lies in; a district official reaches only their own."""
    if kind in ("zip", "district"):
        return one_district(actor, district)
    place = {"street": {"street_code": code}, "community": {"community_code": code}}[kind]
    found = district_of(**place)
    if found is None:
        raise NotFoundError({"street": "街道不存在", "community": "社区不存在"}[kind] + f"：{code}")
    if actor.role == Role.OFFICIAL:
        require_in_district(actor.district_code, **place)
    return db.session.get(District, found)


def _several_districts() -> bool:
    return (db.session.scalar(select(func.count()).select_from(District)) or 0) > 1


@reader
def stored_download(label: str, kind: str, code: str | None, *, actor: User,
                    district: str | None = None) -> tuple[Path, str, str]:
    """The file to send (zip, district, street or community), its download name and type."""
    _require_reader(actor, code if kind == "community" else None)
    held = _district_of_file(kind, code, actor, district)
    path = stored_file(stored_set(label, held.code), kind, code)
    # With several districts held, the zip and the district's workbook say whose they are.
    named = f"_{held.name}" if kind in ("zip", "district") and _several_districts() else ""
    if kind == "zip":
        return path, f"{path.stem}{named}{path.suffix}", ZIP
    return path, f"{label}{named}_{path.name}", XLSX
