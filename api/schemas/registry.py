"""Schemas of the promotion work registry: one input and one output schema per kind."""

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import PageArgs, Strict, code

MAX_TEXT = 5000


def _title(**kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=200), **kwargs)


def _count(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=0, max=100_000_000), **kwargs)


def _url() -> fields.String:
    return fields.String(validate=[validate.Length(max=500),
                                   validate.URL(error="应为有效的网址")])


class RecordSchema(ma.Schema):
    id = fields.Integer()
    created_by_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class TrainingCreateSchema(Strict):
    date = fields.Date(required=True)
    title = _title(required=True)
    street_codes = fields.List(code(), load_default=list, validate=validate.Length(max=15))
    community_codes = fields.List(code(), load_default=list, validate=validate.Length(max=500))
    trainer = fields.String(validate=validate.Length(max=100))
    attendees = _count()


class TrainingSchema(RecordSchema):
    date = fields.Date()
    title = fields.String()
    street_codes = fields.List(fields.String())
    community_codes = fields.List(fields.String())
    trainer = fields.String()
    attendees = fields.Integer()


class EventCreateSchema(Strict):
    date = fields.Date(required=True)
    title = _title(required=True)
    street_code = code(allow_none=True)
    community_code = code(allow_none=True)
    participants = _count()
    signups_registered = _count()
    signups_verified = _count()


class EventSchema(RecordSchema):
    date = fields.Date()
    title = fields.String()
    street_code = fields.String(allow_none=True)
    community_code = fields.String(allow_none=True)
    participants = fields.Integer()
    signups_registered = fields.Integer()
    signups_verified = fields.Integer()


class ServiceGroupCreateSchema(Strict):
    name = _title(required=True)
    channel = fields.String(required=True, validate=validate.Length(min=1, max=32),
                            metadata={"example": "wechat_group"})
    street_code = code(allow_none=True)
    community_code = code(allow_none=True)
    members = _count()
    created_on = fields.Date(required=True)
    closed_on = fields.Date(allow_none=True)


class ServiceGroupSchema(RecordSchema):
    name = fields.String()
    channel = fields.String()
    street_code = fields.String(allow_none=True)
    community_code = fields.String(allow_none=True)
    members = fields.Integer()
    created_on = fields.Date()
    closed_on = fields.Date(allow_none=True)


class CaseCreateSchema(Strict):
    title = _title(required=True)
    community_code = code(required=True)
    published_on = fields.Date(required=True)
    url = _url()
    summary = fields.String(validate=validate.Length(max=MAX_TEXT))


class CaseSchema(RecordSchema):
    title = fields.String()
    community_code = fields.String()
    published_on = fields.Date()
    url = fields.String()
    summary = fields.String()


class TopicCreateSchema(Strict):
    month = fields.String(required=True, validate=validate.Regexp(
        r"^\d{4}-(0[1-9]|1[0-2])$", error="月份格式应为 YYYY-MM"))
    title = _title(required=True)


class TopicSchema(RecordSchema):
    month = fields.String()
    title = fields.String()


class ArticleCreateSchema(Strict):
    title = _title(required=True)
    published_on = fields.Date(required=True)
    url = _url()
    topic_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=999_999_999))


class ArticleSchema(RecordSchema):
    title = fields.String()
    published_on = fields.Date()
    url = fields.String()
    topic_id = fields.Integer(allow_none=True)


class DemoCommunityCreateSchema(Strict):
    community_code = code(required=True)
    designated_on = fields.Date(required=True)
    undesignated_on = fields.Date(allow_none=True)
    note = fields.String(validate=validate.Length(max=MAX_TEXT))


class DemoCommunitySchema(RecordSchema):
    community_code = fields.String()
    designated_on = fields.Date()
    undesignated_on = fields.Date(allow_none=True)
    note = fields.String()


class InteractionCreateSchema(Strict):
    date = fields.Date(required=True)
    views = _count(required=True)
    likes = _count(required=True)
    comments = _count(required=True)


class InteractionBulkSchema(Strict):
    days = fields.List(fields.Nested(InteractionCreateSchema), required=True,
                       validate=validate.Length(min=1, max=1000))


class InteractionSchema(RecordSchema):
    date = fields.Date()
    views = fields.Integer()
    likes = fields.Integer()
    comments = fields.Integer()


class RecordListArgs(PageArgs):
    from_date = fields.Date(data_key="from")
    to_date = fields.Date(data_key="to")
    street_code = code()
    community_code = code()
