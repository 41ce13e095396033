"""A contract's review chain as data: the levels a version of content is signed at, in order,
each with the member role that signs it, an optional rule and its checklist. Checked when the
contract file is loaded (service/district/contracts.py) and kept on the contract."""

import re

from service.district.contract_members import MemberRole
from service.errors import field_error

KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# not_author: the signer is not the author of the version nor of the content (二审).
RULES = ("not_author",)
LEVEL_FIELDS = {"key", "name", "role", "rule", "checklist", "automatic_check"}
MAX_LEVELS = 10
MAX_ITEMS = 30


def _level(item, position: int, roles: list[str]) -> dict:
    where = f"审核流程第 {position + 1} 级"
    if not isinstance(item, dict):
        raise field_error("review_chain", f"{where}格式错误")
    unknown = set(item) - LEVEL_FIELDS
    if unknown:
        raise field_error("review_chain",
                          f"{where}有未知字段：{', '.join(sorted(map(str, unknown)))}")
    key, name, role = item.get("key"), item.get("name"), item.get("role")
    if not isinstance(key, str) or not KEY.match(key):
        raise field_error("review_chain", f"{where}的 key 应为小写字母、数字和下划线：{key}")
    if not isinstance(name, str) or not name.strip() or len(name) > 32:
        raise field_error("review_chain", f"{where}（{key}）的名称应为文本（最多 32 个字符）")
    if role not in roles or role == MemberRole.OFFICIAL:
        raise field_error("review_chain", f"{where}（{key}）的角色应为合同 roles 中的审核角色："
                                          f"{role}")
    rule = item.get("rule")
    if rule is not None and rule not in RULES:
        raise field_error("review_chain", f"{where}（{key}）的规则未知：{rule}"
                                          f"（可用：{'、'.join(RULES)}）")
    checklist = item.get("checklist") or []
    if not isinstance(checklist, list) or len(checklist) > MAX_ITEMS or not all(
            isinstance(c, str) and 0 < len(c.strip()) and len(c) <= 200 for c in checklist):
        raise field_error("review_chain", f"{where}（{key}）的 checklist 应为检查项文本的列表"
                                          f"（最多 {MAX_ITEMS} 项，每项最多 200 个字符）")
    if len(set(checklist)) != len(checklist):
        raise field_error("review_chain", f"{where}（{key}）的检查项重复")
    automatic = item.get("automatic_check", False)
    if not isinstance(automatic, bool):
        raise field_error("review_chain", f"{where}（{key}）的 automatic_check 应为 true 或 false")
    return {"key": key, "name": name, "role": role, "rule": rule, "checklist": checklist,
            "automatic_check": automatic}


def checked_review_chain(data: dict) -> list[dict]:
    """The `review_chain` of a contract file: levels with known member roles of the file's
    `roles`, keys and names each once; none (an empty list) for a contract without one."""
    items = data.get("review_chain") or []
    if not isinstance(items, list) or len(items) > MAX_LEVELS:
        raise field_error("review_chain",
                          f"review_chain 应为审核级别的列表（最多 {MAX_LEVELS} 级）")
    roles = data.get("roles") or []
    levels = [_level(item, position, roles) for position, item in enumerate(items)]
    for attribute, label in (("key", "key"), ("name", "名称")):
        values = [level[attribute] for level in levels]
        if len(set(values)) != len(values):
            raise field_error("review_chain", f"审核级别的{label}重复")
    return levels
