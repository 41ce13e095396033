"""Compliance of a content contract: each obligation, period by period, against what was
published (issue #17 point 7)."""

from api.auth import current_user, require_role
from api.blueprint import Blueprint
from api.schemas.compliance import ComplianceArgs, ComplianceReportSchema
from api.schemas.metrics import GrowthArgs, GrowthReportSchema
from models import Role
from service.clock import local_today
from service.content import compliance_report
from service.content import growth as growth_kpis

blp = Blueprint("compliance", __name__, url_prefix="/api/v1/compliance",
                description="A content contract's obligations, counted period by period")

# Who may belong to a content contract: admins, content accounts and officials. Liaisons
# work on the district contract only; community accounts are refused before this.
contract_readers = require_role(Role.ADMIN, Role.CONTENT, Role.OFFICIAL)


@blp.route("")
@contract_readers
@blp.arguments(ComplianceArgs, location="query")
@blp.response(200, ComplianceReportSchema)
def compliance(args):
    """Each obligation of the contract in each of its periods overlapping from → to (default:
    the term; at most 400 days), optionally of one period kind or naming one channel:
    required, actual, status and the publications counted; with a summary per obligation.
    Members of the contract only (404 to anyone else)."""
    return compliance_report.compliance_report(
        current_user(), contract=args["contract"], start=args.get("from_"),
        end=args.get("to"), period=args.get("period"), channel=args.get("channel")).as_dict()


@blp.route("/growth")
@contract_readers
@blp.arguments(GrowthArgs, location="query")
@blp.response(200, GrowthReportSchema)
def growth(args):
    """The contract's growth KPIs against the baseline (followers, reads, premium content's
    page views, as its rules.growth defines them): figure now, growth, the term's end figure
    at the pace of the last 28 days, and the withheld share of the price at risk when one
    falls short. Members of the contract only (404 to anyone else)."""
    return growth_kpis.growth_report(current_user(), contract=args["contract"],
                                     as_of=args.get("as_of"), today=local_today())
