"""Schemas of channel metrics and the growth KPIs of a content contract (issue #18 point 2)."""

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import PageArgs, Strict
from api.schemas.contracts import CONTRACT_KEY
from api.schemas.user_counts import COUNT_RANGE
from service.content.metrics import FLOW_FIGURES, SOURCE_LABELS, STEPS, STOCK_FIGURES


def _count(description: str) -> fields.Integer:
    return fields.Integer(required=True, validate=COUNT_RANGE,
                          metadata={"description": description})


class ChannelFiguresSchema(Strict):
    followers = _count("followers at the day's end (a stock)")
    new_followers = _count("the day's new followers")
    unfollows = _count("the day's unfollows")
    reads = _count("the day's reads")
    shares = _count("the day's shares")
    interactions = _count("the day's interactions (comments, likes, messages …)")
    follower_sources = fields.Dict(
        keys=fields.String(validate=validate.OneOf(SOURCE_LABELS)),
        values=fields.Integer(required=True, validate=COUNT_RANGE), allow_none=True,
        load_default=None, metadata={
            "description": "of the new followers, how many came from each source the platform "
                           "names (" + "、".join(f"{k} {v}" for k, v in SOURCE_LABELS.items())
                           + "); their sum may not exceed new_followers",
            "example": {"search": 12, "qr_code": 5}})


class PublicationFiguresSchema(Strict):
    reads = _count("its reads so far, as the platform showed them that day")
    shares = _count("its shares so far")
    likes = _count("its likes so far")


class ChannelMetricSchema(ma.Schema):
    channel_id = fields.Integer()
    day = fields.Date()
    followers = fields.Integer()
    new_followers = fields.Integer()
    unfollows = fields.Integer()
    reads = fields.Integer()
    shares = fields.Integer()
    interactions = fields.Integer()
    follower_sources = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                   allow_none=True)
    import_id = fields.Integer()
    replaced = fields.Boolean(metadata={"description": "an older snapshot of the day was "
                                                      "replaced (its figures are in the audit)"})


class PublicationMetricSchema(ma.Schema):
    publication_id = fields.Integer()
    day = fields.Date()
    reads = fields.Integer()
    shares = fields.Integer()
    likes = fields.Integer()
    import_id = fields.Integer()
    replaced = fields.Boolean()


class ChannelSeriesArgs(Strict):
    from_ = fields.Date(data_key="from", metadata={
        "description": "the first day (default: the term's first)"})
    to = fields.Date(metadata={"description": "the last day (default: today, within the "
                                              "term); at most 800 days after `from`"})
    step = fields.String(load_default="day", validate=validate.OneOf(STEPS), metadata={
        "enum": list(STEPS), "description": "day, week (ISO) or month (calendar)"})


class ChannelSeriesPointSchema(ma.Schema):
    period = fields.String(metadata={"example": "2023-W27"})
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    days_recorded = fields.Integer(metadata={"description": "days of it with a snapshot"})
    followers = fields.Integer(allow_none=True, metadata={
        "description": "a stock: the latest snapshot on or before the period's last day"})
    followers_on = fields.Date(allow_none=True, metadata={
        "description": "the day of that snapshot"})
    new_followers = fields.Integer(metadata={"description": "flows: the period's days added"})
    unfollows = fields.Integer()
    reads = fields.Integer()
    shares = fields.Integer()
    interactions = fields.Integer()
    follower_sources = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "of the period's new followers, those whose source the snapshots "
                       "gave, by source (days without sources add nothing here)"})


class BaselineSchema(ma.Schema):
    day = fields.Date()
    followers = fields.Integer()
    new_followers = fields.Integer()
    unfollows = fields.Integer()
    reads = fields.Integer()
    shares = fields.Integer()
    interactions = fields.Integer()


class ChannelSeriesSchema(ma.Schema):
    channel_id = fields.Function(lambda s: s["channel"].id)
    channel = fields.Function(lambda s: s["channel"].key)
    platform = fields.Function(lambda s: s["channel"].platform)
    step = fields.String()
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    stock_figures = fields.List(fields.String(), metadata={"example": list(STOCK_FIGURES)})
    flow_figures = fields.List(fields.String(), metadata={"example": list(FLOW_FIGURES)})
    baseline = fields.Nested(BaselineSchema, allow_none=True, metadata={
        "description": "the snapshot of the term's first day (else its first in the term)"})
    items = fields.List(fields.Nested(ChannelSeriesPointSchema))


class ImportFileSchema(Strict):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ChannelImportFormSchema(Strict):
    contract = fields.String(required=True, validate=CONTRACT_KEY)
    channel = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "the channel of every row (a platform's own export has no 渠道 column)"})
    dry_run = fields.Boolean(load_default=False)


class PublicationImportFormSchema(Strict):
    contract = fields.String(required=True, validate=CONTRACT_KEY)
    dry_run = fields.Boolean(load_default=False)


class ReplacementSchema(ma.Schema):
    owner_id = fields.Integer(metadata={"description": "the channel's or publication's id"})
    day = fields.Date()
    row = fields.Integer(allow_none=True)
    before = fields.Dict(keys=fields.String(), values=fields.Integer())
    after = fields.Dict(keys=fields.String(), values=fields.Integer())


class MetricsWriteSchema(ma.Schema):
    kind = fields.String()
    rows = fields.Integer()
    snapshots = fields.Integer()
    replaced = fields.Integer(metadata={"description": "snapshots replacing older ones of the "
                                                      "same channel (publication) and day"})
    dry_run = fields.Boolean()
    import_id = fields.Integer(allow_none=True)
    replacements = fields.List(fields.Nested(ReplacementSchema), metadata={
        "description": "the first 100 replaced snapshots, before and after"})


class MetricImportSchema(ma.Schema):
    id = fields.Integer()
    kind = fields.String()
    source = fields.String()
    filename = fields.String(allow_none=True)
    checksum = fields.String(allow_none=True)
    rows = fields.Integer()
    replaced = fields.Integer()
    username = fields.String(allow_none=True)
    at = fields.AwareDateTime()


class ContractPageArgs(PageArgs):
    contract = fields.String(required=True, validate=CONTRACT_KEY)


class PublicationMetricsArgs(ContractPageArgs):
    channel = fields.String(validate=validate.Length(min=1, max=32))
    premium = fields.Boolean(metadata={"description": "premium content only (true) or the "
                                                      "rest (false)"})


class LatestPublicationMetricSchema(ma.Schema):
    publication_id = fields.Integer()
    content_id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    original = fields.Boolean()
    premium = fields.Boolean()
    channel = fields.String()
    published_on = fields.Date()
    url = fields.String()
    day = fields.Date(metadata={"description": "the day of its latest snapshot"})
    reads = fields.Integer()
    shares = fields.Integer()
    likes = fields.Integer()


class PublicationMetricsPageSchema(ma.Schema):
    items = fields.List(fields.Nested(LatestPublicationMetricSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    premium_page_views = fields.Integer(metadata={
        "description": "premium content's page views: its publications' latest reads added"})


class GrowthArgs(Strict):
    contract = fields.String(required=True, validate=CONTRACT_KEY)
    as_of = fields.Date(metadata={"description": "default: today, or the term's last day "
                                                 "once it has ended"})


class GrowthKpiSchema(ma.Schema):
    key = fields.String()
    name = fields.String()
    metric = fields.String()
    compare = fields.String(metadata={"enum": ["stock", "window", "total"]})
    source = fields.String()
    growth_required = fields.Float(allow_none=True)
    minimum = fields.Integer(allow_none=True)
    baseline = fields.Integer(allow_none=True)
    baseline_day = fields.Date(allow_none=True)
    baseline_from = fields.Date()
    baseline_to = fields.Date()
    baseline_complete = fields.Boolean()
    end_from = fields.Date()
    end_to = fields.Date()
    current = fields.Integer(allow_none=True)
    growth = fields.Float(allow_none=True, metadata={"description": "current ÷ baseline − 1"})
    target = fields.Integer(allow_none=True)
    pace_per_day = fields.Float(allow_none=True)
    projected = fields.Integer(allow_none=True, metadata={
        "description": "the term's end figure at the pace of the last pace_days"})
    projected_growth = fields.Float(allow_none=True)
    behind = fields.Boolean(allow_none=True, metadata={
        "description": "the projection falls short of the target; null: not known yet"})


class GrowthReportSchema(ma.Schema):
    contract = fields.String()
    as_of = fields.Date()
    term_start = fields.Date()
    term_end = fields.Date()
    days_left = fields.Integer()
    pace_days = fields.Integer()
    kpis = fields.List(fields.Nested(GrowthKpiSchema))
    price = fields.Float()
    withheld_share = fields.Float()
    at_risk = fields.Boolean(metadata={"description": "a KPI's projection falls short"})
    price_at_risk = fields.Float(metadata={"description": "price × withheld share when at risk"})
    undetermined = fields.List(fields.String())

