"""The request of an effect report."""

from marshmallow import fields, validate

from api.schemas.common import Strict


class EffectRequestSchema(Strict):
    month = fields.String(validate=validate.Regexp(r"^\d{4}-\d{2}$", error="月份格式应为 YYYY-MM"),
                          metadata={"description": "a calendar month, e.g. 2022-09"})
    start = fields.Date(data_key="from", metadata={"description": "or a range's first day"})
    end = fields.Date(data_key="to", metadata={"description": "and its last day"})
