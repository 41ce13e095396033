import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import PageArgs, Strict, code
from service.progress.user_counts import MAX_COUNT

# The same range as a count in an imported file (a larger one is a row error there).
COUNT_RANGE = validate.Range(min=0, max=MAX_COUNT, error=f"应在 0 至 {MAX_COUNT:,} 之间")


class CountItemSchema(Strict):
    community_code = code(required=True)
    registered = fields.Integer(required=True, validate=COUNT_RANGE)
    verified = fields.Integer(required=True, validate=COUNT_RANGE)


class CountsPostSchema(Strict):
    date = fields.Date(required=True)
    items = fields.List(fields.Nested(CountItemSchema), required=True,
                        validate=validate.Length(min=1, max=5000))


class ImportFileSchema(Strict):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ImportFormSchema(Strict):
    date = fields.Date(metadata={"description": "needed unless the file states its date"})
    dry_run = fields.Boolean(load_default=False)
    skip_refused = fields.Boolean(load_default=False, metadata={
        "description": "list the bad rows in the answer and import the others, instead of "
                       "refusing the whole file"})


class ImportRecordSchema(ma.Schema):
    id = fields.Integer()
    date = fields.Date()
    source = fields.String()
    filename = fields.String(allow_none=True)
    checksum = fields.String(allow_none=True)
    rows = fields.Integer()
    registered = fields.Integer()
    verified = fields.Integer()
    username = fields.String(allow_none=True)
    display_name = fields.Function(lambda r: r.actor.display_name if r.actor else None)
    at = fields.AwareDateTime()
    refused_rows = fields.Integer()


class RefusedRowSchema(ma.Schema):
    row = fields.Integer(allow_none=True)
    column = fields.String(allow_none=True)
    reason = fields.String()


class ImportedCountSchema(ma.Schema):
    community_code = fields.String()
    community_name = fields.String()
    street_name = fields.String()
    registered = fields.Integer()
    verified = fields.Integer()


class ImportDetailSchema(ma.Schema):
    record = fields.Nested(ImportRecordSchema)
    refusals = fields.List(fields.Nested(RefusedRowSchema))
    counts = fields.List(fields.Nested(ImportedCountSchema))


class DifferenceSchema(ma.Schema):
    community_code = fields.String()
    community_name = fields.String()
    registered_before = fields.Integer()
    registered = fields.Integer()
    verified_before = fields.Integer()
    verified = fields.Integer()


class ImportResultSchema(ma.Schema):
    date = fields.Date()
    rows = fields.Integer()
    communities = fields.Integer()
    registered = fields.Integer()
    verified = fields.Integer()
    dry_run = fields.Boolean()
    import_id = fields.Integer(allow_none=True)
    differences = fields.List(fields.Nested(DifferenceSchema), metadata={
        "description": "the communities whose counts change, the largest change first"})
    refused_rows = fields.Integer()
    refused = fields.List(fields.Nested(RefusedRowSchema), metadata={
        "description": "with skip_refused: the rows left out (the first 100) and why"})


class DashboardArgs(Strict):
    as_of = fields.Date()
    district = code(metadata={"description": "a district's code (several districts held: "
                                             "without it, the city's overview)"})


class PaceFields(ma.Schema):
    """A place against its own share of the verified-users target."""
    target = fields.Integer(metadata={"description": "its share of the verified-users target"})
    progress = fields.Float(allow_none=True)
    expected = fields.Float(metadata={
        "description": "verified users it should have by now: from where it stood at the "
                       "contract's start to its target, evenly over the contract"})
    pace = fields.String(metadata={"description": "done, on_track or behind"})


class RankedCommunitySchema(PaceFields):
    code = fields.String()
    name = fields.String()
    rank = fields.Integer()
    verified = fields.Integer()
    registered = fields.Integer()
    growth_1w = fields.Integer()


class PlaceFiguresSchema(PaceFields):
    """A street's or a district's figures: its users, growth and share of the whole."""
    code = fields.String()
    name = fields.String()
    verified = fields.Integer()
    registered = fields.Integer()
    growth_1w = fields.Integer()
    growth_4w = fields.Integer()
    share = fields.Float()


class StreetFiguresSchema(PlaceFiguresSchema):
    communities = fields.List(fields.Nested(RankedCommunitySchema))


class DistrictFiguresSchema(PlaceFiguresSchema):
    communities = fields.Integer()
    streets = fields.Integer()


class DistrictNameSchema(ma.Schema):
    code = fields.String()
    name = fields.String()


class DashboardSchema(ma.Schema):
    scope = fields.String(metadata={"description": "district, or city (every district)"})
    district = fields.Nested(DistrictNameSchema, allow_none=True)
    as_of = fields.Date()
    verified = fields.Integer()
    registered = fields.Integer()
    target = fields.Integer()
    progress = fields.Float(allow_none=True)
    growth_1w = fields.Integer()
    growth_4w = fields.Integer()
    needed_weekly = fields.Integer(allow_none=True)
    projected_date = fields.Date(allow_none=True)
    contract_end = fields.Date()
    streets = fields.List(fields.Nested(StreetFiguresSchema), metadata={
        "description": "a district's streets (empty in the city's overview)"})
    districts = fields.List(fields.Nested(DistrictFiguresSchema), metadata={
        "description": "the city's overview: every district (absent for a district)"})


class SeriesArgs(Strict):
    district = code()
    street_code = code()
    community_code = code()
    from_date = fields.Date(data_key="from")
    to_date = fields.Date(data_key="to")
    step = fields.String(load_default="day", validate=validate.OneOf(["day", "week"]))


class SeriesPointSchema(ma.Schema):
    date = fields.Date()
    registered = fields.Integer()
    verified = fields.Integer()


class SeriesSchema(ma.Schema):
    items = fields.List(fields.Nested(SeriesPointSchema))


ImportListArgs = PageArgs
