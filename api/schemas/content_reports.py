"""Schemas of a content contract's reports: monthly and quarterly operations reports, the
mid-term report and the final summary, key-content propagation reports."""

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import PageArgs, Strict
from api.schemas.contracts import CONTRACT_KEY
from api.schemas.jobs import JobSchema
from service.reports.content import REPORT_KINDS

# A written section is a few pages at most; beyond that it is not a report's section.
MAX_SECTION = 20_000
KIND_DESCRIPTION = ("monthly (a calendar month), quarterly (the contract's quarter), midterm "
                    "(中期报告: the term's start to the end of its middle day's month), final "
                    "(项目总结报告: the whole term) or key_content (重点内容传播分析报告 of one "
                    "piece of content: `content`)")


class ContentReportCreateSchema(Strict):
    contract = fields.String(required=True, validate=CONTRACT_KEY)
    kind = fields.String(required=True, validate=validate.OneOf(list(REPORT_KINDS)),
                         metadata={"description": KIND_DESCRIPTION})
    period = fields.String(validate=validate.Length(min=1, max=16), metadata={
        "description": "2023-10 for a month; 2023/24-Q2 for the contract's second quarter "
                       "(quarters are counted from the contract's start, as compliance does); "
                       "required for monthly and quarterly reports, none for the others"})
    content = fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "key_content: the published content "
                                                      "the report is about"})


class ContentReportArgs(PageArgs):
    contract = fields.String(required=True, validate=CONTRACT_KEY)


class SectionsSchema(Strict):
    lessons = fields.String(required=True, validate=validate.Length(max=MAX_SECTION),
                            metadata={"description": "③ 经验总结 (lessons learned)"})
    plan = fields.String(required=True, validate=validate.Length(max=MAX_SECTION),
                         metadata={"description": "④ 下期工作计划 (next period's plan)"})


def _name(user) -> str | None:
    return user.username if user else None


class ContentReportSchema(ma.Schema):
    id = fields.Integer()
    contract = fields.Function(lambda r: r.contract.key)
    kind = fields.String(metadata={"description": KIND_DESCRIPTION})
    period = fields.String()
    content = fields.Integer(attribute="content_id", allow_none=True, metadata={
        "description": "key_content: the content the report is about"})
    content_title = fields.Function(lambda r: r.content.title if r.content else None,
                                    allow_none=True)
    start = fields.Date(attribute="period_start", data_key="from")
    end = fields.Date(attribute="period_end", data_key="to")
    status = fields.String(metadata={"description": "draft, issued"})
    lessons = fields.String()
    plan = fields.String()
    sections_by = fields.Function(lambda r: _name(r.sections_by), allow_none=True)
    sections_at = fields.AwareDateTime(allow_none=True)
    created_by = fields.Function(lambda r: _name(r.created_by), allow_none=True)
    created_at = fields.AwareDateTime()
    issued_by = fields.Function(lambda r: _name(r.issued_by), allow_none=True)
    issued_at = fields.AwareDateTime(allow_none=True)
    job = fields.Nested(JobSchema, allow_none=True,
                        metadata={"description": "The job making the issued report's files"})

