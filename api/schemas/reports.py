"""Schemas of the weekly spreadsheets' generation log."""

import marshmallow as ma
from marshmallow import fields


class RunSchema(ma.Schema):
    id = fields.Integer()
    week = fields.String()
    week_end = fields.Date()
    scope = fields.String()
    files = fields.Integer()
    seconds = fields.Float()
    username = fields.String(allow_none=True)
    generated_at = fields.AwareDateTime()
