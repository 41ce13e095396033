"""Messages of a content contract: entered by an operator or imported from a platform's export
(a dry run first; all or nothing), then answered step by step — routed to a department, its
answer, the supervisor's approval, the reply — as the contract's `messages` block requires for
each kind, every step recorded. Due within the contract's working-day deadline
(deadlines.py); a reply after it, or after the platform's own window, is a breach, kept."""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.orm import selectinload

from exports.message_file import MessageRow, parse_message_file
from exports.user_count_file import FileLimitError, RowError, UnreadableFileError, shown
from models import Content, Contract, Message, MessageEvent, ReplyTemplate, Role, User, db
from service.clock import SHANGHAI, local_date, now_utc
from service.content.channels import member_contract_ids
from service.district.contract_members import contract_role, require_member
from service.district.contracts import find_contract
from service.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RuleViolationError,
    field_error,
    named_in_body,
)
from service.messages import deadlines
from service.messages.rules import (
    KIND_LABELS,
    KINDS,
    STATUS_AFTER,
    STEP_LABELS,
    STEPS,
    MessageRules,
    message_rules,
)
from service.pagination import Page, paginate
from service.progress.user_counts import (
    RowsRejectedError,
    UnreadableUploadError,
    UploadRefusedError,
)
from service.transaction import conflicts_as, lock_for_writing, reader, writer

ADMIN_APPROVE_MESSAGE = "管理员不进行主管审核：审核须由合同中担任该角色的人进行"
# A reply recorded a little ahead of the server's clock (a phone's clock) is taken as now.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class MessageImport:
    dry_run: bool
    rows: int
    messages: list[Message] = field(default_factory=list)


# --- who may do what ---------------------------------------------------------------------------

def rules_of(contract: Contract, field_name: str = "contract") -> MessageRules:
    """The contract's rules for messages; a contract without them records none (422)."""
    rules = message_rules(contract)
    if rules is None:
        raise field_error(field_name, f"合同「{contract.name}」没有约定留言答复规则，"
                                      "不能在此登记留言")
    return rules


def require_act(actor: User, contract: Contract, rules: MessageRules, act: str) -> str:
    """Refuse (403) unless the actor's role in the contract records `act` (the contract's
    `who`); admins record everything but approvals."""
    role = require_member(actor, contract)
    if role == Role.ADMIN:
        if act == "approve":
            raise PermissionDeniedError(ADMIN_APPROVE_MESSAGE)
        return role
    if role not in rules.who.get(act, []):
        raise PermissionDeniedError(f"您在该合同中的角色不能进行「{STEP_LABELS.get(act, act)}」")
    return role


def _message(message_id: int, actor: User, *, for_update: bool = False) -> Message:
    """The message; one of a contract the actor does not belong to is refused (403)."""
    query = select(Message).where(Message.id == message_id)
    if for_update:
        query = query.with_for_update()
    message = db.session.scalar(query)
    if message is None:
        raise NotFoundError(f"留言不存在：{message_id}")
    if contract_role(actor, message.contract) is None:
        raise PermissionDeniedError("该留言不属于您所在的合同")
    return message


# --- entering ----------------------------------------------------------------------------------

def as_aware(moment: datetime) -> datetime:
    """A time given without an offset is Asia/Shanghai's (the platforms' own clock); held in
    UTC, as it is stored."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=SHANGHAI)
    return aware.astimezone(UTC)


def _check_received(contract: Contract, received_at: datetime, now: datetime) -> None:
    if received_at > now + CLOCK_SKEW:
        raise field_error("received_at", "收到时间不能晚于现在")
    day = local_date(received_at)
    if not contract.start_date <= day <= contract.end_date:
        raise field_error("received_at", f"收到时间应在合同期内（{contract.start_date:%Y-%m-%d}"
                                         f" 至 {contract.end_date:%Y-%m-%d}）")


def _check_content(contract: Contract, content_id: int | None) -> None:
    if content_id is None:
        return
    content = db.session.get(Content, content_id)
    if content is None or content.contract_id != contract.id:
        raise field_error("content_id", f"该合同没有此内容：{content_id}")


def _new_message(contract: Contract, rules: MessageRules, *, actor: User | None, channel: str,
                 kind: str, received_at: datetime, handle: str, text: str,
                 content_id: int | None, category: str, external_id: str | None,
                 source: str, now: datetime) -> Message:
    """A message as entered, with its deadlines (not yet added to the session)."""
    due = deadlines.due_at(contract, rules, received_at).astimezone(UTC)
    window = deadlines.window_closes_at(rules, channel, kind, received_at)
    return Message(contract=contract, channel=channel, kind=kind, received_at=received_at,
                   handle=handle, text=text, content_id=content_id, category=category or "",
                   external_id=external_id or None, status="new", due_at=due,
                   window_closes_at=window, window_first=window is not None and window < due,
                   late=False, window_missed=False, source=source,
                   created_by_id=actor.id if actor else None, created_at=now)


def _event(message: Message, step: str, actor: User | None, now: datetime, **details) -> None:
    db.session.add(MessageEvent(message=message, step=step, actor_id=actor.id if actor else None,
                                at=now, details=details))


def _store(messages: list[Message], actor: User | None, now: datetime, **details) -> None:
    with conflicts_as("该平台编号的留言已登记过", "external_id"):
        for message in messages:
            db.session.add(message)
            _event(message, "enter", actor, now, source=message.source, **details)
        db.session.flush()


@writer
def enter_message(*, actor: User, contract: str, channel: str, kind: str,
                  received_at: datetime, handle: str, text: str, content_id: int | None = None,
                  category: str = "", external_id: str | None = None,
                  now: datetime | None = None) -> Message:
    """Enter a message received on one of the contract's channels (operators); its due time
    and the platform's reply window are fixed now."""
    now = now or now_utc()
    with named_in_body("contract"):
        held = find_contract(contract)
        require_member(actor, held)
    rules = rules_of(held)
    require_act(actor, held, rules, "enter")
    received_at = as_aware(received_at)
    if kind not in KINDS:
        raise field_error("kind", f"类型应为：{'、'.join(KINDS)}")
    if channel not in [c.key for c in held.channels]:
        raise field_error("channel", f"该合同没有渠道：{channel}")
    _check_received(held, received_at, now)
    _check_content(held, content_id)
    message = _new_message(held, rules, actor=actor, channel=channel, kind=kind,
                           received_at=received_at, handle=handle, text=text,
                           content_id=content_id, category=category, external_id=external_id,
                           source="api", now=now)
    _store([message], actor, now)
    return message


# --- importing ---------------------------------------------------------------------------------

def _lookup(contract: Contract) -> tuple[dict[str, str], dict[str, str]]:
    """Channel and kind as an export may name them: the key or the name people read."""
    channels = {}
    for channel in contract.channels:
        for name in (channel.key, channel.platform, channel.platform.removesuffix("公众号")):
            channels[name.lower()] = channel.key
    kinds = {kind: kind for kind in KINDS} | {label: kind for kind, label in KIND_LABELS.items()}
    kinds |= {"咨询": "inquiry", "留言": "comment", "私信消息": "private_message"}
    return channels, kinds


def _row_errors(row: MessageRow, contract: Contract, channels: dict, kinds: dict,
                content_ids: set[int], now: datetime) -> list[RowError]:
    errors = []
    if row.channel and row.channel.lower() not in channels:
        errors.append(RowError(row.row, "渠道", f"该合同没有渠道：{shown(row.channel)}"))
    if row.kind and row.kind.lower() not in kinds:
        errors.append(RowError(row.row, "类型",
                               f"类型应为 评论、私信 或 业务咨询：{shown(row.kind)}"))
    if row.received_at is not None:
        try:
            _check_received(contract, as_aware(row.received_at), now)
        except RuleViolationError as error:
            errors.append(RowError(row.row, "收到时间", error.message))
    if row.content_id is not None and row.content_id not in content_ids:
        errors.append(RowError(row.row, "关联内容", f"该合同没有此内容：{row.content_id}"))
    for value, label, limit in ((row.handle, "用户", 200), (row.text, "内容", 5000),
                                (row.external_id, "编号", 100), (row.category, "分类", 64)):
        if value and len(value) > limit:
            errors.append(RowError(row.row, label, f"{label}最多 {limit} 个字符"))
    return errors


@writer
def import_messages(*, actor: User, contract: str, data: bytes, filename: str,
                    dry_run: bool = False, now: datetime | None = None) -> MessageImport:
    """Check a platform's export and, unless a row is bad or this is a dry run, enter every
    message of it (all or none). A dry run refuses exactly what an import would and shows
    the messages with their due times; a message already entered (same channel and platform
    id) is a bad row."""
    now = now or now_utc()
    with named_in_body("contract"):
        held = find_contract(contract)
        require_member(actor, held)
    rules = rules_of(held)
    require_act(actor, held, rules, "enter")
    try:
        parsed = parse_message_file(data, filename)
    except UnreadableFileError as error:
        raise UnreadableUploadError(str(error), {"file": [str(error)]}) from None
    except FileLimitError as error:
        raise UploadRefusedError(str(error)) from None
    channels, kinds = _lookup(held)
    content_ids = set(db.session.scalars(select(Content.id).where(
        Content.contract_id == held.id,
        Content.id.in_({r.content_id for r in parsed.rows if r.content_id}))))
    known_ids = set(db.session.execute(select(Message.channel, Message.external_id).where(
        Message.contract_id == held.id, Message.external_id.is_not(None))).all())
    errors, messages, first_row_of = list(parsed.errors), [], {}
    for row in parsed.rows:
        row_errors = _row_errors(row, held, channels, kinds, content_ids, now)
        channel = channels.get((row.channel or "").lower())
        if row.external_id and channel:
            key = (channel, row.external_id)
            if key in known_ids:
                row_errors.append(RowError(row.row, "编号",
                                           f"该留言已登记过：{shown(row.external_id)}"))
            elif key in first_row_of:
                row_errors.append(RowError(row.row, "编号",
                                           f"编号重复出现（第 {first_row_of[key]} 行已有）"))
            first_row_of.setdefault(key, row.row)
        if not row_errors and row.received_at is not None and row.handle and row.text \
                and channel and row.kind:
            try:
                messages.append(_new_message(
                    held, rules, actor=actor, channel=channel, kind=kinds[row.kind.lower()],
                    received_at=as_aware(row.received_at), handle=row.handle, text=row.text,
                    content_id=row.content_id, category=row.category or "",
                    external_id=row.external_id, source="import", now=now))
            except RuleViolationError as error:  # a deadline on a day nobody knows yet
                row_errors.append(RowError(row.row, "收到时间", error.message))
        errors.extend(row_errors)
    if errors:
        raise RowsRejectedError(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    result = MessageImport(dry_run, len(parsed.rows), messages)
    if dry_run:  # the messages were never added to the session: nothing is written
        return result
    _store(messages, actor, now, checksum=hashlib.sha256(data).hexdigest(), filename=filename)
    return result


# --- the steps ---------------------------------------------------------------------------------

def missing_steps(message: Message, rules: MessageRules, before: str = "reply") -> list[str]:
    """The steps the message's kind requires before `before` that were not taken."""
    done = {event.step for event in message.events}
    required = rules.requires.get(message.kind, [])
    limit = STEPS.index(before) if before in STEPS else len(STEPS)
    return [step for step in STEPS[:limit] if step in required and step not in done]


def _refuse_missing(message: Message, rules: MessageRules, step: str) -> None:
    missing = missing_steps(message, rules, step)
    if missing:
        labels = "、".join(f"「{STEP_LABELS[s]}」" for s in missing)
        kind = KIND_LABELS[message.kind]
        raise ConflictError(f"{kind}须先完成{labels}才能{STEP_LABELS[step]}（缺少步骤："
                            f"{'、'.join(missing)}）", {"missing_step": missing})


def _refuse_repeated(message: Message, step: str) -> None:
    if message.status == "replied":
        raise ConflictError("该留言已回复，不能再记录步骤", {"status": ["replied"]})
    if any(event.step == step for event in message.events):
        raise ConflictError(f"该留言已完成「{STEP_LABELS[step]}」", {"step": [step]})


def _template_text(contract: Contract, template_id: int | None, text: str | None
                   ) -> tuple[str | None, ReplyTemplate | None]:
    """The text of a step: as given, else the standard reply's (counted as used)."""
    if template_id is None:
        return text, None
    template = db.session.get(ReplyTemplate, template_id)
    if template is None or template.contract_id != contract.id:
        raise field_error("template_id", f"该合同没有此答复口径：{template_id}")
    return (text or template.text), template


def _count_use(template: ReplyTemplate | None) -> None:
    """One more use of a standard reply, counted in the database (two operators at once)."""
    if template is not None:
        db.session.execute(update(ReplyTemplate).where(ReplyTemplate.id == template.id)
                           .values(use_count=ReplyTemplate.use_count + 1))


@reader
def require_step(message_id: int, actor: User, step: str) -> None:
    """Refuse before a request's body is read: a message that does not exist (404), of a
    contract the actor does not belong to (403), a step their role does not record (403)."""
    message = _message(message_id, actor)
    require_act(actor, message.contract, rules_of(message.contract), step)


def _step(message_id: int, actor: User, step: str) -> tuple[Message, MessageRules]:
    lock_for_writing()
    message = _message(message_id, actor, for_update=True)
    rules = rules_of(message.contract)
    require_act(actor, message.contract, rules, step)
    _refuse_repeated(message, step)
    _refuse_missing(message, rules, step)
    return message, rules


@writer
def route_message(message_id: int, *, actor: User, department: str, note: str = "",
                  now: datetime | None = None) -> Message:
    """Pass a message to the department that answers it (业务处室); recorded."""
    now = now or now_utc()
    message, _ = _step(message_id, actor, "route")
    if not department.strip():
        raise field_error("department", "请填写业务处室")
    message.department = department.strip()
    message.status = STATUS_AFTER["route"]
    _event(message, "route", actor, now, department=message.department, note=note)
    db.session.flush()
    return message


@writer
def answer_message(message_id: int, *, actor: User, text: str | None = None,
                   template_id: int | None = None, now: datetime | None = None) -> Message:
    """Record the department's answer (or, for a comment, the operator's draft); recorded."""
    now = now or now_utc()
    message, _ = _step(message_id, actor, "answer")
    text, template = _template_text(message.contract, template_id, text)
    if not text or not text.strip():
        raise field_error("text", "请填写答复内容（或选择答复口径）")
    message.answer = text
    message.status = STATUS_AFTER["answer"]
    _count_use(template)
    _event(message, "answer", actor, now, text=text, department=message.department,
           template_id=template_id)
    db.session.flush()
    return message


@writer
def approve_message(message_id: int, *, actor: User, text: str | None = None,
                    template_id: int | None = None, note: str = "",
                    now: datetime | None = None) -> Message:
    """The supervisor approves the reply's wording (given, a standard reply's, or the answer
    recorded); recorded."""
    now = now or now_utc()
    message, _ = _step(message_id, actor, "approve")
    text, template = _template_text(message.contract, template_id, text)
    text = text or message.answer
    if not text or not text.strip():
        raise field_error("text", "请填写审核通过的回复内容（或选择答复口径）")
    message.approved_text = text
    message.status = STATUS_AFTER["approve"]
    _count_use(template)
    _event(message, "approve", actor, now, text=text, note=note, template_id=template_id)
    db.session.flush()
    return message


@writer
def reply_message(message_id: int, *, actor: User, text: str | None = None,
                  template_id: int | None = None, replied_at: datetime | None = None,
                  now: datetime | None = None) -> Message:
    """Record the reply sent to the user and when (default now): only after the steps the
    message's kind requires (409 naming the one missing); the approved wording when an
    approval was required. A reply after the due time, or after the platform's window
    closed, is a breach, kept with the message."""
    now = now or now_utc()
    message, rules = _step(message_id, actor, "reply")
    text, template = _template_text(message.contract, template_id, text)
    approved = message.approved_text
    if "approve" in rules.requires.get(message.kind, []) and text and text != approved:
        raise ConflictError("回复内容须为主管审核通过的内容；修改后须重新审核",
                            {"text": ["与审核通过的内容不同"]})
    text = text or approved or message.answer
    if not text or not text.strip():
        raise field_error("text", "请填写回复内容（或选择答复口径）")
    replied_at = as_aware(replied_at) if replied_at else now
    if replied_at > now + CLOCK_SKEW:
        raise field_error("replied_at", "回复时间不能晚于现在")
    if replied_at < message.received_at:
        raise field_error("replied_at", "回复时间不能早于收到时间")
    message.reply, message.replied_at = text, replied_at
    message.template_id = template_id or message.template_id
    message.status = STATUS_AFTER["reply"]
    message.late = replied_at > message.due_at
    message.window_missed = (message.window_closes_at is not None
                             and replied_at > message.window_closes_at)
    _count_use(template)
    _event(message, "reply", actor, now, text=text, replied_at=replied_at.isoformat(),
           template_id=template_id)
    if message.late or message.window_missed:
        _event(message, "breach", actor, now, late=message.late,
               window_missed=message.window_missed, due_at=message.due_at.isoformat(),
               window_closes_at=message.window_closes_at and message.window_closes_at.isoformat(),
               replied_at=replied_at.isoformat())
    db.session.flush()
    return message


# --- reading -----------------------------------------------------------------------------------

def _open():
    return Message.status != "replied"


@reader
def list_messages(viewer: User, contract: str | None = None, *, status: str | None = None,
                  kind: str | None = None, channel: str | None = None,
                  overdue: bool | None = None, flagged: bool | None = None,
                  breached: bool | None = None, page: int = 1, per_page: int = 50,
                  now: datetime | None = None) -> Page:
    """The duty queue: messages of a contract (or of every contract the viewer belongs to),
    those still open whose platform window closes before their due time first, then by due
    time. overdue: open and past due; flagged: the window closes first; breached: replied
    late or after the window."""
    now = now or now_utc()
    ids = member_contract_ids(viewer, contract)
    query = (select(Message).where(Message.contract_id.in_(ids))
             .options(selectinload(Message.contract),
                      selectinload(Message.events).selectinload(MessageEvent.actor)))
    if status:
        query = query.where(Message.status == status)
    if kind:
        query = query.where(Message.kind == kind)
    if channel:
        query = query.where(Message.channel == channel)
    if overdue is not None:
        late = and_(_open(), Message.due_at < now)
        query = query.where(late if overdue else ~late)
    if flagged is not None:
        query = query.where(Message.window_first.is_(flagged))
    if breached is not None:
        kept = or_(Message.late.is_(True), Message.window_missed.is_(True))
        query = query.where(kept if breached else ~kept)
    first = case((and_(_open(), Message.window_first.is_(True)), 0), (_open(), 1), else_=2)
    query = query.order_by(first, Message.due_at, Message.id)
    result = paginate(query, page, per_page)
    for message in result.items:
        shown_states(message, now)
    return result


def shown_states(message: Message, now: datetime) -> Message:
    """What is worked out when read: past due or past the window while still open."""
    open_ = message.status != "replied"
    message.overdue = open_ and message.due_at < now
    message.window_closed = (open_ and message.window_closes_at is not None
                             and message.window_closes_at < now)
    rules = message_rules(message.contract)
    message.missing_steps = missing_steps(message, rules) if rules and open_ else []
    return message


@reader
def get_message(message_id: int, viewer: User, now: datetime | None = None) -> Message:
    """One message with every step of its answer (403 outside the viewer's contracts)."""
    message = _message(message_id, viewer)
    message.events  # noqa: B018 (loaded in the reader)
    return shown_states(message, now or now_utc())
