"""Schemas of messages and inquiries, standard replies (答复口径) and FAQ lists (问题集锦)."""

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import PageArgs, Strict
from api.schemas.contracts import CONTRACT_KEY
from service.messages.rules import KINDS, STATUSES

ID = validate.Range(min=1, max=999_999_999)
MAX_TEXT = 5000


def _text(required: bool, maximum: int, **metadata) -> fields.String:
    limits = validate.Length(min=1 if required else 0, max=maximum)
    return fields.String(required=required, validate=limits, metadata=metadata)


class MessageCreateSchema(Strict):
    contract = fields.String(required=True, validate=CONTRACT_KEY,
                             metadata={"example": "planning-media-2023"})
    channel = fields.String(required=True, validate=validate.Length(min=1, max=32),
                            metadata={"description": "a channel key of the contract"})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS),
                         metadata={"enum": list(KINDS), "description": "comment 评论, "
                                   "private_message 私信, inquiry 业务咨询"})
    received_at = fields.DateTime(required=True, metadata={
        "description": "when it was received: ISO 8601 with an offset, or without one as "
                       "Asia/Shanghai local time", "example": "2023-09-28T10:00:00+08:00"})
    handle = _text(True, 200, description="the user's name on the platform")
    text = _text(True, MAX_TEXT, description="what the user wrote")
    content_id = fields.Integer(allow_none=True, validate=ID, metadata={
        "description": "the content of the contract it refers to"})
    category = _text(False, 64, description="the question's category (for FAQ lists)")
    external_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=100),
                                metadata={"description": "the platform's id of the message"})


class MessageListArgs(PageArgs):
    contract = fields.String(validate=CONTRACT_KEY, metadata={
        "description": "a contract's key (default: every contract the caller belongs to)"})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"enum": list(STATUSES)})
    kind = fields.String(validate=validate.OneOf(KINDS), metadata={"enum": list(KINDS)})
    channel = fields.String(validate=validate.Length(min=1, max=32))
    overdue = fields.Boolean(metadata={"description": "true: not replied and past due"})
    flagged = fields.Boolean(metadata={
        "description": "true: the platform's reply window closes before the due time"})
    breached = fields.Boolean(metadata={
        "description": "true: replied after the due time or after the platform's window"})


class RouteSchema(Strict):
    department = _text(True, 100, description="the department answering it (业务处室)")
    note = _text(False, 2000)


class AnswerSchema(Strict):
    text = _text(False, MAX_TEXT, description="the department's answer (or the draft reply)")
    template_id = fields.Integer(allow_none=True, validate=ID, metadata={
        "description": "a standard reply (答复口径) whose text is used when no text is given; "
                       "its use is counted"})


class ApproveSchema(AnswerSchema):
    text = _text(False, MAX_TEXT, description="the wording approved (default: the answer)")
    note = _text(False, 2000)


class ReplySchema(AnswerSchema):
    text = _text(False, MAX_TEXT, description="the reply sent (default: the approved wording, "
                                              "which it must equal when approval is required)")
    replied_at = fields.DateTime(allow_none=True, metadata={
        "description": "when it was sent (default: now); without an offset: Asia/Shanghai"})


class MessageEventSchema(ma.Schema):
    id = fields.Integer()
    step = fields.String(metadata={"description": "enter, route, answer, approve, reply, "
                                                  "breach"})
    actor = fields.Function(lambda e: e.actor.username if e.actor else None)
    at = fields.AwareDateTime()
    details = fields.Dict()


class MessageSchema(ma.Schema):
    id = fields.Integer()
    contract = fields.Function(lambda m: m.contract.key)
    channel = fields.String()
    kind = fields.String()
    received_at = fields.AwareDateTime()
    handle = fields.String()
    text = fields.String()
    content_id = fields.Integer(allow_none=True)
    category = fields.String()
    external_id = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": list(STATUSES)})
    due_at = fields.AwareDateTime(metadata={
        "description": "one working day after receipt on the contract's calendar"})
    window_closes_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when the platform stops letting the account reply (WeChat private "
                       "messages: 48 hours), or null"})
    flagged = fields.Boolean(attribute="window_first", metadata={
        "description": "the platform's window closes before the due time: answer it first"})
    overdue = fields.Boolean(metadata={"description": "not replied and past due"})
    window_closed = fields.Boolean(metadata={"description": "not replied and past the window"})
    missing_steps = fields.List(fields.String(), metadata={
        "description": "steps its kind requires before the reply, not taken yet"})
    department = fields.String(allow_none=True)
    answer = fields.String(allow_none=True)
    approved_text = fields.String(allow_none=True)
    reply = fields.String(allow_none=True)
    replied_at = fields.AwareDateTime(allow_none=True)
    template_id = fields.Integer(allow_none=True)
    late = fields.Boolean(metadata={"description": "kept: replied after due_at"})
    window_missed = fields.Boolean(metadata={"description": "kept: replied after the window"})
    breached = fields.Function(lambda m: bool(m.late or m.window_missed))
    source = fields.String()
    created_at = fields.AwareDateTime()


class MessageDetailSchema(MessageSchema):
    events = fields.List(fields.Nested(MessageEventSchema), metadata={
        "description": "every step, oldest first"})


class MessageImportFileSchema(Strict):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class MessageImportFormSchema(Strict):
    contract = fields.String(required=True, validate=CONTRACT_KEY)
    dry_run = fields.Boolean(load_default=False)


class MessageImportSchema(ma.Schema):
    dry_run = fields.Boolean()
    rows = fields.Integer()
    messages = fields.List(fields.Nested(MessageSchema(only=(
        "channel", "kind", "received_at", "handle", "text", "content_id", "category",
        "external_id", "due_at", "window_closes_at", "flagged"))))
    entered = fields.Function(lambda r: [m.id for m in r.messages if m.id is not None])


class TemplateArgs(PageArgs):
    contract = fields.String(validate=CONTRACT_KEY)
    category = fields.String(validate=validate.Length(min=1, max=64))


class TemplateCreateSchema(Strict):
    contract = fields.String(required=True, validate=CONTRACT_KEY)
    category = _text(True, 64, description="e.g. 不动产登记")
    title = _text(True, 200)
    text = _text(True, MAX_TEXT, description="the standard reply's wording")


class TemplateSchema(ma.Schema):
    id = fields.Integer()
    contract = fields.Function(lambda t: t.contract.key)
    category = fields.String()
    title = fields.String()
    text = fields.String()
    use_count = fields.Integer(metadata={"description": "how many steps used it"})
    created_at = fields.AwareDateTime()


class FaqArgs(PageArgs):
    contract = fields.String(validate=CONTRACT_KEY)


class RecurringArgs(Strict):
    contract = fields.String(required=True, validate=CONTRACT_KEY)
    minimum = fields.Integer(load_default=2, validate=validate.Range(min=1, max=10_000))


class RecurringSchema(ma.Schema):
    category = fields.String()
    messages = fields.Integer()


class FaqItemSchema(Strict):
    question = _text(True, 2000)
    answer = _text(True, MAX_TEXT)
    message_ids = fields.List(fields.Integer(validate=ID), load_default=list,
                              validate=validate.Length(max=500))


class FaqCreateSchema(Strict):
    contract = fields.String(required=True, validate=CONTRACT_KEY)
    title = _text(True, 200, description="e.g. 不动产登记问题集锦（2023 年第四季度）")
    items = fields.List(fields.Nested(FaqItemSchema), required=True,
                        validate=validate.Length(min=1, max=200))


class FaqPublishSchema(Strict):
    channels = fields.List(fields.String(validate=validate.Length(min=1, max=32)),
                           required=True, validate=validate.Length(min=1, max=20))
    column = _text(False, 64, description="栏目, one of the contract's columns")


class FaqSchema(ma.Schema):
    id = fields.Integer()
    contract = fields.Function(lambda f: f.contract.key)
    title = fields.String()
    items = fields.List(fields.Dict())
    content_id = fields.Integer(allow_none=True, metadata={
        "description": "the content draft it became when published"})
    created_at = fields.AwareDateTime()
