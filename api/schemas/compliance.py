"""Schemas of the compliance report of a content contract (GET /api/v1/compliance)."""

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import Strict
from api.schemas.contracts import CONTRACT_KEY
from service.content.compliance import STATUSES
from service.district.contract_content import COUNTS, PERIODS

DAY_KINDS = ["workday", "adjusted_workday", "weekend", "holiday"]


class ComplianceArgs(Strict):
    contract = fields.String(required=True, validate=CONTRACT_KEY, metadata={
        "description": "the content contract's key (required: 404 unless the caller belongs "
                       "to it)", "example": "planning-media-2023"})
    from_ = fields.Date(data_key="from", metadata={
        "description": "the first day (default: the term's first), within the term"})
    to = fields.Date(metadata={
        "description": "the last day (default: the term's last), within the term, at most "
                       "400 days after `from`"})
    period = fields.String(validate=validate.OneOf(PERIODS), metadata={
        "enum": list(PERIODS), "description": "only the obligations of this period: day, "
        "week (ISO), month, quarter and year (the contract's, from its start), term"})
    channel = fields.String(validate=validate.Length(min=1, max=32), metadata={
        "description": "only the obligations naming this channel of the contract (e.g. "
                       "wechat); an unknown channel is a 422"})


class ContractBriefSchema(ma.Schema):
    key = fields.String(metadata={"description": "the contract's key"})
    name = fields.String(metadata={"description": "its name"})
    client = fields.String(metadata={"description": "the client (甲方)"})
    start = fields.String(metadata={"format": "date", "description": "the term's first day"})
    end = fields.String(metadata={"format": "date", "description": "the term's last day"})


class RequiredSchema(ma.Schema):
    min = fields.Integer(allow_none=True, metadata={
        "description": "the floor owed in the period (a partial week's pro rata, rounded "
                       "up), null: none"})
    max = fields.Integer(allow_none=True, metadata={"description": "the ceiling, null: none"})


class ComplianceItemSchema(ma.Schema):
    obligation = fields.String(metadata={"description": "the obligation's key"})
    name = fields.String(metadata={"description": "the obligation's name (Chinese)"})
    counts = fields.String(metadata={"enum": sorted(COUNTS),
                                     "description": "what it counts"})
    mandatory = fields.Boolean(metadata={"description": "false: a recommendation (建议)"})
    period = fields.String(metadata={"enum": list(PERIODS), "description": "its period"})
    label = fields.String(metadata={
        "description": "the period: 2023-10-07, 2023-W40, 2023-10, 2023/24-Q2, 2023/24, or "
                       "the term's dates", "example": "2023-W40"})
    from_ = fields.String(data_key="from", attribute="from", metadata={
        "format": "date", "description": "the period's first day (clipped to the term)"})
    to = fields.String(metadata={"format": "date",
                                 "description": "the period's last day (clipped to the term)"})
    channel = fields.String(allow_none=True, metadata={
        "description": "the channel of a per-channel figure; null for a sum"})
    channels = fields.List(fields.String(), metadata={
        "description": "the channels counted; empty: every channel"})
    required = fields.Nested(RequiredSchema, metadata={"description": "what is owed"})
    actual = fields.Integer(allow_none=True, metadata={
        "description": "what was published (themes: themes delivered or published); null "
                       "when not tracked by publications"})
    status = fields.String(metadata={
        "enum": list(STATUSES), "description": "met; short (the period ended below the "
        "floor); pending (still running or not begun, below the floor); over (above the "
        "ceiling); not_tracked"})
    publications = fields.List(fields.Integer(), metadata={
        "description": "the ids of the publications behind `actual`"})
    day_kind = fields.String(allow_none=True, metadata={
        "enum": DAY_KINDS, "description": "for a day: its kind in the frozen calendar"})
    working_days = fields.Integer(allow_none=True, metadata={
        "description": "for a week or longer: its working days within the term"})
    note = fields.String(metadata={"description": "why a figure is as it is (Chinese)"})


class ComplianceSummarySchema(ma.Schema):
    obligation = fields.String(metadata={"description": "the obligation's key"})
    name = fields.String(metadata={"description": "the obligation's name"})
    channel = fields.String(allow_none=True, metadata={
        "description": "the channel of a per-channel obligation; null for a sum"})
    mandatory = fields.Boolean(metadata={"description": "false: a recommendation"})
    periods = fields.Integer(metadata={"description": "the periods evaluated"})
    met = fields.Integer(metadata={"description": "of which met"})
    short = fields.Integer(metadata={"description": "of which short"})
    pending = fields.Integer(metadata={"description": "of which pending"})
    over = fields.Integer(metadata={"description": "of which over the ceiling"})
    not_tracked = fields.Integer(metadata={"description": "of which not tracked"})
    short_periods = fields.List(fields.String(), metadata={
        "description": "the labels of the periods that fell short"})


class ComplianceReportSchema(ma.Schema):
    contract = fields.Nested(ContractBriefSchema, metadata={"description": "the contract"})
    from_ = fields.String(data_key="from", attribute="from", metadata={"format": "date",
                                                     "description": "the range's first day"})
    to = fields.String(metadata={"format": "date", "description": "the range's last day"})
    today = fields.String(metadata={
        "format": "date", "description": "today in Asia/Shanghai: periods ending on or after "
                                         "it are pending until met"})
    items = fields.List(fields.Nested(ComplianceItemSchema), metadata={
        "description": "each obligation in each of its periods overlapping the range"})
    summary = fields.List(fields.Nested(ComplianceSummarySchema), metadata={
        "description": "per obligation (and channel) over the periods evaluated"})
