"""The mid-term report (中期报告, due 2024-01-15 for the 2023 contract) and the final summary
(项目总结报告) of a content contract (issue #18 point 3): kinds `midterm` and `final` of the
content reports, drafted, written (③ ④) and issued like the monthly ones (service/reports/
content.py dispatches here by kind), made by the same job.

Their spans are fixed by the contract, one report of each per contract:
- midterm: the term's first half — from its start to the end of the month its middle day falls
  in (2023-07-01 → 2023-12-31 for the 2023 contract: the data before the report is due);
- final: the whole term, start → end.

What they hold: the growth KPIs as GET /compliance/growth answers them on the span's last day,
every obligation's compliance over the span as GET /compliance summarizes the same days, the
written sections, the complete list of publications per channel with their links, and — as a
separate appendix workbook — the editing log: every signature of the review chain on each
version published in the span."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exports.document import RenderedReport, WrittenSection
from exports.term_report import (
    TERM_TITLES,
    ChannelPublications,
    KpiLine,
    PublicationLine,
    SignatureLine,
    TermReportData,
    render_signatures_xlsx,
    render_term_report_docx,
    render_term_report_xlsx,
)
from models import (
    Content,
    ContentReport,
    ContentReview,
    ContentVersion,
    Contract,
    Publication,
    User,
    db,
)
from service.clock import now_utc
from service.content.growth import growth_report
from service.content.review import DECISIONS, KINDS
from service.district.contract_members import MEMBER_ROLE_LABELS, MemberRole

# The kinds, and the label of their span (the report's `period`).
TERM_KINDS = {"midterm": "中期", "final": "全期"}
SECTION_TITLES = {"midterm": {"lessons": "经验总结", "plan": "下一步工作计划"},
                  "final": {"lessons": "经验总结", "plan": "工作建议"}}
DECISION_LABELS = dict(zip(DECISIONS, ("通过", "退回"), strict=True))
APPENDIX = "appendix"  # the download format of the appendix workbook
APPENDIX_ENDING = "_附件_编辑审校记录.xlsx"


def term_span(contract: Contract, kind: str) -> tuple[str, date, date]:
    """The report's label and days: the term's first half to the end of its middle day's
    month (midterm), or the whole term (final)."""
    start, end = contract.start_date, contract.end_date
    if kind == "final":
        return TERM_KINDS[kind], start, end
    middle = start + (end - start) // 2
    month_end = (middle.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return TERM_KINDS[kind], start, min(month_end, end)


def _stem(kind: str, start: date, end: date) -> str:
    return f"{TERM_TITLES[kind]}_{start:%Y%m%d}-{end:%Y%m%d}"


def file_names(kind: str, start: date, end: date) -> dict[str, str]:
    """The files' names by download format (the PDF's and the manifest's included)."""
    stem = _stem(kind, start, end)
    return {"docx": f"{stem}.docx", "xlsx": f"{stem}.xlsx", "pdf": f"{stem}.pdf",
            APPENDIX: f"{stem}{APPENDIX_ENDING}", "json": "manifest.json"}


# ---------------------------------------------------------------- gathering

def _kpis(asker: User, contract: Contract, end: date) -> tuple[list[KpiLine], dict]:
    growth = growth_report(asker, contract=contract.key, as_of=end)
    return [KpiLine(k["name"], k["baseline"], k["current"], k["growth"], k["growth_required"],
                    k["target"], k["projected"], k["behind"]) for k in growth["kpis"]], growth


def _published(contract: Contract, start: date, end: date) -> list[Publication]:
    """The contract's publications of the span with their version and content, in order."""
    return list(db.session.scalars(
        select(Publication).where(Publication.contract_id == contract.id,
                                  Publication.published_on >= start,
                                  Publication.published_on <= end)
        .options(selectinload(Publication.version), selectinload(Publication.content))
        .order_by(Publication.published_on, Publication.published_at, Publication.id)))


def _by_channel(contract: Contract, publications: list[Publication]) -> list[ChannelPublications]:
    """Every channel of the contract in its order (one without publications too), then any
    channel key a publication names that the contract no longer lists."""
    grouped: dict[str, list[PublicationLine]] = defaultdict(list)
    for p in publications:
        grouped[p.channel].append(PublicationLine(p.published_on, p.version.title,
                                                  KINDS.get(p.content.kind, p.content.kind),
                                                  p.url))
    channels = sorted(contract.channels, key=lambda c: (c.position, c.id))
    known = [c.key for c in channels]
    names = {c.key: c.platform for c in channels}
    return [ChannelPublications(names.get(key, key), grouped.get(key, []))
            for key in known + sorted(set(grouped) - set(known))]


def _role(role: str) -> str:
    try:
        return MEMBER_ROLE_LABELS[MemberRole(role)]
    except ValueError:
        return role


def _signatures(contract: Contract, publications: list[Publication]) -> list[SignatureLine]:
    """Every signature on each version published in the span, the versions in the order of
    their first publication, each one's levels in the chain's order."""
    platforms = {c.key: c.platform for c in contract.channels}
    where: dict[int, list[str]] = defaultdict(list)
    for p in publications:
        where[p.version_id].append(platforms.get(p.channel, p.channel))
    reviews = db.session.scalars(
        select(ContentReview).where(ContentReview.version_id.in_(list(where)))
        .options(selectinload(ContentReview.signer),
                 selectinload(ContentReview.version).selectinload(ContentVersion.content))
        .order_by(ContentReview.position, ContentReview.id))
    by_version: dict[int, list[ContentReview]] = defaultdict(list)
    for review in reviews:
        by_version[review.version_id].append(review)
    lines = []
    for version_id, channels in where.items():
        for r in by_version[version_id]:
            content: Content = r.version.content
            lines.append(SignatureLine(
                r.version.title, KINDS.get(content.kind, content.kind), r.version.number,
                "、".join(channels), r.level_name, r.signer.display_name, _role(r.role),
                r.signed_at, DECISION_LABELS.get(r.decision, r.decision), r.voided_at))
    return lines


def gather(report: ContentReport, asker: User) -> TermReportData:
    """Every figure and line of the report, read in the caller's transaction, for the member
    who asked for its files (GET /compliance and /compliance/growth answer them the same)."""
    from service.reports.content import obligation_lines  # the shared obligations' table
    contract = report.contract
    start, end = report.period_start, report.period_end
    kpis, growth = _kpis(asker, contract, end)
    publications = _published(contract, start, end)
    titles = SECTION_TITLES[report.kind]
    return TermReportData(
        contract.name, contract.client, contract.contractor or "", report.kind, report.period,
        start, end, now_utc(), kpis, growth["withheld_share"], growth["price_at_risk"],
        growth["days_left"],
        obligation_lines(contract, start, end, asker),
        WrittenSection(titles["lessons"], report.lessons),
        WrittenSection(titles["plan"], report.plan),
        report.sections_by.display_name if report.sections_by else "", report.sections_at,
        _by_channel(contract, publications), _signatures(contract, publications))


# ---------------------------------------------------------------- files

def render(data: TermReportData) -> RenderedReport:
    """The document, the workbook and the appendix workbook of the editing log."""
    return RenderedReport(_stem(data.kind, data.start, data.end), {
        ".docx": render_term_report_docx(data), ".xlsx": render_term_report_xlsx(data),
        APPENDIX_ENDING: render_signatures_xlsx(data)}, {
        "report": data.title, "contract": data.contract, "period": data.period,
        "from": data.start.isoformat(), "to": data.end.isoformat(),
        "generated_at": data.generated_at.isoformat()})


