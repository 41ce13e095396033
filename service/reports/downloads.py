"""A week's stored workbooks and zip, for download by those who may read them. Nothing is
rendered here: files come from the week's latest finished set (see runs)."""

from pathlib import Path

from sqlalchemy import func, select

from models import Community, Role, User, db
from service.clock import local_today
from service.district.assignments import assigned_community_codes
from service.errors import PermissionDeniedError
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


@reader
def stored_download(label: str, kind: str, code: str | None, *,
                    actor: User) -> tuple[Path, str, str]:
    """The file to send (zip, district, street or community), its download name and type."""
    _require_reader(actor, code if kind == "community" else None)
    path = stored_file(stored_set(label), kind, code)
    if kind == "zip":
        return path, path.name, ZIP
    return path, f"{label}_{path.name}", XLSX
