"""Schemas of a contract's monthly themes (每月一题)."""

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import PageArgs, Strict
from api.schemas.contracts import CONTRACT_KEY
from models import ThemeStatus

# A month of the years a contract can use.
MONTH = validate.Regexp(r"^(20\d\d|2100)-(0[1-9]|1[0-2])$",
                        error="月份应为 2000–2100 年间的 YYYY-MM")
STATUSES = [s.value for s in ThemeStatus]
MAX_DEPARTMENTS = 20


def _month(description: str = "YYYY-MM", **kwargs) -> fields.String:
    return fields.String(validate=MONTH, metadata={"example": "2023-07",
                                                   "description": description}, **kwargs)


class ThemeArgs(PageArgs):
    contract = fields.String(validate=CONTRACT_KEY, metadata={
        "description": "a contract's key (default: every contract the caller belongs to)"})
    from_ = _month("the first month, YYYY-MM", data_key="from")
    to = _month("the last month, YYYY-MM")
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "as shown: missed is a theme not delivered by the end of its month"})


def _text(required: bool, maximum: int, **metadata) -> fields.String:
    limits = validate.Length(min=1 if required else 0, max=maximum)
    return fields.String(required=required, validate=limits, metadata=metadata)


class ThemeUpdateSchema(Strict):
    month = _month()
    title = _text(False, 200, description="the theme (主题)", example="地质灾害防治")
    description = _text(False, 5000, description="its content (内容)")
    format = _text(False, 1000, description="its forms (形式), e.g. 海报、视频、预警提示")
    departments = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                              validate=validate.Length(max=MAX_DEPARTMENTS), metadata={
                                  "description": "the responsible departments (责任部门)"})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "planned → in_production → delivered, one step at a time; back, a "
                       "skip, or a change once the month is over: admins, with a reason; "
                       "missed is never set, it is shown"})
    reason = _text(False, 500, description="why (required of an admin's change out of order; "
                                           "kept in the history)")


class ThemeCreateSchema(Strict):
    contract = fields.String(required=True, validate=CONTRACT_KEY)
    month = fields.String(required=True, validate=MONTH, metadata={"example": "2023-07"})
    title = _text(True, 200, description="the theme (主题)", example="地质灾害防治")
    description = _text(False, 5000, description="its content (内容)")
    format = _text(False, 1000, description="its forms (形式), e.g. 海报、视频、预警提示")
    departments = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                              validate=validate.Length(max=MAX_DEPARTMENTS), metadata={
                                  "description": "the responsible departments (责任部门)"})


class ThemeSchema(ma.Schema):
    id = fields.Integer()
    contract = fields.Function(lambda t: t.contract.key, metadata={
        "description": "the contract's key"})
    month = fields.String(metadata={"example": "2023-07"})
    title = fields.String()
    description = fields.String()
    format = fields.String()
    departments = fields.List(fields.String())
    status = fields.String(attribute="shown_status", metadata={
        "enum": STATUSES,
        "description": "missed: its month ended (Asia/Shanghai) and it was not delivered"})
    created_by = fields.Integer(attribute="created_by_id", allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class LinkedContentSchema(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": "the piece's status (draft … published)"})
    channels = fields.List(fields.String())


class ThemeDetailSchema(ThemeSchema):
    content = fields.List(fields.Nested(LinkedContentSchema), attribute="linked_content",
                          metadata={"description": "the content linked to the theme"})
