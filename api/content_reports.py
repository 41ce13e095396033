"""Monthly and quarterly operations reports of a content contract: drafted and written by the
team, issued by the editors' lead, made as a job, downloaded by the contract's members."""

from flask import send_file

from api.auth import contract_workers, current_user
from api.blueprint import Blueprint
from api.compliance import contract_readers
from api.schemas.common import page_of
from api.schemas.content_reports import (
    ContentReportArgs,
    ContentReportCreateSchema,
    ContentReportSchema,
    SectionsSchema,
)
from service.reports import content
from service.reports.term import APPENDIX

blp = Blueprint("content_reports", __name__, url_prefix="/api/v1/reports/content",
                description="运营数据分析报告 of a content contract, monthly or quarterly (and the "
                            "mid-term and final reports, service/reports/term.py): ① users "
                            "and ② content computed from the channel and publication metrics, "
                            "③ lessons and ④ plan written by the team; a Word document (a PDF "
                            "where LibreOffice is installed) and its figures as a workbook")


@blp.route("", methods=["POST"])
@contract_workers
@blp.arguments(ContentReportCreateSchema)
@blp.response(201, ContentReportSchema)
def create_report(data):
    """Create the draft report of a period (admins, the editors' lead); 409 if it exists."""
    return content.create_report(actor=current_user(), **data)


@blp.route("")
@contract_readers
@blp.arguments(ContentReportArgs, location="query")
@blp.response(200, page_of(ContentReportSchema))
def list_reports(args):
    """A contract's reports, by period (its members)."""
    return content.list_reports(current_user(), **args)


@blp.route("/<id:report_id>")
@contract_readers
@blp.response(200, ContentReportSchema)
def get_report(report_id):
    """One report with its written sections and the job of its files."""
    return content.get_report(current_user(), report_id)


@blp.route("/<id:report_id>/sections", methods=["PUT"])
@contract_workers
@blp.arguments(SectionsSchema)
@blp.response(200, ContentReportSchema)
def write_sections(data, report_id):
    """Write ③ lessons learned and ④ next period's plan (admins, the editors' lead); refused
    once the report is issued (409)."""
    return content.write_sections(actor=current_user(), report_id=report_id, **data)


@blp.route("/<id:report_id>/issue", methods=["POST"])
@contract_workers
@blp.response(202, ContentReportSchema)
def issue_report(report_id):
    """Issue the report and queue the making of its files (admins, the editors' lead); 409
    naming the written sections still empty, or when already issued."""
    return content.issue_report(actor=current_user(), report_id=report_id), 202


@blp.route("/<id:report_id>.<regex('docx|xlsx|pdf|json'):fmt>")
@contract_readers
@blp.response(200, {"format": "binary", "type": "string"})
def download(report_id, fmt):
    """An issued report's document, workbook, PDF or manifest (members of its contract); 409
    while not issued or its files are being made."""
    return _sent(content.content_report_file(current_user(), report_id, fmt))


@blp.route("/<id:report_id>/appendix.xlsx")
@contract_readers
@blp.response(200, {"format": "binary", "type": "string"})
def download_appendix(report_id):
    """The appendix workbook of an issued mid-term or final report: the editing log, every
    signature of the review chain on each version published in its span (members of its
    contract); 404 for the other kinds."""
    return _sent(content.content_report_file(current_user(), report_id, APPENDIX))


def _sent(found):
    path, name, mimetype = found
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name,
                     conditional=True, max_age=0)
