"""Schemas of contract targets and their progress."""

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import Strict


class TargetArgs(Strict):
    as_of = fields.Date()


class ContractSchema(ma.Schema):
    key = fields.String()
    name = fields.String()
    client = fields.String()
    contractor = fields.String()
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
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "Why the number changes (kept in the history)"})


class ContractFileSchema(Strict):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "The contract as YAML or JSON"})


class ContractTargetSchema(ma.Schema):
    key = fields.String()
    name = fields.String()
    target = fields.Float()
    measure = fields.String()
    source = fields.String()
    commitment = fields.String(metadata={"description": "the agreement's words for the target"})
    clause = fields.String(metadata={"description": "the agreement's clause it comes from"})


class ContractDetailSchema(ContractSchema):
    rules = fields.Dict()
    targets = fields.List(fields.Nested(ContractTargetSchema))
