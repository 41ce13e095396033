"""Key-content propagation reports (重点内容传播分析报告不少于5份; issue #18 point 3): a report
of kind `key_content` of the contract's content reports, about one piece of content chosen by
the team. Its drafting, written sections, issuing, job and downloads are the content reports'
(service/reports/content.py, which dispatches here by kind); this module holds what differs:
which content may be chosen, the report's days, and the figures.

The report's days: from the content's first publication day to its as-of day. The as-of day
is the day it is issued (Asia/Shanghai): a draft shows the day it was drafted, and issuing
moves it to the issue day, so that the figures are every snapshot known when the lead signed
it — and compliance counts the report in the period of that same day.

The figures, for each publication of the content (one per channel, normally): its latest
snapshot on or before the as-of day (what /publication-metrics shows), and at fixed ages after
the publication day (AGES) the latest snapshot on or before that day, beside the median of the
same figure of the channel's other publications of the same content kind at the same age (only
those that reached the age by the as-of day and have a snapshot by then; how many is stated).
"""

import re
from collections import defaultdict
from datetime import date, timedelta
from statistics import median

from sqlalchemy import select

from exports.document import RenderedReport, WrittenSection
from exports.key_content_report import (
    AgeFigures,
    ChannelReach,
    KeyContentReportData,
    render_key_content_docx,
    render_key_content_xlsx,
)
from models import Content, ContentReport, Contract, Publication, PublicationMetric, User, db
from service.clock import now_utc
from service.content.review import KINDS
from service.errors import field_error

KIND = "key_content"
AGES = (1, 3, 7, 14, 30)
SECTION_TITLES = {"lessons": "传播分析与经验", "plan": "改进建议"}


def period_label(content_id: int) -> str:
    """The report's `period`: one key-content report per piece of content."""
    return f"content-{content_id}"


def chosen_content(contract: Contract, content_id: int | None) -> tuple[Content, date]:
    """The piece of content of the contract the report is about, and its first publication
    day; 422 naming `content` when missing, of another contract or never published."""
    if content_id is None:
        raise field_error("content", "重点内容传播分析报告须指定内容（content）")
    content = db.session.get(Content, content_id)
    if content is None or content.contract_id != contract.id:
        raise field_error("content", f"该合同没有这项内容：{content_id}")
    first = db.session.scalar(select(Publication.published_on)
                              .where(Publication.content_id == content.id)
                              .order_by(Publication.published_on).limit(1))
    if first is None:
        raise field_error("content", f"该内容尚未发布，无法分析传播：{content.title}")
    return content, first


def file_stem(title: str) -> str:
    """重点内容传播分析报告_<title>, the title made safe for a file name."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "_", title).strip(" ._")[:60]
    return f"重点内容传播分析报告_{safe or 'content'}"


# ---------------------------------------------------------------- gathering

def _snapshots(publication_ids: list[int], last: date) -> dict[int, list[PublicationMetric]]:
    by_publication: dict[int, list[PublicationMetric]] = defaultdict(list)
    if publication_ids:
        for row in db.session.scalars(
                select(PublicationMetric)
                .where(PublicationMetric.publication_id.in_(publication_ids),
                       PublicationMetric.day <= last)
                .order_by(PublicationMetric.publication_id, PublicationMetric.day)):
            by_publication[row.publication_id].append(row)
    return by_publication


def _at(rows: list[PublicationMetric], day: date) -> tuple[int, int, int] | None:
    """The figures of the latest snapshot on or before `day`."""
    known = [r for r in rows if r.day <= day]
    return (known[-1].reads, known[-1].shares, known[-1].likes) if known else None


def _ages(publication: Publication, peers: list[Publication], snapshots: dict,
          as_of: date) -> list[AgeFigures]:
    ages = []
    for age in AGES:
        day = publication.published_on + timedelta(days=age)
        reached = day <= as_of
        others = [f for p in peers
                  if p.published_on + timedelta(days=age) <= as_of
                  and (f := _at(snapshots[p.id], p.published_on + timedelta(days=age)))]
        medians = tuple(median(f[i] for f in others) for i in range(3)) if others else None
        ages.append(AgeFigures(age, day, reached,
                               _at(snapshots[publication.id], day) if reached else None,
                               medians, len(others)))
    return ages


def _reach(content: Content, as_of: date) -> list[ChannelReach]:
    """The content's publications up to the as-of day, in the channels' order, each with its
    figures and its channel's peers of the same kind."""
    contract = content.contract
    order = {c.key: (c.position, c.id) for c in contract.channels}
    names = {c.key: c.platform for c in contract.channels}
    rows = db.session.execute(
        select(Publication).join(Content, Content.id == Publication.content_id)
        .where(Publication.contract_id == contract.id, Content.kind == content.kind,
               Publication.published_on <= as_of)
        .order_by(Publication.published_on, Publication.id)).scalars().all()
    own = sorted((p for p in rows if p.content_id == content.id),
                 key=lambda p: (order.get(p.channel, (999, 0)), p.published_on, p.id))
    snapshots = _snapshots([p.id for p in rows], as_of)
    twice = {p.channel for p in own if sum(q.channel == p.channel for q in own) > 1}
    reach = []
    for publication in own:
        peers = [p for p in rows
                 if p.channel == publication.channel and p.content_id != content.id]
        name = names.get(publication.channel, publication.channel)
        if publication.channel in twice:
            name = f"{name}（{publication.published_on:%Y-%m-%d}）"
        latest = snapshots[publication.id]
        reach.append(ChannelReach(
            name, publication.published_on, publication.url,
            latest[-1].day if latest else None, _at(latest, as_of), len(peers),
            _ages(publication, peers, snapshots, as_of)))
    return reach


def gather(report: ContentReport, _asker: User) -> KeyContentReportData:
    """Every figure of a key-content report, read in the caller's transaction (its figures
    are the publications', the same to every member)."""
    contract, content = report.contract, report.content
    writer = report.sections_by.display_name if report.sections_by else ""
    return KeyContentReportData(
        contract.name, contract.client, contract.contractor or "", content.title,
        KINDS.get(content.kind, content.kind), report.period_start, report.period_end,
        now_utc(), _reach(content, report.period_end),
        WrittenSection(SECTION_TITLES["lessons"], report.lessons),
        WrittenSection(SECTION_TITLES["plan"], report.plan), writer, report.sections_at)


def render(data: KeyContentReportData) -> RenderedReport:
    """The document and the workbook of its figures."""
    return RenderedReport(file_stem(data.title), {
        ".docx": render_key_content_docx(data), ".xlsx": render_key_content_xlsx(data)}, {
        "report": data.report_title, "contract": data.contract, "content": data.title,
        "from": data.start.isoformat(), "to": data.end.isoformat(),
        "generated_at": data.generated_at.isoformat()})
