"""Messages and inquiries from the public on a contract's channels (comments, private
messages, business inquiries), each step of their answer, the standard replies (答复口径)
and the FAQ lists (问题集锦) made of recurring questions."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow


class Message(db.Model):
    """One message as received, where its answer stands, and its deadlines. `due_at` and
    `window_closes_at` are fixed at entry; the breaches are fixed at the reply, so that
    neither moves with a later change of the calendar or the contract."""

    __tablename__ = "messages"
    # A platform's own id of a message, when an export gives it: the same export imported
    # twice does not enter a message twice.
    __table_args__ = (UniqueConstraint("contract_id", "channel", "external_id",
                                       name="uq_messages_external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32), index=True)  # a channel key of the contract
    kind: Mapped[str] = mapped_column(String(16), index=True)  # comment, private_message, inquiry
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    handle: Mapped[str] = mapped_column(String(200))  # the user's name on the platform
    text: Mapped[str] = mapped_column(Text)
    content_id: Mapped[int | None] = mapped_column(ForeignKey("content.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(64), default="")  # the question's category
    # new → routed → answered → approved → replied (the steps the kind requires).
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The platform's own reply window (WeChat: 48 hours for a private message), or None.
    window_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The window closes before the due time: answer it first.
    window_first: Mapped[bool] = mapped_column(default=False, index=True)
    department: Mapped[str | None] = mapped_column(String(100))  # 业务处室 routed to
    answer: Mapped[str | None] = mapped_column(Text)  # the department's answer, or a draft
    approved_text: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("reply_templates.id"))
    # Kept once recorded at the reply: replied after due_at; replied after the window closed.
    late: Mapped[bool] = mapped_column(default=False, index=True)
    window_missed: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(16), default="api")  # api, import, demo
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped["Contract"] = relationship()  # noqa: F821 (models.contract)
    events: Mapped[list["MessageEvent"]] = relationship(
        back_populates="message", order_by="MessageEvent.id")


class MessageEvent(db.Model):
    """One step of a message's answer: received, routed, answered, approved, replied, or a
    breach recorded; who, when, and what was said."""

    __tablename__ = "message_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    message: Mapped[Message] = relationship(back_populates="events")
    actor: Mapped["User | None"] = relationship()  # noqa: F821 (models.user)


class ReplyTemplate(db.Model):
    """A standard reply (答复口径) of a contract, by category; how often it was used."""

    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    category: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    use_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped["Contract"] = relationship()  # noqa: F821 (models.contract)


class Faq(db.Model):
    """A FAQ list (问题集锦): recurring questions with their answers, and the content draft
    it became when published."""

    __tablename__ = "faqs"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # [{question, answer, message_ids}]
    items: Mapped[list] = mapped_column(JSON, default=list)
    content_id: Mapped[int | None] = mapped_column(ForeignKey("content.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped["Contract"] = relationship()  # noqa: F821 (models.contract)
