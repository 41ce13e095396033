import marshmallow as ma
from marshmallow import fields

from api.schemas.common import PageArgs, code


class StreetSchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    community_count = fields.Integer()


class CommunitySchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    street_code = fields.String()
    street_name = fields.String()
    latitude = fields.Float(allow_none=True, metadata={"description": "WGS-84"})
    longitude = fields.Float(allow_none=True, metadata={"description": "WGS-84"})
    radius_m = fields.Integer()


class LiaisonSchema(ma.Schema):
    username = fields.String()
    display_name = fields.String()


class CommunityDetailSchema(CommunitySchema):
    liaisons = fields.List(fields.Nested(LiaisonSchema))


class CommunityListArgs(PageArgs):
    street_code = code()
    q = fields.String(validate=ma.validate.Length(max=100))
