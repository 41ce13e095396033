"""Schemas of a week's spreadsheets: its sets (jobs) and whether its files are current."""

import marshmallow as ma
from marshmallow import fields

from api.schemas.common import Strict
from api.schemas.jobs import JobSchema
from api.schemas.targets import ContractSchema


class RunArgs(Strict):
    outside_contract = fields.Boolean(load_default=False, metadata={
        "description": "make the set of a week outside every contract's period"})


class WeekStatusSchema(ma.Schema):
    week = fields.String()
    start = fields.Date()
    end = fields.Date()
    in_contract = fields.Boolean()
    generated = fields.Boolean(metadata={"description": "A finished set is stored"})
    stale = fields.Boolean(metadata={
        "description": "Records of the week changed after its latest set was made"})
    latest = fields.Nested(JobSchema, allow_none=True,
                           metadata={"description": "The set downloads serve"})
    active = fields.Nested(JobSchema, allow_none=True,
                           metadata={"description": "A set being made now"})
    runs = fields.List(fields.Nested(JobSchema))


class WeekSummarySchema(ma.Schema):
    week = fields.String()
    start = fields.Date()
    end = fields.Date()
    started = fields.Boolean(metadata={"description": "The week has begun (a set can be made)"})
    status = fields.String(metadata={"enum": ["not_started", "none", "queued", "running",
                                              "failed", "done", "stale", "archived"]})
    generated = fields.Boolean()
    stale = fields.Boolean()
    sets = fields.Integer(metadata={"description": "Sets asked for this week"})
    latest = fields.Nested(JobSchema, allow_none=True)
    active = fields.Nested(JobSchema, allow_none=True)
    last = fields.Nested(JobSchema, allow_none=True,
                         metadata={"description": "The latest set asked for"})


class ContractWeeksSchema(ma.Schema):
    contract = fields.Nested(ContractSchema)
    items = fields.List(fields.Nested(WeekSummarySchema))
