import io

from flask import send_file, url_for

from api.auth import admin_only, current_user, require_role
from api.blueprint import Blueprint
from api.schemas.common import page_of
from api.schemas.jobs import JobSchema
from api.schemas.reports import (
    ContractWeeksSchema,
    DeliveryEvidenceSchema,
    DistrictArgs,
    EmailSendsSchema,
    EvidenceArgs,
    RunArgs,
    SetListArgs,
    WeekLedgerSchema,
    WeekStatusSchema,
)
from models import Role
from service.reports import deliveries, downloads, mail, runs

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports/weekly",
                description="Weekly operations spreadsheets (运营数据报表), ISO weeks, a set per "
                            "district: made as jobs by the queue's consumers, then downloaded "
                            "as stored files. Where several districts are held, the set, the "
                            "week's status, the zip, the district's workbook and the ledger "
                            "name the district (`district`); a street's or community's "
                            "workbook is found by its code")
WEEK = "<regex('[0-9]{4}-W[0-9]{2}'):week>"
CODE = "<regex('[0-9]{12}'):code>"


def _send(week: str, kind: str, code: str | None = None, *, district: str | None = None,
          again: bool = True):
    path, name, mimetype = deliveries.download(week, kind, code, actor=current_user(),
                                               district=district)
    try:
        # send_file writes the Chinese file name as RFC 5987 filename*=UTF-8''…, and answers
        # conditional and range requests from the file itself.
        return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name,
                         conditional=True, max_age=0)
    except FileNotFoundError:
        if not again:
            raise
        # A newer set of the week was finished just now and the older one removed: send the
        # newer one's file.
        return _send(week, kind, code, district=district, again=False)


@blp.route("")
@blp.arguments(SetListArgs, location="query")
@blp.response(200, page_of(JobSchema))
def list_sets(args):
    """Every set of weekly spreadsheets made or being made: which week and district, by whom,
    how it went (a district official sees their district's)."""
    return runs.list_sets(actor=current_user(), **args)


@blp.route("/weeks")
@blp.arguments(DistrictArgs, location="query")
@blp.response(200, ContractWeeksSchema)
def contract_weeks(args):
    """Every week of the contract in force, oldest first, with a district's sets' status (one
    request for the whole contract)."""
    contract, district, weeks = runs.contract_weeks(actor=current_user(), **args)
    return {"contract": contract, "district": district, "items": weeks}


@blp.route(f"/{WEEK}")
@blp.arguments(DistrictArgs, location="query")
@blp.response(200, WeekStatusSchema)
def week_status(args, week):
    """A district's sets of a week: the latest finished one (which downloads serve), one being
    made, and whether records changed since (stale: the set should be made again)."""
    return runs.week_status(week, actor=current_user(), **args)


@blp.route(f"/{WEEK}/runs", methods=["POST"])
@admin_only
@blp.arguments(RunArgs, location="query")
@blp.response(202, JobSchema)
def request_set(args, week):
    """Queue the making of a district's full set of the week (admins). While one is queued or
    running, that one is answered instead of a second. A week outside every contract's
    period is refused (422) unless `outside_contract=true`."""
    job, _new = runs.request_set(week, actor=current_user(), **args)
    # The status of the district asked for (none named: the only one's, as before).
    return job, 202, {"Location": url_for("reports.week_status", week=week,
                                          district=args.get("district"))}


@blp.route(f"/{WEEK}.zip")
@blp.arguments(DistrictArgs, location="query")
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/zip")
def week_zip(args, week):
    """All of a district's workbooks of a week (its communities, its streets, the district)
    in one zip."""
    return _send(week, "zip", district=args.get("district"))


@blp.route(f"/{WEEK}/communities/{CODE}.xlsx")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=downloads.XLSX)
def community_workbook(week, code):
    """A community's workbook for the week."""
    return _send(week, "community", code)


@blp.route(f"/{WEEK}/streets/{CODE}.xlsx")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=downloads.XLSX)
def street_workbook(week, code):
    """A street's summary workbook for the week."""
    return _send(week, "street", code)


@blp.route(f"/{WEEK}/district.xlsx")
@blp.arguments(DistrictArgs, location="query")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=downloads.XLSX)
def district_workbook(args, week):
    """The district's summary workbook for the week."""
    return _send(week, "district", district=args.get("district"))


@blp.route(f"/{WEEK}/deliveries")
@require_role(Role.ADMIN, Role.OFFICIAL)
@blp.arguments(DistrictArgs, location="query")
@blp.response(200, WeekLedgerSchema)
def week_deliveries(args, week):
    """A district's delivery ledger of the week: per community, when its workbook was made
    available to its accounts and when it was first opened and by whom; communities without
    any account are undeliverable."""
    return deliveries.week_ledger(week, actor=current_user(), **args)


@blp.route(f"/{WEEK}/deliveries.xlsx")
@require_role(Role.ADMIN, Role.OFFICIAL)
@blp.arguments(DistrictArgs, location="query")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=downloads.XLSX)
def week_deliveries_workbook(args, week):
    """A district's delivery ledger of the week as a workbook (times in Beijing time)."""
    data, name = deliveries.week_ledger_workbook(week, actor=current_user(), **args)
    return send_file(io.BytesIO(data), mimetype=downloads.XLSX, as_attachment=True,
                     download_name=name, max_age=0)


@blp.route("/deliveries")
@require_role(Role.ADMIN, Role.OFFICIAL)
@blp.arguments(EvidenceArgs, location="query")
@blp.response(200, DeliveryEvidenceSchema)
def delivery_evidence(args):
    """The contract's deliveries week by week (the execution report's evidence): every week
    due with the communities its workbook reached and opened, and the delivered share the
    weekly_reports target counts."""
    return deliveries.delivery_evidence(args.get("as_of"))


@blp.route(f"/{WEEK}/emails")
@admin_only
@blp.response(200, EmailSendsSchema)
def week_emails(week):
    """Every e-mail of the week's workbooks sent or tried (when SMTP_URL is set), oldest
    first, with the mail server's answer."""
    return {"items": mail.email_sends(week)}
