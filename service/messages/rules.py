"""What a contract file says about answering messages (its `messages` block), checked when the
file is loaded: the working days a reply is due in, the steps each kind of message requires
before its reply, which member roles record each step, and the platforms' own reply windows
(WeChat: 48 hours for a private message)."""

from dataclasses import dataclass

from models import Contract
from service.errors import field_error

KINDS = ("comment", "private_message", "inquiry")
KIND_LABELS = {"comment": "评论", "private_message": "私信", "inquiry": "业务咨询"}
# The steps before a reply, in the order they are taken.
STEPS = ("route", "answer", "approve")
STEP_LABELS = {"enter": "登记", "route": "转办业务处室", "answer": "处室答复",
               "approve": "主管审核", "reply": "回复", "breach": "超时"}
# What `who` names: the steps, and the standard replies and FAQ lists.
ACTS = ("enter", "route", "answer", "approve", "reply", "templates", "faq")
# The status a message reaches with each step.
STATUS_AFTER = {"route": "routed", "answer": "answered", "approve": "approved",
                "reply": "replied"}
STATUSES = ("new", "routed", "answered", "approved", "replied")
MAX_DUE_WORKING_DAYS = 10
MAX_WINDOW_HOURS = 24 * 30
FIELD = "messages"


@dataclass(frozen=True)
class MessageRules:
    due_working_days: int
    who: dict[str, list[str]]
    requires: dict[str, list[str]]
    windows: dict[tuple[str, str], int]  # (channel, kind) → hours

    def window_hours(self, channel: str, kind: str) -> int | None:
        return self.windows.get((channel, kind))


def _refuse(message: str):
    return field_error(FIELD, f"messages：{message}")


def _role_list(value, where: str, roles: list[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
        raise _refuse(f"{where} 应为角色名称的列表")
    unknown = [r for r in value if r not in roles]
    if unknown:
        raise _refuse(f"{where} 中的角色不在合同的 roles 中：{'、'.join(unknown)}")
    return value


def checked_message_rules(data: dict) -> dict:
    """The `messages` block of a contract file as stored (empty when the file has none); a bad
    item refuses the file, naming it."""
    block = data.get(FIELD)
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise _refuse("应为对象")
    roles = data.get("roles") or []
    days = block.get("due_working_days", 1)
    if not isinstance(days, int) or isinstance(days, bool) \
            or not 1 <= days <= MAX_DUE_WORKING_DAYS:
        raise _refuse(f"due_working_days 应为 1–{MAX_DUE_WORKING_DAYS} 的整数")
    who = block.get("who") or {}
    if not isinstance(who, dict) or set(who) - set(ACTS):
        raise _refuse(f"who 只能列出：{'、'.join(ACTS)}")
    who = {act: _role_list(who.get(act, []), f"who.{act}", roles) for act in ACTS}
    kinds = block.get("kinds") or {}
    if not isinstance(kinds, dict) or set(kinds) - set(KINDS):
        raise _refuse(f"kinds 只能列出：{'、'.join(KINDS)}")
    requires = {}
    for kind in KINDS:
        steps = (kinds.get(kind) or {}).get("requires", [])
        if not isinstance(steps, list) or any(s not in STEPS for s in steps):
            raise _refuse(f"kinds.{kind}.requires 只能列出：{'、'.join(STEPS)}")
        requires[kind] = [s for s in STEPS if s in steps]
    windows = []
    for position, item in enumerate(block.get("platform_windows") or []):
        where = f"platform_windows 第 {position + 1} 项"
        if not isinstance(item, dict) or item.get("kind") not in KINDS \
                or not isinstance(item.get("channel"), str):
            raise _refuse(f"{where} 应有 channel 和 kind（{'、'.join(KINDS)}）")
        hours = item.get("hours")
        if not isinstance(hours, int) or isinstance(hours, bool) \
                or not 1 <= hours <= MAX_WINDOW_HOURS:
            raise _refuse(f"{where} 的 hours 应为 1–{MAX_WINDOW_HOURS} 的整数")
        windows.append({"channel": item["channel"], "kind": item["kind"], "hours": hours,
                        "source": str(item.get("source", ""))})
    return {"due_working_days": days, "who": who, "requires": requires,
            "platform_windows": windows, "source": str(block.get("source", ""))}


def message_rules(contract: Contract) -> MessageRules | None:
    """The contract's rules for messages, or None when it records none."""
    stored = contract.message_rules or {}
    if not stored:
        return None
    return MessageRules(
        due_working_days=stored["due_working_days"], who=stored["who"],
        requires=stored["requires"],
        windows={(w["channel"], w["kind"]): w["hours"] for w in stored["platform_windows"]})
