"""Schemas of content, its versions and review, and its publications."""

import base64
import binascii

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import PageArgs, Strict
from service.content.review import DECISIONS, KINDS, MAX_ATTACHMENT_BYTES, STATUSES

MAX_BODY = 200_000
# Base64 of the largest attachment, with room for line breaks.
MAX_BASE64 = (MAX_ATTACHMENT_BYTES + 2) // 3 * 4 + 1024
SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="应为 64 位小写十六进制 SHA-256")


class Base64Bytes(fields.String):
    """Bytes sent as Base64 text."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > MAX_BASE64:
            raise ma.ValidationError("文件过大（最多 5 MB）")
        try:
            return base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise ma.ValidationError("应为 Base64 编码的文件内容") from None


class AttachmentSchema(Strict):
    filename = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content_type = fields.String(required=True, validate=validate.Length(min=1, max=100),
                                 metadata={"example": "image/png"})
    data = Base64Bytes(required=True, metadata={
        "description": "the file's bytes in Base64 (at most 5 MB once decoded)"})


def _attachment(**kwargs) -> fields.Nested:
    return fields.Nested(AttachmentSchema, allow_none=True, **kwargs)


class ContentCreateSchema(Strict):
    contract = fields.String(required=True, validate=validate.Length(min=1, max=64),
                             metadata={"example": "planning-media-2023"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS)),
                         metadata={"enum": list(KINDS), "description": "article 文章, repost "
                                   "转发, infographic 一图读懂/长图, poster 海报, video 视频, "
                                   "interactive H5/SVG"})
    original = fields.Boolean(required=True, metadata={"description": "原创"})
    column = fields.String(load_default="", validate=validate.Length(max=64), metadata={
        "description": "栏目: one of the contract's rules.columns when it lists them"})
    channels = fields.List(fields.String(validate=validate.Length(min=1, max=32)),
                           required=True, validate=validate.Length(min=1, max=20),
                           metadata={"description": "the contract's channel keys"})
    body = fields.String(required=True, validate=validate.Length(max=MAX_BODY))
    attachment = _attachment()
    theme_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=999_999_999),
                              metadata={"description": "the monthly theme (每月一题) it "
                                        "serves: a theme of the same contract; null: none"})
    planned_on = fields.Date(allow_none=True, metadata={
        "description": "the day it is planned to go out (计划发布日), within the term"})


class ContentUpdateSchema(Strict):
    theme_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=999_999_999),
                              metadata={"description": "the monthly theme (每月一题) the piece "
                                                       "serves, of its contract; null drops it"})
    planned_on = fields.Date(allow_none=True, metadata={
        "description": "the day it is planned to go out (计划发布日, Asia/Shanghai), within the "
                       "contract's term; null: not scheduled"})

class VersionCreateSchema(Strict):
    body = fields.String(required=True, validate=validate.Length(max=MAX_BODY))
    title = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "a new title (default: the current one)"})
    attachment = _attachment(metadata={
        "description": "a new attachment; null removes it; absent keeps the current one"})


class ReviewCreateSchema(Strict):
    version = fields.String(required=True, validate=SHA256, metadata={
        "description": "the SHA-256 of the version signed (the current one)"})
    level = fields.String(required=True, validate=validate.Length(min=1, max=32), metadata={
        "description": "the key of the chain's level, e.g. first (一审)"})
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS),
                             metadata={"enum": list(DECISIONS)})
    notes = fields.String(load_default="", validate=validate.Length(max=2000))
    checklist = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=200)),
                            values=fields.Boolean(), required=True,
                            validate=validate.Length(max=30), metadata={
                                "description": "each item of the level's checklist: true "
                                               "(confirmed) or false; pass needs all true"})


class ContentListArgs(PageArgs):
    contract = fields.String(required=True, validate=validate.Length(min=1, max=64))
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "enum": list(STATUSES)})
    awaiting = fields.String(validate=validate.OneOf(["me"]), metadata={
        "enum": ["me"], "description": "me: what waits for the caller's signature"})
    planned_from = fields.Date(metadata={"description": "planned to go out on or after"})
    planned_to = fields.Date(metadata={"description": "planned to go out on or before"})


class PublicationCreateSchema(Strict):
    content_id = fields.Integer(required=True, validate=validate.Range(min=1, max=999_999_999))
    version = fields.String(required=True, validate=SHA256)
    channel = fields.String(required=True, validate=validate.Length(min=1, max=32))
    published_at = fields.AwareDateTime(required=True)
    url = fields.String(required=True, validate=[validate.Length(max=2000),
                                                 validate.URL(error="应为有效的网址")])
    screenshot = Base64Bytes(allow_none=True, metadata={
        "description": "a PNG or JPEG screenshot in Base64 (at most 5 MB)"})


class PublicationListArgs(PageArgs):
    contract = fields.String(required=True, validate=validate.Length(min=1, max=64))
    channel = fields.String(validate=validate.Length(min=1, max=32))
    from_ = fields.Date(data_key="from", metadata={"description": "published on or after "
                                                                  "(Asia/Shanghai)"})
    to = fields.Date()


class ActorSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()


class FindingSchema(ma.Schema):
    field = fields.String()
    rule = fields.String()
    message = fields.String()
    excerpt = fields.String()
    position = fields.Integer()


def _attachment_info(version) -> dict | None:
    if version.attachment_size is None:
        return None
    return {"filename": version.attachment_name, "content_type": version.attachment_type,
            "size": version.attachment_size}


class ContentVersionSchema(ma.Schema):
    id = fields.Integer()
    number = fields.Integer()
    sha256 = fields.String()
    title = fields.String()
    body = fields.String()
    attachment = fields.Function(_attachment_info, metadata={
        "description": "{filename, content_type, size} or null"})
    author = fields.Nested(ActorSchema)
    created_at = fields.AwareDateTime()
    checker = fields.String(metadata={"description": "the automatic check's version"})
    checked_at = fields.AwareDateTime()
    findings = fields.List(fields.Nested(FindingSchema))


class ContentVersionSummarySchema(ContentVersionSchema):
    class Meta:
        exclude = ("body",)


class ContentReviewSchema(ma.Schema):
    id = fields.Integer()
    version = fields.Function(lambda r: r.version.number)
    sha256 = fields.Function(lambda r: r.version.sha256)
    level = fields.String()
    level_name = fields.String()
    signer = fields.Nested(ActorSchema)
    role = fields.String()
    decision = fields.String()
    notes = fields.String()
    checklist = fields.List(fields.Dict())
    signed_at = fields.AwareDateTime()
    void = fields.Function(lambda r: r.voided_at is not None)
    voided_at = fields.AwareDateTime()


class ThemeBriefSchema(ma.Schema):
    id = fields.Integer()
    month = fields.String(metadata={"example": "2023-10"})
    title = fields.String()


class ContentSchema(ma.Schema):
    id = fields.Integer()
    contract = fields.Function(lambda c: c.contract.key)
    title = fields.String()
    kind = fields.String()
    original = fields.Boolean()
    column = fields.String()
    channels = fields.List(fields.String())
    theme_id = fields.Integer(allow_none=True, metadata={
        "description": "the monthly theme it serves, or null"})
    theme = fields.Nested(ThemeBriefSchema, allow_none=True, metadata={
        "description": "that theme's id, month and title, or null"})
    planned_on = fields.Date(allow_none=True, metadata={
        "description": "the day it is planned to go out, or null"})
    author = fields.Nested(ActorSchema)
    status = fields.String(metadata={"enum": list(STATUSES)})
    next_level = fields.String(allow_none=True, metadata={
        "description": "the level the current version waits for"})
    next_role = fields.String(allow_none=True)
    version = fields.Function(lambda c: max(v.number for v in c.versions), metadata={
        "description": "the current version's number"})
    sha256 = fields.Function(lambda c: max(c.versions, key=lambda v: v.number).sha256)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ChainLevelSchema(ma.Schema):
    key = fields.String()
    name = fields.String()
    role = fields.String()
    rule = fields.String(allow_none=True)
    checklist = fields.List(fields.String())
    automatic_check = fields.Boolean()
    state = fields.String(metadata={"enum": ["passed", "returned", "awaiting", "pending"]})
    review = fields.Nested(ContentReviewSchema, allow_none=True)


class PublicationSchema(ma.Schema):
    id = fields.Integer()
    content_id = fields.Integer()
    title = fields.Function(lambda p: p.content.title)
    version = fields.Function(lambda p: p.version.number)
    sha256 = fields.Function(lambda p: p.version.sha256)
    channel = fields.String()
    published_at = fields.AwareDateTime()
    published_on = fields.Date(metadata={"description": "the day it counts for "
                                                        "(Asia/Shanghai)"})
    url = fields.String()
    screenshot = fields.Function(lambda p: p.screenshot_type, metadata={
        "description": "the screenshot's type, or null without one"})
    recorded_by = fields.Nested(ActorSchema)
    created_at = fields.AwareDateTime()


class ContentDetailSchema(ContentSchema):
    my_role = fields.String()
    current_version = fields.Nested(ContentVersionSchema)
    versions = fields.List(fields.Nested(ContentVersionSummarySchema))
    chain = fields.List(fields.Nested(ChainLevelSchema))
    publications = fields.List(fields.Nested(PublicationSchema))


class HistoryEventSchema(ma.Schema):
    at = fields.AwareDateTime()
    event = fields.String(metadata={"enum": ["version", "review", "publication"]})
    actor = fields.Nested(ActorSchema)
    version = fields.Integer()
    sha256 = fields.String()
    findings = fields.Integer()
    level = fields.String()
    level_name = fields.String()
    role = fields.String()
    decision = fields.String()
    notes = fields.String()
    checklist = fields.List(fields.Dict())
    void = fields.Boolean()
    voided_at = fields.AwareDateTime(allow_none=True)
    voided_by_version = fields.Integer(allow_none=True)
    channel = fields.String()
    published_at = fields.AwareDateTime()
    url = fields.String()
