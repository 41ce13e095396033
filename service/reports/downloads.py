"""One workbook or a whole week's zip, for download by those who may read them."""

import io
import time as clock
import zipfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from models import Community, Role, User, db
from service.clock import local_today
from service.district.assignments import assigned_community_codes
from service.errors import NotFoundError, PermissionDeniedError
from service.reports.files import (
    community_filename,
    render_all,
    render_job,
    street_filename,
    workbook_jobs,
)
from service.reports.gathering import gather_week
from service.reports.ledger import record_run
from service.transaction import writer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def _one_job(report, missing: str, filename) -> tuple[str, object]:
    if report is None:
        raise NotFoundError(missing)
    return filename(report), report


@writer
def workbook_for(label: str, kind: str, code: str | None, *, actor: User,
                 now: datetime | None = None) -> tuple[str, bytes]:
    """One workbook of a week (community, street or district), for download."""
    _require_reader(actor, code if kind == "community" else None)
    began = clock.perf_counter()
    reports = gather_week(label, now=now)
    if kind == "community":
        job = _one_job(reports.communities.get(code), f"社区不存在：{code}", community_filename)
    elif kind == "street":
        job = _one_job(reports.streets.get(code), f"街道不存在：{code}", street_filename)
    else:
        job = ("district.xlsx", reports.district)
    name, data = render_job(job)
    record_run(reports.week, kind, 1, clock.perf_counter() - began, actor, now)
    return f"{label}_{Path(name).name}", data


@writer
def zip_for(label: str, *, actor: User, processes: int = 1,
            now: datetime | None = None) -> tuple[str, bytes]:
    """Every workbook of a week in one zip, for download (rendered in the web worker itself,
    so that concurrent downloads do not fork more renderers than there are cores)."""
    _require_reader(actor)
    began = clock.perf_counter()
    reports = gather_week(label, now=now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        count = 0
        for name, data in render_all(workbook_jobs(reports, None), processes):
            archive.writestr(name, data)
            count += 1
    record_run(reports.week, "all", count + 1, clock.perf_counter() - began, actor, now)
    return f"{label}.zip", buffer.getvalue()

