"""Rendering a week's workbooks (on several processes when asked) and writing them, with their
zip, so that no reader ever sees a partial file."""

import io
import os
import re
import secrets
import time as clock
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

from exports.weekly import (
    CommunityReport,
    SummaryReport,
    render_community_workbook,
    render_summary_workbook,
)
from models import User
from service.errors import field_error
from service.reports.gathering import WeekReports, gather_week
from service.reports.ledger import record_run
from service.transaction import writer


@dataclass
class GenerationResult:
    week: str
    directory: Path
    files: int
    seconds: float


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)


def community_filename(report: CommunityReport) -> str:
    return f"communities/{report.community_code}_{_safe(report.community_name)}.xlsx"


def street_filename(report: SummaryReport) -> str:
    return f"streets/{report.code}_{_safe(report.name)}.xlsx"


def render_job(job: tuple[str, object]) -> tuple[str, bytes]:
    """A workbook's file name and bytes, by the kind of report it renders."""
    name, report = job
    render = render_community_workbook if isinstance(report, CommunityReport) else \
        render_summary_workbook
    return name, render(report)


def workbook_jobs(reports: WeekReports, community: str | None) -> list[tuple[str, object]]:
    if community:
        report = reports.communities.get(community)
        if report is None:
            raise field_error("community", f"未知社区编码：{community}")
        return [(community_filename(report), report)]
    return ([(community_filename(r), r) for r in reports.communities.values()]
            + [(street_filename(r), r) for r in reports.streets.values()]
            + [("district.xlsx", reports.district)])


def render_all(jobs: list[tuple[str, object]], processes: int,
               progress: Callable[[Iterable], Iterable] = iter) -> Iterable[tuple[str, bytes]]:
    """Render workbooks, on several processes when asked (openpyxl is CPU-bound)."""
    if processes <= 1 or len(jobs) < 8:
        yield from progress(map(render_job, jobs))
        return
    with get_context("fork").Pool(processes) as pool:
        yield from progress(pool.imap(render_job, jobs, chunksize=8))



@contextmanager
def _replacing(path: Path) -> Iterator[io.BufferedWriter]:
    """A file written under a temporary name beside `path` and moved over it only once
    complete: readers never see a partial file, and on failure the temporary file is removed
    and the previous file stays as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Same directory, so that os.replace is an atomic rename; a name of our own rather than
    # mkstemp's, so that the file gets the usual umask permissions instead of 0600.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())  # the data is on disk before the name points at it
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_file(path: Path, data: bytes) -> None:
    with _replacing(path) as handle:
        handle.write(data)


def _write_files(directory: Path, rendered: Iterable[tuple[str, bytes]]) -> int:
    count = 0
    for name, data in rendered:
        _write_file(directory / name, data)
        count += 1
    return count


def _write_files_and_zip(directory: Path, archive_path: Path,
                         rendered: Iterable[tuple[str, bytes]]) -> int:
    """Each workbook and the zip of them all; the zip replaces the previous one only when every
    workbook has been rendered, written and added."""
    count = 0
    with _replacing(archive_path) as handle, \
            zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in rendered:
            _write_file(directory / name, data)
            archive.writestr(name, data)
            count += 1
    return count + 1


@writer
def generate_week(label: str, *, out_dir: Path, actor: User | None = None,
                  community: str | None = None, processes: int = 2,
                  progress: Callable[[Iterable], Iterable] = iter,
                  now: datetime | None = None) -> GenerationResult:
    """Write a week's workbooks (all of them and their zip, or one community's) under
    out_dir/<week>/, each file replaced only once complete, and record the generation."""
    began = clock.perf_counter()
    reports = gather_week(label, now=now)
    directory = out_dir / reports.week.label
    jobs = workbook_jobs(reports, community)
    # closing(): on a failure the renderers' pool is shut down at once, not when collected.
    with closing(render_all(jobs, processes, progress)) as rendered:
        if community:
            count = _write_files(directory, rendered)
        else:
            count = _write_files_and_zip(directory, directory / f"{reports.week.label}.zip",
                                         rendered)
    seconds = clock.perf_counter() - began
    record_run(reports.week, "community" if community else "all", count, seconds, actor, now)
    return GenerationResult(reports.week.label, directory, count, seconds)

