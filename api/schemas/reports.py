"""Schemas of a week's spreadsheets: its sets (jobs) and whether its files are current."""

import marshmallow as ma
from marshmallow import fields

from api.schemas.common import PageArgs, Strict, code
from api.schemas.jobs import JobSchema
from api.schemas.targets import ContractSchema
from api.schemas.user_counts import DistrictNameSchema

DISTRICT_HELP = ("the district's 12-digit code; required when several districts are held "
                 "(left out: the only one); a district official reads only their own")


class DistrictArgs(Strict):
    district = code(metadata={"description": DISTRICT_HELP})


class RunArgs(DistrictArgs):
    outside_contract = fields.Boolean(load_default=False, metadata={
        "description": "make the set of a week outside every contract's period"})


class SetListArgs(PageArgs):
    district = code(metadata={"description": "one district's sets (left out: every district's, "
                                             "or a district official's own)"})


class WeekStatusSchema(ma.Schema):
    week = fields.String()
    district = fields.Nested(DistrictNameSchema, metadata={"description": "whose sets"})
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
    district = fields.Nested(DistrictNameSchema, metadata={"description": "whose sets"})
    items = fields.List(fields.Nested(WeekSummarySchema))


class LedgerRowSchema(ma.Schema):
    community_code = fields.String()
    community_name = fields.String()
    street_code = fields.String()
    street_name = fields.String()
    accounts = fields.Integer(metadata={"description": "the community's active accounts now"})
    status = fields.String(metadata={
        "description": "opened, delivered (not opened yet), undeliverable (no account when "
                       "the set was made), not_made (the week has no set yet)"})
    made_available_at = fields.AwareDateTime(allow_none=True)
    first_opened_at = fields.AwareDateTime(allow_none=True)
    first_opened_by = fields.String(allow_none=True, metadata={"description": "username"})
    first_opened_by_name = fields.String(allow_none=True)


class WeekLedgerSchema(ma.Schema):
    week = fields.String()
    district_code = fields.String()
    district_name = fields.String()
    start = fields.Date()
    end = fields.Date()
    set_made = fields.Boolean()
    communities = fields.Integer()
    delivered = fields.Integer()
    opened = fields.Integer()
    undeliverable = fields.Integer()
    items = fields.List(fields.Nested(LedgerRowSchema))


class OpenProblemSchema(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    category = fields.String()
    status = fields.String()
    status_label = fields.String()
    created_at = fields.AwareDateTime()


class CommunityOverviewSchema(ma.Schema):
    as_of = fields.Date()
    community_code = fields.String()
    community_name = fields.String()
    street_code = fields.String()
    street_name = fields.String()
    registered = fields.Integer()
    verified = fields.Integer()
    registered_change = fields.Integer(metadata={"description": "over the last 7 days"})
    verified_change = fields.Integer(metadata={"description": "over the last 7 days"})
    rank_in_street = fields.Integer(metadata={"description": "by verified users"})
    communities_in_street = fields.Integer()
    visits = fields.Integer(metadata={"description": "counted visits in the contract so far"})
    last_visit_at = fields.AwareDateTime(allow_none=True)
    days_since_last_visit = fields.Integer(allow_none=True)
    open_problems = fields.List(fields.Nested(OpenProblemSchema))


class CommunityWorkbookSchema(ma.Schema):
    week = fields.String()
    start = fields.Date()
    end = fields.Date()
    made_available_at = fields.AwareDateTime()
    first_opened_at = fields.AwareDateTime(allow_none=True)
    first_opened_by = fields.String(allow_none=True)
    downloadable = fields.Boolean(metadata={"description": "the file is still kept"})
    url = fields.String()


class CommunityWorkbooksSchema(ma.Schema):
    items = fields.List(fields.Nested(CommunityWorkbookSchema))


class EvidenceArgs(Strict):
    as_of = fields.Date(metadata={"description": "default: today, or the contract's end"})


class EvidenceWeekSchema(ma.Schema):
    week = fields.String()
    start = fields.Date()
    end = fields.Date()
    set_made = fields.Boolean()
    delivered = fields.Integer()
    opened = fields.Integer()
    delivered_by_as_of = fields.Integer(metadata={
        "description": "delivered by the end of as_of (what the target counts)"})
    undeliverable = fields.Integer()
    not_delivered = fields.Integer()


class DeliveryEvidenceSchema(ma.Schema):
    as_of = fields.Date()
    communities = fields.Integer()
    weeks_due = fields.Integer()
    community_weeks_due = fields.Integer()
    community_weeks_delivered = fields.Integer(metadata={
        "description": "delivered by the end of as_of"})
    community_weeks_opened = fields.Integer()
    share_delivered = fields.Float()
    weeks = fields.List(fields.Nested(EvidenceWeekSchema))


class EmailSendSchema(ma.Schema):
    id = fields.Integer()
    community_code = fields.Function(lambda s: s.delivery.community_code)
    username = fields.Function(lambda s: s.user.username)
    display_name = fields.Function(lambda s: s.user.display_name)
    address = fields.String()
    attempted_at = fields.AwareDateTime()
    succeeded = fields.Boolean()
    answer = fields.String(metadata={"description": "what the mail server said"})


class EmailSendsSchema(ma.Schema):
    items = fields.List(fields.Nested(EmailSendSchema))
