"""The request of an execution report."""

from marshmallow import fields

from api.schemas.common import Strict


class ExecutionRequestSchema(Strict):
    as_of = fields.Date(metadata={"description": "report as of this day (marked 截至); "
                                                 "default: the contract's end"})
