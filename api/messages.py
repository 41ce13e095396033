"""Messages and inquiries of a content contract (the duty queue), their standard replies
(答复口径) and FAQ lists (问题集锦)."""

from collections.abc import Callable
from functools import wraps

from api.auth import contract_workers, current_user
from api.blueprint import Blueprint
from api.schemas.common import page_of
from api.schemas.messages import (
    AnswerSchema,
    ApproveSchema,
    FaqArgs,
    FaqCreateSchema,
    FaqPublishSchema,
    FaqSchema,
    MessageCreateSchema,
    MessageDetailSchema,
    MessageImportFileSchema,
    MessageImportFormSchema,
    MessageImportSchema,
    MessageListArgs,
    RecurringArgs,
    RecurringSchema,
    ReplySchema,
    RouteSchema,
    TemplateArgs,
    TemplateCreateSchema,
    TemplateSchema,
)
from service.messages import messages, replies


def step_allowed(step: str) -> Callable:
    """Who may take the step on the message is checked before its body is read."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            messages.require_step(kwargs["message_id"], current_user(), step)
            return view(*args, **kwargs)
        return wrapper
    return decorator


blp = Blueprint("messages", __name__, url_prefix="/api/v1/messages",
                description="Messages and inquiries, answered within one working day")
templates_blp = Blueprint("reply_templates", __name__, url_prefix="/api/v1/reply-templates",
                          description="Standard replies (答复口径), their use counted")
faqs_blp = Blueprint("faqs", __name__, url_prefix="/api/v1/faqs",
                     description="FAQ lists (问题集锦) of recurring questions")


@blp.route("")
@blp.arguments(MessageListArgs, location="query")
@blp.response(200, page_of(MessageDetailSchema))
def list_messages(args):
    """The duty queue: those whose platform window closes before their due time first, then
    by due time; overdue=true: open and past due; breached=true: replied late."""
    return messages.list_messages(current_user(), **args)


@blp.route("", methods=["POST"])
@contract_workers
@blp.arguments(MessageCreateSchema)
@blp.response(201, MessageDetailSchema)
def enter_message(data):
    """Enter a message received on a channel of the contract (operators): its due time (one
    working day on the contract's calendar) and the platform's reply window are fixed."""
    message = messages.enter_message(actor=current_user(), **data)
    return messages.get_message(message.id, current_user())


@blp.route("/import", methods=["POST"])
@contract_workers
@blp.arguments(MessageImportFileSchema, location="files")
@blp.arguments(MessageImportFormSchema, location="form")
@blp.response(201, MessageImportSchema)
@blp.alt_response(200, schema=MessageImportSchema, description="dry run: nothing stored")
def import_messages(files, form):
    """Import a platform's export (.xlsx or .csv: 渠道, 类型, 收到时间, 用户, 内容, optional
    编号, 关联内容, 分类); any bad row refuses the whole file, listing the rows."""
    upload = files["file"]
    result = messages.import_messages(actor=current_user(), contract=form["contract"],
                                      data=upload.read(), filename=upload.filename or "",
                                      dry_run=form["dry_run"])
    return result, 200 if result.dry_run else 201


@blp.route("/<id:message_id>")
@blp.response(200, MessageDetailSchema)
def get_message(message_id):
    """One message with every step of its answer (403 outside the caller's contracts)."""
    return messages.get_message(message_id, current_user())


@blp.route("/<id:message_id>/route", methods=["POST"])
@contract_workers
@step_allowed("route")
@blp.arguments(RouteSchema)
@blp.response(200, MessageDetailSchema)
def route_message(data, message_id):
    """Pass the message to the department answering it (业务处室)."""
    messages.route_message(message_id, actor=current_user(), **data)
    return messages.get_message(message_id, current_user())


@blp.route("/<id:message_id>/answer", methods=["POST"])
@contract_workers
@step_allowed("answer")
@blp.arguments(AnswerSchema)
@blp.response(200, MessageDetailSchema)
def answer_message(data, message_id):
    """Record the department's answer (after routing where the kind requires it)."""
    messages.answer_message(message_id, actor=current_user(), **data)
    return messages.get_message(message_id, current_user())


@blp.route("/<id:message_id>/approve", methods=["POST"])
@contract_workers
@step_allowed("approve")
@blp.arguments(ApproveSchema)
@blp.response(200, MessageDetailSchema)
def approve_message(data, message_id):
    """The team's supervisor approves the reply's wording (editor_lead; not admins)."""
    messages.approve_message(message_id, actor=current_user(), **data)
    return messages.get_message(message_id, current_user())


@blp.route("/<id:message_id>/reply", methods=["POST"])
@contract_workers
@step_allowed("reply")
@blp.arguments(ReplySchema)
@blp.response(200, MessageDetailSchema)
def reply_message(data, message_id):
    """Record the reply sent and when; 409 naming the missing step before the routing or
    approval its kind requires; a reply after the due time or the platform's window is a
    breach, kept."""
    messages.reply_message(message_id, actor=current_user(), **data)
    return messages.get_message(message_id, current_user())


@templates_blp.route("")
@templates_blp.arguments(TemplateArgs, location="query")
@templates_blp.response(200, page_of(TemplateSchema))
def list_templates(args):
    """The standard replies by category, the most used first."""
    return replies.list_templates(current_user(), **args)


@templates_blp.route("", methods=["POST"])
@contract_workers
@templates_blp.arguments(TemplateCreateSchema)
@templates_blp.response(201, TemplateSchema)
def create_template(data):
    """A standard reply (the editors' lead, the client's reviewer and approver)."""
    return replies.create_template(actor=current_user(), **data)


@faqs_blp.route("")
@faqs_blp.arguments(FaqArgs, location="query")
@faqs_blp.response(200, page_of(FaqSchema))
def list_faqs(args):
    """The FAQ lists of a contract, newest first."""
    return replies.list_faqs(current_user(), args.get("contract"), page=args["page"],
                             per_page=args["per_page"])


@faqs_blp.route("/recurring")
@faqs_blp.arguments(RecurringArgs, location="query")
@faqs_blp.response(200, RecurringSchema(many=True))
def recurring(args):
    """Categories of messages asked about at least `minimum` times, the most asked first."""
    return replies.recurring_questions(current_user(), args["contract"],
                                       minimum=args["minimum"])


@faqs_blp.route("", methods=["POST"])
@contract_workers
@faqs_blp.arguments(FaqCreateSchema)
@faqs_blp.response(201, FaqSchema)
def create_faq(data):
    """A FAQ list: questions and answers, each may name the messages that asked it."""
    return replies.create_faq(actor=current_user(), **data)


@faqs_blp.route("/<id:faq_id>")
@faqs_blp.response(200, FaqSchema)
def get_faq(faq_id):
    return replies.get_faq(faq_id, current_user())


@faqs_blp.route("/<id:faq_id>/publish", methods=["POST"])
@contract_workers
@faqs_blp.arguments(FaqPublishSchema)
@faqs_blp.response(201, FaqSchema)
def publish_faq(data, faq_id):
    """Publish the list as content: a draft article with the list as its first version,
    entering the contract's review chain (editors and their lead; once)."""
    return replies.publish_faq(faq_id, actor=current_user(), **data)
