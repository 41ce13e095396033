from api.auth import admin_only, current_user
from api.blueprint import Blueprint
from api.schemas.common import AuditEntrySchema
from api.schemas.targets import (
    ContractDetailSchema,
    ContractFileSchema,
    ContractTargetSchema,
    TargetArgs,
    TargetReportSchema,
    TargetUpdateSchema,
)
from service.clock import local_today
from service.district import contracts
from service.progress import targets

blp = Blueprint("targets", __name__, url_prefix="/api/v1",
                description="The contract's targets with progress and pace")


@blp.route("/targets")
@blp.arguments(TargetArgs, location="query")
@blp.response(200, TargetReportSchema)
def target_report(args):
    """Every target with actual, progress, what is expected by now, and status."""
    return targets.target_report(args.get("as_of") or local_today())


@blp.route("/targets/<string(maxlength=64):key>", methods=["PATCH"])
@admin_only
@blp.arguments(TargetUpdateSchema)
@blp.response(200, ContractTargetSchema)
def update_target(data, key):
    """Change a target's number (admins) with a required reason; both are recorded."""
    return targets.update_target(key, actor=current_user(), target=data["target"],
                                 reason=data["reason"])


@blp.route("/targets/<string(maxlength=64):key>/history")
@blp.response(200, AuditEntrySchema(many=True))
def target_history(key):
    """Changes of a target's number."""
    return targets.target_history(key)


@blp.route("/contracts/current")
@blp.response(200, ContractDetailSchema)
def contract():
    """The contract in force, with its period, rules and targets."""
    return contracts.contract_in_force()


@blp.route("/contracts", methods=["POST"])
@admin_only
@blp.arguments(ContractFileSchema, location="files")
@blp.response(201, ContractDetailSchema)
def upload_contract(files):
    """Load a contract file (YAML or JSON, admins), as `flask load-contract` does: it becomes
    the contract in force. A bad file is refused (422 naming what is wrong); nothing changes."""
    return contracts.load_contract(contracts.parse_contract(files["file"].read()),
                                   actor=current_user())
