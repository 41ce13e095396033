"""The compliance report of a content contract (issue #17 point 7), for its members: each
obligation in each period of a date range, what was required, what was published and whether
the floor was met, with a summary per obligation. The engine (`compliance.py`) counts; this
reads the contract's publications (one query) and its themes, and hands them over."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from models import (
    Content,
    ContentReport,
    ContentReportStatus,
    Contract,
    Publication,
    Theme,
    ThemeStatus,
    User,
    db,
)
from service.clock import local_date, local_today
from service.content.compliance import (
    ComplianceResult,
    ComplianceSummary,
    PublicationFact,
    ReportFact,
    ThemeFact,
    evaluate,
    periods_overlapping,
    summarize,
)
from service.district.contract_content import PERIODS
from service.district.contract_members import require_member
from service.district.contracts import find_contract
from service.errors import field_error
from service.transaction import reader

# The longest range one report covers (a contract's year and some).
MAX_DAYS = 400


@dataclass(frozen=True)
class ComplianceReport:
    contract: Contract
    start: date
    end: date
    today: date
    items: list[ComplianceResult]
    summary: list[ComplianceSummary]

    def as_dict(self) -> dict:
        c = self.contract
        return {"contract": {"key": c.key, "name": c.name, "client": c.client,
                             "start": c.start_date.isoformat(), "end": c.end_date.isoformat()},
                "from": self.start.isoformat(), "to": self.end.isoformat(),
                "today": self.today.isoformat(),
                "items": [r.as_dict() for r in self.items],
                "summary": [s.as_dict() for s in self.summary]}


def _range(contract: Contract, start: date | None, end: date | None) -> tuple[date, date]:
    """The range asked for, by default the contract's term; within the term, in order, at
    most MAX_DAYS days."""
    start = start or contract.start_date
    end = end or contract.end_date
    term = f"（合同期 {contract.start_date} 至 {contract.end_date}）"
    if not contract.start_date <= start <= contract.end_date:
        raise field_error("from", f"开始日期不在合同期内{term}：{start}")
    if not contract.start_date <= end <= contract.end_date:
        raise field_error("to", f"结束日期不在合同期内{term}：{end}")
    if end < start:
        raise field_error("to", "结束日期不能早于开始日期")
    if (end - start).days + 1 > MAX_DAYS:
        raise field_error("to", f"日期范围最多 {MAX_DAYS} 天")
    return start, end


def _span(contract: Contract, start: date, end: date, period: str | None) -> tuple[date, date]:
    """Every day the periods overlapping the range cover (a week or a year reaches beyond
    the range asked): the publications read."""
    kinds = [period] if period else PERIODS
    spans = [p for kind in kinds for p in periods_overlapping(contract, kind, start, end)]
    return (min([start, *(p.start for p in spans)]),
            max([end, *(p.end for p in spans)]))


def _publication_facts(contract: Contract, first: date, last: date) -> tuple[list, dict]:
    """The contract's publications from `first` to `last` (local days), joined with their
    content for kind, originality and theme, in one query; and by theme, the ids of those
    published in the theme's month."""
    rows = db.session.execute(
        select(Publication.id, Publication.channel, Publication.published_on, Content.kind,
               Content.original, Content.theme_id, Publication.content_id)
        .join(Content, Content.id == Publication.content_id)
        .where(Publication.contract_id == contract.id, Publication.published_on >= first,
               Publication.published_on <= last)
        .order_by(Publication.published_on, Publication.published_at, Publication.id)).all()
    facts, by_theme = [], {}
    for row in rows:
        facts.append(PublicationFact(row.id, row.channel, row.published_on, row.kind,
                                     row.original, row.content_id))
        if row.theme_id is not None:
            by_theme.setdefault(row.theme_id, []).append((row.published_on, row.id))
    return facts, by_theme


def _theme_facts(contract: Contract, by_theme: dict) -> list[ThemeFact]:
    themes = db.session.scalars(select(Theme).where(Theme.contract_id == contract.id)
                                .order_by(Theme.month))
    return [ThemeFact(t.id, t.month, t.status == ThemeStatus.DELIVERED,
                      tuple(i for day, i in by_theme.get(t.id, ())
                            if f"{day:%Y-%m}" == t.month))
            for t in themes]


# How each kind of issued content report counts (service/reports/content.py): what it counts
# and the period kind it is counted for (None: by its issue day, in any period).
REPORT_COUNTS = {"monthly": ("data_reports", "month"), "quarterly": ("data_reports", "quarter"),
                 "key_content": ("key_content_reports", None)}


def _report_facts(contract: Contract) -> list[ReportFact]:
    """The contract's issued reports: a data report over the period it covers, a key-content
    report on its issue day (Asia/Shanghai)."""
    facts = []
    for report in db.session.scalars(
            select(ContentReport).where(ContentReport.contract_id == contract.id,
                                        ContentReport.status == ContentReportStatus.ISSUED,
                                        ContentReport.kind.in_(REPORT_COUNTS))
            .order_by(ContentReport.id)):
        counts, period = REPORT_COUNTS[report.kind]
        if period is None:
            day = local_date(report.issued_at)
            facts.append(ReportFact(report.id, counts, f"{day:%Y-%m-%d} 签发", day, day))
        else:
            facts.append(ReportFact(report.id, counts, report.period, report.period_start,
                                    report.period_end, period))
    return facts


@reader
def compliance_report(viewer: User, *, contract: str, start: date | None = None,
                      end: date | None = None, period: str | None = None,
                      channel: str | None = None, today: date | None = None
                      ) -> ComplianceReport:
    """For a member of the contract (to anyone else it does not exist): each obligation in
    each of its periods overlapping `start` → `end` (default: the term), optionally only
    those of one period kind or naming one channel, counted against the contract's
    publications and themes, as of `today` (Asia/Shanghai)."""
    found = find_contract(contract)
    require_member(viewer, found)
    if not found.obligations:
        raise field_error("contract", f"该合同没有发布义务可统计：{contract}")
    today = today or local_today()
    start, end = _range(found, start, end)
    if period is not None and period not in PERIODS:
        raise field_error("period", f"周期无效：{period}（可用：{'、'.join(PERIODS)}）")
    first, last = _span(found, start, end, period)
    facts, by_theme = _publication_facts(found, first, last)
    items = evaluate(found, found.obligations, facts, start=start, end=end, today=today,
                     period=period, channel=channel, themes=_theme_facts(found, by_theme),
                     reports=_report_facts(found))
    return ComplianceReport(found, start, end, today, items, summarize(items))
