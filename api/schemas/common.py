"""Pieces every resource's schemas use: strict input, pagination, codes, dates."""

from functools import cache

import marshmallow as ma
from marshmallow import fields, validate

MAX_PER_PAGE = 500

def code(**kwargs) -> fields.String:
    """A 12-digit statistical code (a street or community)."""
    return fields.String(validate=validate.Regexp(r"^\d{12}$", error="应为 12 位数字编码"),
                         **kwargs)


class Strict(ma.Schema):
    """Input schemas refuse unknown fields."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


class PageArgs(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


@cache
def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list envelope {items, total, page, per_page} around an item schema."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (ma.Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "total": fields.Integer(required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
    })


class AuditEntrySchema(ma.Schema):
    id = fields.Integer()
    action = fields.String()
    at = fields.AwareDateTime()
    actor = fields.String(attribute="actor_username", allow_none=True)
    changes = fields.Dict()
