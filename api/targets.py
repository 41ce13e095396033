import marshmallow as ma
from marshmallow import fields, validate

from api.auth import admin_only, current_user
from api.blueprint import Blueprint
from api.schemas.common import AuditEntrySchema, Strict
from service import targets
from service.clock import local_today
from service.contracts import current_contract

blp = Blueprint("targets", __name__, url_prefix="/api/v1",
                description="The contract's targets with progress and pace")


class TargetArgs(Strict):
    as_of = fields.Date()


class ContractSchema(ma.Schema):
    key = fields.String()
    name = fields.String()
    client = fields.String()
    start = fields.Date(attribute="start_date")
    end = fields.Date(attribute="end_date")


class StreetRefSchema(ma.Schema):
    code = fields.String()
    name = fields.String()


class TargetItemSchema(ma.Schema):
    key = fields.String()
    name = fields.String()
    measure = fields.String()
    target = fields.Float()
    actual = fields.Float()
    progress = fields.Float()
    expected_by_now = fields.Float()
    status = fields.String(metadata={"enum": ["done", "on_track", "behind"]})
    missing = fields.List(fields.Nested(StreetRefSchema), allow_none=True)


class TargetReportSchema(ma.Schema):
    contract = fields.Nested(ContractSchema)
    as_of = fields.Date()
    items = fields.List(fields.Nested(TargetItemSchema))


class TargetUpdateSchema(Strict):
    target = fields.Float(required=True, validate=validate.Range(min=0, max=1e12))


class ContractTargetSchema(ma.Schema):
    key = fields.String()
    name = fields.String()
    target = fields.Float()
    measure = fields.String()
    source = fields.String()
    schedule = fields.String()


class ContractDetailSchema(ContractSchema):
    rules = fields.Dict()
    targets = fields.List(fields.Nested(ContractTargetSchema))


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
    """Change a target's number (admins; recorded)."""
    return targets.update_target(key, actor=current_user(), target=data["target"])


@blp.route("/targets/<string(maxlength=64):key>/history")
@blp.response(200, AuditEntrySchema(many=True))
def target_history(key):
    """Changes of a target's number."""
    return targets.target_history(key)


@blp.route("/contracts/current")
@blp.response(200, ContractDetailSchema)
def contract():
    """The contract in force, with its period, rules and targets."""
    return current_contract()
