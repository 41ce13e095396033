import io

from flask import send_file

from api.auth import current_user
from api.blueprint import Blueprint
from api.schemas.common import PageArgs, page_of
from api.schemas.reports import RunSchema
from service.reports import downloads, ledger

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports/weekly",
                description="Weekly operations spreadsheets (运营数据报表), ISO weeks")
WEEK = "<regex('[0-9]{4}-W[0-9]{2}'):week>"
CODE = "<regex('[0-9]{12}'):code>"


def _download(name: str, data: bytes, mimetype: str):
    # send_file writes the Chinese file name as RFC 5987 filename*=UTF-8''…
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=name)


@blp.route("")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(RunSchema))
def list_runs(args):
    """Every production of weekly spreadsheets: which week, what, by whom, when."""
    return ledger.list_runs(**args)


@blp.route(f"/{WEEK}.zip")
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/zip")
def week_zip(week):
    """All of a week's workbooks (263 communities, 15 streets, the district) in one zip."""
    name, data = downloads.zip_for(week, actor=current_user())
    return _download(name, data, "application/zip")


@blp.route(f"/{WEEK}/communities/{CODE}.xlsx")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=downloads.XLSX)
def community_workbook(week, code):
    """A community's workbook for the week."""
    return _download(*downloads.workbook_for(week, "community", code, actor=current_user()),
                     downloads.XLSX)


@blp.route(f"/{WEEK}/streets/{CODE}.xlsx")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=downloads.XLSX)
def street_workbook(week, code):
    """A street's summary workbook for the week."""
    return _download(*downloads.workbook_for(week, "street", code, actor=current_user()),
                     downloads.XLSX)


@blp.route(f"/{WEEK}/district.xlsx")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=downloads.XLSX)
def district_workbook(week):
    """The district's summary workbook for the week."""
    return _download(*downloads.workbook_for(week, "district", None, actor=current_user()),
                     downloads.XLSX)
