import marshmallow as ma
from marshmallow import fields

from api.schemas.common import PageArgs, Strict, code


class DistrictSchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    street_count = fields.Integer()
    community_count = fields.Integer()


class StreetSchema(ma.Schema):
    code = fields.String()
    district_code = fields.String()
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

    @ma.pre_dump
    def community_and_liaisons(self, detail, **_kwargs):
        """The service's CommunityDetail: the community's own fields beside its liaisons."""
        own = {name: getattr(detail.community, name) for name in CommunitySchema._declared_fields}
        return {**own, "liaisons": detail.liaisons}


class CommunityFilterArgs(PageArgs):
    street_code = code()
    has_point = fields.Boolean(metadata={
        "description": "false: the communities whose point is still to be placed"})


class CommunityListArgs(CommunityFilterArgs):
    q = fields.String(validate=ma.validate.Length(max=100))


class CommunityUpdateSchema(Strict):
    latitude = fields.Float(allow_none=True, validate=ma.validate.Range(min=-90, max=90),
                            metadata={"description": "WGS-84"})
    longitude = fields.Float(allow_none=True, validate=ma.validate.Range(min=-180, max=180),
                             metadata={"description": "WGS-84"})
    radius_m = fields.Integer(validate=ma.validate.Range(min=50, max=10_000))


class SuggestedLocationSchema(ma.Schema):
    community_code = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    visits = fields.Integer(metadata={"description": "ok visits behind the suggestion"})
