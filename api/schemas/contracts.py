"""Schemas of the contracts loaded (parties, term, channels, obligations) and of the
working-day calendar of their terms."""

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import Strict
from api.schemas.targets import ContractSchema, ContractTargetSchema
from service.district.contract_content import DAY_KINDS, PER_CHANNEL, PERIODS
from service.district.contract_members import MemberRole
from service.district.working_days import KINDS

CONTRACT_KEY = validate.Length(min=1, max=64)


class ContractListItemSchema(ContractSchema):
    in_force = fields.Boolean(metadata={
        "description": "The contract in force (what /contracts/current answers)"})
    my_role = fields.String(metadata={
        "description": "the caller's role in this contract: admin, liaison, official, or a "
                       "member role (editor, editor_lead, client_reviewer, client_approver)"})
    member_roles = fields.List(fields.String(), metadata={
        "description": "the roles its members may hold; empty: the accounts' own roles"})


class ContractMemberSchema(ma.Schema):
    user_id = fields.Integer()
    username = fields.Function(lambda m: m.user.username)
    display_name = fields.Function(lambda m: m.user.display_name)
    role = fields.String()
    created_at = fields.AwareDateTime()


class ContractMemberUpdateSchema(Strict):
    role = fields.String(required=True, validate=validate.OneOf(
        [r.value for r in MemberRole]), metadata={"enum": [r.value for r in MemberRole]})


class PostingWindowSchema(ma.Schema):
    days = fields.String(metadata={"enum": list(DAY_KINDS)})
    from_ = fields.String(data_key="from", attribute="from", metadata={"example": "08:00"})
    to = fields.String(metadata={"example": "09:00"})


class ContractChannelSchema(ma.Schema):
    key = fields.String(metadata={"description": "the platform, e.g. wechat, weibo"})
    platform = fields.String(metadata={"example": "微信公众号"})
    account = fields.String()
    posting_windows = fields.List(fields.Nested(PostingWindowSchema))
    source = fields.String(metadata={"description": "the agreement's words"})


class ContractObligationSchema(ma.Schema):
    key = fields.String()
    name = fields.String()
    counts = fields.String(metadata={"description": "what is counted: items, articles, ..."})
    channels = fields.List(fields.String(), metadata={
        "description": "the channels' keys; empty when it concerns no one channel"})
    per_channel = fields.String(metadata={
        "enum": list(PER_CHANNEL),
        "description": "with several channels: each meets the threshold, or all together"})
    period = fields.String(metadata={"enum": list(PERIODS),
                                     "description": "year: a year of the contract"})
    days = fields.String(metadata={"enum": list(DAY_KINDS),
                                   "description": "the days a daily obligation applies to"})
    min = fields.Float(attribute="minimum", allow_none=True)
    max = fields.Float(attribute="maximum", allow_none=True)
    mandatory = fields.Boolean(metadata={"description": "false: advised, not binding"})
    clause = fields.String()
    source = fields.String(metadata={"description": "the agreement's own words"})


class ContractFullSchema(ContractListItemSchema):
    rules = fields.Dict()
    channels = fields.List(fields.Nested(ContractChannelSchema))
    obligations = fields.List(fields.Nested(ContractObligationSchema))
    targets = fields.List(fields.Nested(ContractTargetSchema))


class CalendarArgs(Strict):
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    contract = fields.String(validate=CONTRACT_KEY, metadata={
        "description": "a contract's key (default: the contract in force)"})


class ContractArgs(Strict):
    contract = fields.String(validate=CONTRACT_KEY, metadata={
        "description": "a contract's key (default: the contract in force)"})


class CalendarDaySchema(ma.Schema):
    date = fields.Date()
    kind = fields.String(metadata={"enum": list(KINDS)})
    is_working_day = fields.Boolean()
    name = fields.String(metadata={"description": "the holiday, e.g. 国庆节"})
    source = fields.String(metadata={
        "description": "what says so: the package and version it was frozen from, or override"})


class CalendarSchema(ma.Schema):
    contract = fields.Nested(ContractSchema)
    working_days = fields.Integer()
    items = fields.List(fields.Nested(CalendarDaySchema))


class CalendarDayUpdateSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500), metadata={
        "description": "Why, e.g. the State Council notice (kept in the history)"})
    name = fields.String(validate=validate.Length(max=64), metadata={
        "description": "the holiday's name, e.g. 春节"})
