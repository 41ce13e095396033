import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import PageArgs, Strict, code
from service.fieldwork.problems import STATUSES as PROBLEM_STATUSES
from service.fieldwork.visits import LOCATION_CHECKS, PURPOSES, REVIEW_STATUSES, STANDINGS

MAX_NOTES = 2000
MAX_SYNC = 200


def _count(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=0, max=100_000), **kwargs)


class VisitFieldsSchema(Strict):
    """What a phone sends about a visit (positions WGS-84, times with an offset)."""

    community_code = code(required=True)
    visited_at = fields.AwareDateTime(required=True, metadata={
        "description": "ISO 8601 with an offset; stored in UTC"})
    latitude = fields.Float(allow_none=True, validate=validate.Range(min=-90, max=90),
                            metadata={"description": "WGS-84 degrees"})
    longitude = fields.Float(allow_none=True, validate=validate.Range(min=-180, max=180),
                             metadata={"description": "WGS-84 degrees"})
    accuracy_m = fields.Float(allow_none=True, validate=validate.Range(min=0, max=100_000))
    fix_at = fields.AwareDateTime(allow_none=True,
                                  metadata={"description": "when the phone took the fix"})
    purpose = fields.String(required=True, validate=validate.OneOf(list(PURPOSES)))
    notes = fields.String(validate=validate.Length(max=MAX_NOTES))
    people_met = _count()
    new_registrations = _count()


class VisitCreateSchema(VisitFieldsSchema):
    client_id = fields.UUID(required=True, metadata={"description": "made on the phone"})
    username = fields.String(validate=validate.Length(min=1, max=64),
                             metadata={"description": "admins: log for this liaison"})

    @ma.post_load
    def client_id_as_text(self, data, **_kwargs):
        data["client_id"] = str(data["client_id"])
        return data


class VisitUpdateSchema(VisitFieldsSchema):
    """Any of the visit's fields; used with partial=True."""


class VisitSchema(ma.Schema):
    id = fields.Integer()
    client_id = fields.String()
    username = fields.String()
    liaison = fields.String(attribute="user.display_name", metadata={
        "description": "the display name of the liaison who logged it"})
    community_code = fields.String()
    community_name = fields.String()
    street_code = fields.String()
    community_latitude = fields.Float(attribute="community.latitude", allow_none=True,
                                      metadata={"description": "the community's point, WGS-84"})
    community_longitude = fields.Float(attribute="community.longitude", allow_none=True)
    community_radius_m = fields.Integer(attribute="community.radius_m", metadata={
        "description": "a fix within this distance of the point is near"})
    visited_at = fields.AwareDateTime()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    accuracy_m = fields.Float(allow_none=True)
    fix_at = fields.AwareDateTime(allow_none=True)
    purpose = fields.String()
    notes = fields.String()
    people_met = fields.Integer()
    new_registrations = fields.Integer()
    distance_m = fields.Float(allow_none=True)
    location_basis = fields.String(allow_none=True)
    location_check = fields.String()
    review_status = fields.String()
    review_reason = fields.String(allow_none=True)
    standing = fields.String(metadata={
        "description": "counted, awaiting_review (counts once approved) or not_counted"})
    standing_label = fields.Function(lambda visit: STANDINGS.get(visit.standing),
                                     metadata={"description": "for people"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class VisitListArgs(PageArgs):
    district = code(metadata={"description": "one district's visits (a district official: "
                                             "always their own)"})
    community_code = code()
    street_code = code()
    username = fields.String(validate=validate.Length(max=64))
    from_date = fields.Date(data_key="from")
    to_date = fields.Date(data_key="to")
    purpose = fields.String(validate=validate.OneOf(list(PURPOSES)))
    location_check = fields.String(validate=validate.OneOf(list(LOCATION_CHECKS)))
    review = fields.String(validate=validate.OneOf(list(REVIEW_STATUSES)))
    standing = fields.String(validate=validate.OneOf(list(STANDINGS)), metadata={
        "description": "awaiting_review: the review queue (far, stale or no fix, not yet "
                       "approved)"})
    order = fields.String(load_default="newest", validate=validate.OneOf(["newest", "oldest"]),
                          metadata={"description": "oldest: the review queue's order"})


class SyncSchema(Strict):
    # Items are checked one by one by the service, so a bad one refuses only itself.
    visits = fields.List(fields.Raw(), required=True,
                         validate=validate.Length(max=MAX_SYNC))


class SyncResultSchema(ma.Schema):
    client_id = fields.String(allow_none=True)
    status = fields.String()
    id = fields.Integer(allow_none=True)
    errors = fields.Dict(allow_none=True)


class SyncResponseSchema(ma.Schema):
    results = fields.List(fields.Nested(SyncResultSchema))


class ReviewSchema(Strict):
    status = fields.String(required=True, validate=validate.OneOf(["approved", "rejected"]))
    reason = fields.String(validate=validate.Length(max=1000),
                           metadata={"description": "required for a rejection; the liaison "
                                                    "sees it"})


MAX_REVIEW_BATCH = 200


class ReviewBatchSchema(ReviewSchema):
    visit_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=2_147_483_647)), required=True,
        validate=validate.Length(min=1, max=MAX_REVIEW_BATCH),
        metadata={"description": "the visits decided together: all or none"})


class ReviewBatchResultSchema(ma.Schema):
    reviewed = fields.Function(lambda result: len(result["items"]))
    items = fields.List(fields.Nested(VisitSchema))


class CoverageArgs(PageArgs):
    district = code(metadata={"description": "one district's communities (a district "
                                             "official: always their own)"})
    street_code = code()
    username = fields.String(validate=validate.Length(max=64))
    as_of = fields.Date()
    per_page = fields.Integer(load_default=500, validate=validate.Range(min=1, max=500))


class CoverageRowSchema(ma.Schema):
    community_code = fields.String()
    community_name = fields.String()
    street_code = fields.String()
    visits = fields.Integer()
    last_visit_at = fields.AwareDateTime(allow_none=True)
    days_since_last = fields.Integer(allow_none=True)
    overdue = fields.Boolean()
    latitude = fields.Float(allow_none=True,
                            metadata={"description": "the community's point, WGS-84"})
    longitude = fields.Float(allow_none=True, metadata={"description": "WGS-84"})
    radius_m = fields.Integer(allow_none=True, metadata={
        "description": "a fix within this distance of the point is near"})
    liaisons = fields.List(fields.String(), metadata={
        "description": "display names of the liaisons covering it on that day"})


class StreetAreaSchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    rings = fields.List(fields.List(fields.List(fields.Float())), metadata={
        "description": "outer rings of [longitude, latitude] (WGS-84, © OpenStreetMap "
                       "contributors, ODbL 1.0)"})


class LocationReferenceSchema(ma.Schema):
    street_margin_m = fields.Float(metadata={
        "description": "without a community point, a fix this far (plus its accuracy) "
                       "outside the street's boundary is still near"})
    stale_after_s = fields.Integer(metadata={
        "description": "a fix older than this before the visit is stale"})
    streets = fields.List(fields.Nested(StreetAreaSchema))


class ProblemCreateSchema(Strict):
    community_code = code()
    visit_id = fields.Integer(validate=validate.Range(min=1, max=999_999_999))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=MAX_NOTES))
    category = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ProblemUpdateSchema(Strict):
    status = fields.String(validate=validate.OneOf(list(PROBLEM_STATUSES)))
    resolution = fields.String(validate=validate.Length(max=MAX_NOTES))
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=MAX_NOTES))
    category = fields.String(validate=validate.Length(min=1, max=64))


class ProblemSchema(ma.Schema):
    id = fields.Integer()
    community_code = fields.String()
    community_name = fields.String()
    street_code = fields.String()
    visit_id = fields.Integer(allow_none=True)
    title = fields.String()
    description = fields.String()
    category = fields.String()
    status = fields.String()
    resolution = fields.String(allow_none=True)
    created_by = fields.String(attribute="created_by_username")
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    resolved_at = fields.AwareDateTime(allow_none=True)


class ProblemListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(list(PROBLEM_STATUSES)))
    community_code = code()
    street_code = code()
