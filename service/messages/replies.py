"""Standard replies (答复口径) of a contract, by category, counted as they are used; and FAQ
lists (问题集锦): recurring questions with their answers, published as a content draft that
enters the contract's normal review chain."""

from datetime import datetime

from sqlalchemy import func, select

from models import Faq, Message, ReplyTemplate, User, db
from service.clock import now_utc
from service.content import review
from service.content.channels import member_contract_ids
from service.district.contract_members import member_record, require_member
from service.district.contracts import find_contract
from service.errors import (
    ConflictError,
    PermissionDeniedError,
    field_error,
    named_in_body,
)
from service.messages.messages import require_act, rules_of
from service.pagination import Page, paginate
from service.transaction import lock_for_writing, reader, writer


@reader
def list_templates(viewer: User, contract: str | None = None, *, category: str | None = None,
                   page: int = 1, per_page: int = 50) -> Page:
    """The standard replies of a contract (or of every contract the viewer belongs to), by
    category, the most used first."""
    ids = member_contract_ids(viewer, contract)
    query = select(ReplyTemplate).where(ReplyTemplate.contract_id.in_(ids))
    if category:
        query = query.where(ReplyTemplate.category == category)
    return paginate(query.order_by(ReplyTemplate.category, ReplyTemplate.use_count.desc(),
                                   ReplyTemplate.id), page, per_page)


@writer
def create_template(*, actor: User, contract: str, category: str, title: str, text: str,
                    now: datetime | None = None) -> ReplyTemplate:
    """A standard reply (the editors' lead and the client's reviewer and approver, as the
    contract's `who.templates` says)."""
    with named_in_body("contract"):
        held = find_contract(contract)
        require_member(actor, held)
    require_act(actor, held, rules_of(held), "templates")
    for name, value in (("category", category), ("title", title), ("text", text)):
        if not value.strip():
            raise field_error(name, "不能为空")
    template = ReplyTemplate(contract=held, category=category.strip(), title=title.strip(),
                             text=text, use_count=0, created_by_id=actor.id,
                             created_at=now or now_utc())
    db.session.add(template)
    db.session.flush()
    return template


@reader
def recurring_questions(viewer: User, contract: str, *, minimum: int = 2) -> list[dict]:
    """Categories asked about at least `minimum` times, the most asked first, with the
    messages' ids: the candidates of a FAQ list."""
    ids = member_contract_ids(viewer, contract)
    rows = db.session.execute(
        select(Message.category, func.count(Message.id))
        .where(Message.contract_id.in_(ids), Message.category != "")
        .group_by(Message.category).having(func.count(Message.id) >= minimum)
        .order_by(func.count(Message.id).desc(), Message.category)).all()
    return [{"category": category, "messages": count} for category, count in rows]


@writer
def create_faq(*, actor: User, contract: str, title: str, items: list[dict],
               now: datetime | None = None) -> Faq:
    """A FAQ list of the contract: questions with their answers, each may name the messages
    that asked it (messages of the same contract)."""
    with named_in_body("contract"):
        held = find_contract(contract)
        require_member(actor, held)
    require_act(actor, held, rules_of(held), "faq")
    if not title.strip():
        raise field_error("title", "不能为空")
    named = {i for item in items for i in item.get("message_ids", [])}
    found = set(db.session.scalars(select(Message.id).where(
        Message.contract_id == held.id, Message.id.in_(named))))
    if named - found:
        raise field_error("items", f"该合同没有这些留言：{sorted(named - found)}")
    for position, item in enumerate(items):
        if not item["question"].strip() or not item["answer"].strip():
            raise field_error("items", f"第 {position + 1} 项的问题和答复不能为空")
    faq = Faq(contract=held, title=title.strip(), created_by_id=actor.id,
              created_at=now or now_utc(),
              items=[{"question": i["question"], "answer": i["answer"],
                      "message_ids": i.get("message_ids", [])} for i in items])
    db.session.add(faq)
    db.session.flush()
    return faq


def _faq(faq_id: int, actor: User) -> Faq:
    return member_record(Faq, faq_id, actor, f"问题集锦不存在：{faq_id}")


@reader
def list_faqs(viewer: User, contract: str | None = None, *, page: int = 1,
              per_page: int = 50) -> Page:
    ids = member_contract_ids(viewer, contract)
    return paginate(select(Faq).where(Faq.contract_id.in_(ids)).order_by(Faq.id.desc()),
                    page, per_page)


@reader
def get_faq(faq_id: int, viewer: User) -> Faq:
    return _faq(faq_id, viewer)


def faq_body(faq: Faq) -> str:
    """The FAQ list as the text of a piece of content: each question and its answer."""
    return "\n\n".join(f"问{n}：{item['question']}\n答：{item['answer']}"
                       for n, item in enumerate(faq.items, start=1))


@writer
def publish_faq(faq_id: int, *, actor: User, channels: list[str], column: str = "",
                now: datetime | None = None) -> Faq:
    """Publish a FAQ list as content: a draft article of the contract with the list as its
    first version, entering the normal review chain (editors and their lead write content;
    once only)."""
    now = now or now_utc()
    lock_for_writing()
    faq = _faq(faq_id, actor)
    if faq.content_id is not None:
        raise ConflictError(f"该问题集锦已生成内容：{faq.content_id}",
                            {"content_id": [str(faq.content_id)]})
    try:
        content = review.create_content(actor=actor, contract=faq.contract.key,
                                        title=faq.title, kind="article", original=True,
                                        channels=channels, body=faq_body(faq), column=column,
                                        now=now)
    except PermissionDeniedError:
        raise PermissionDeniedError("只有编辑或编辑组长可以将问题集锦生成内容") from None
    faq.content_id = content.id
    db.session.flush()
    return faq
