"""Schemas of a contract's channels: the accounts run on each platform and their posting
windows."""

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import PageArgs, Strict
from api.schemas.contracts import CONTRACT_KEY, PostingWindowSchema
from service.district.contract_content import DAY_KINDS, KEY

MAX_WINDOWS = 24


class ChannelArgs(PageArgs):
    contract = fields.String(validate=CONTRACT_KEY, metadata={
        "description": "a contract's key (default: every contract the caller belongs to)"})


class PostingWindowInputSchema(Strict):
    days = fields.String(load_default="all", validate=validate.OneOf(DAY_KINDS), metadata={
        "description": "working days, non-working days, or all"})
    # Checked as a contract file's windows are (HH:MM, 24:00 allowed, `to` after `from`).
    from_ = fields.String(data_key="from", attribute="from", required=True,
                          validate=validate.Length(max=5), metadata={"example": "08:00"})
    to = fields.String(required=True, validate=validate.Length(max=5),
                       metadata={"example": "09:00"})


def _windows() -> fields.List:
    return fields.List(fields.Nested(PostingWindowInputSchema),
                       validate=validate.Length(max=MAX_WINDOWS), metadata={
                           "description": "when its posts are meant to go out, e.g. WeChat "
                                          "08:00–09:00, 11:00–12:00, 18:00–19:00 on working "
                                          "days"})


class ChannelUpdateSchema(Strict):
    platform = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "the platform's name for people", "example": "微信公众号"})
    account = fields.String(validate=validate.Length(min=1, max=200))
    posting_windows = _windows()
    source = fields.String(validate=validate.Length(max=1000), metadata={
        "description": "the agreement's words it comes from"})


class ChannelCreateSchema(ChannelUpdateSchema):
    contract = fields.String(required=True, validate=CONTRACT_KEY)
    key = fields.String(required=True, validate=[
        validate.Length(min=1, max=32),
        validate.Regexp(KEY, error="应为小写字母开头的小写字母、数字和下划线（最多 32 个字符）")],
        metadata={"description": "the platform: wechat, weibo, toutiao, beijing_hao, "
                                 "baijiahao, …; it never changes"})
    platform = fields.String(required=True, validate=validate.Length(min=1, max=64))
    account = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ChannelSchema(ma.Schema):
    id = fields.Integer()
    contract = fields.Function(lambda c: c.contract.key, metadata={
        "description": "the contract's key"})
    key = fields.String(metadata={"description": "the platform, e.g. wechat, weibo"})
    platform = fields.String(metadata={"example": "微信公众号"})
    account = fields.String()
    posting_windows = fields.List(fields.Nested(PostingWindowSchema))
    source = fields.String(metadata={"description": "the agreement's words"})
    origin = fields.String(metadata={
        "enum": ["file", "api"],
        "description": "file: from the contract file (a reload rewrites it); api: added "
                       "here (a reload keeps it)"})
