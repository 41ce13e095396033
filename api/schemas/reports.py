"""Schemas of a week's spreadsheets: its sets (jobs) and whether its files are current."""

import marshmallow as ma
from marshmallow import fields

from api.schemas.jobs import JobSchema


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
