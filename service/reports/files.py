"""A week's workbooks: their file names, the parts they render in, and files written so that
no reader ever sees a partial one."""

import io
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from exports.weekly import (
    CommunityReport,
    SummaryReport,
    render_community_workbook,
    render_summary_workbook,
)
from service.reports.gathering import WeekReports

# Workbooks in one part at most: parts of a street spread over the consumers, and none holds
# a consumer for long.
PART_SIZE = 40


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


def workbook_parts(reports: WeekReports, size: int | None = None) -> list[list]:
    """A week's workbooks split into parts that render independently: each street's
    communities (at most `size` a part) with the street's own workbook, and the district's.
    Parts carry the gathered figures, so rendering reads nothing more from the database."""
    size = size or PART_SIZE
    by_street: dict[str, list] = {}
    for report in reports.communities.values():
        by_street.setdefault(report.street_code, []).append(
            (community_filename(report), report))
    parts = []
    for code, street in reports.streets.items():
        jobs = by_street.pop(code, []) + [(street_filename(street), street)]
        parts.extend(jobs[i:i + size] for i in range(0, len(jobs), size))
    for jobs in by_street.values():  # communities of a street without a summary (none today)
        parts.extend(jobs[i:i + size] for i in range(0, len(jobs), size))
    parts.append([("district.xlsx", reports.district)])
    return parts


def write_part(directory: Path, part: list) -> int:
    """Render a part's workbooks and write each under `directory`; how many were written."""
    for job in part:
        name, data = render_job(job)
        _write_file(directory / name, data)
    return len(part)


@contextmanager
def replacing(path: Path) -> Iterator[io.BufferedWriter]:
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


def remove_temporaries(directory: Path) -> None:
    """Remove what `replacing` left of files whose writer was killed mid-way (a terminated
    render process runs no cleanup of its own)."""
    for leftover in directory.rglob(".*.tmp"):
        leftover.unlink(missing_ok=True)


def _write_file(path: Path, data: bytes) -> None:
    with replacing(path) as handle:
        handle.write(data)
