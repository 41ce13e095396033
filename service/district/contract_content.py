"""A contract's channels (the accounts run for the client) and its obligations (what is counted,
per which period, against which threshold), read from the contract file: every item is
checked before anything is written, and a refusal names the section and the item."""

import math
import re
from dataclasses import dataclass

from models import Contract, ContractChannel, ContractObligation
from service.errors import field_error

# What an obligation counts. Open to more, but closed to typos: a misspelt name would
# otherwise be an obligation nothing ever measures.
COUNTS = {
    "accounts": "运营的账号",
    "items": "发布的信息（含转发）",
    "articles": "公众号文章",
    "original_articles": "原创文章",
    "infographics": "一图读懂",
    "posters": "海报",
    "videos": "视频",
    "interactive_products": "H5 及 SVG 互动产品",
    "activities": "线上或线下活动",
    "data_reports": "运营数据分析报告",
    "key_content_reports": "重点内容传播分析报告",
    "themes": "每月一题（已交付或已发布的主题）",
}
# `year` is a year of the contract counted from its start, not a calendar year.
PERIODS = ("day", "week", "month", "quarter", "year", "term")
DAY_KINDS = ("all", "working", "non_working")
PER_CHANNEL = ("each", "together")
# How a week only partly inside the term is owed its weekly floor: in full, in proportion
# to its days inside the term, or not at all.
PARTIAL_WEEKS = ("full", "pro_rata_days", "excluded")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
MAX_ITEMS = 200


@dataclass(frozen=True)
class ContractContent:
    channels: list[dict]
    obligations: list[dict]
    activate: bool | None


def _text(value, field: str, label: str, limit: int, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise field_error(field, f"{label}应为{'非空' if required else ''}文本")
    if len(value) > limit:
        raise field_error(field, f"{label}最多 {limit} 个字符")
    return value


def _choice(value, options, field: str, label: str):
    if value not in options:
        raise field_error(field, f"{label}无效：{value}（可用：{'、'.join(options)}）")
    return value


def _number(value, field: str, label: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise field_error(field, f"{label}应为数值")
    if not math.isfinite(value) or not 0 <= value <= 1e9:
        raise field_error(field, f"{label}应在 0 到 1e9 之间")
    return float(value)


def _items(data: dict, section: str) -> list:
    items = data.get(section) or []
    if not isinstance(items, list):
        raise field_error(section, f"{section} 应为列表")
    if len(items) > MAX_ITEMS:
        raise field_error(section, f"{section} 最多 {MAX_ITEMS} 项")
    return items


def _window(value, where: str, field: str = "channels") -> dict:
    if not isinstance(value, dict) or set(value) - {"days", "from", "to"}:
        raise field_error(field, f"{where}的发布时段应为 {{days, from, to}}")
    days = _choice(value.get("days", "all"), DAY_KINDS, field, f"{where}的发布时段 days ")
    start, end = value.get("from"), value.get("to")
    for clock in (start, end):
        if not isinstance(clock, str) or not CLOCK.match(clock):
            raise field_error(field, f"{where}的发布时段时间应为 HH:MM：{clock}")
    if start >= end:
        raise field_error(field, f"{where}的发布时段结束时间应晚于开始时间：{start}–{end}")
    return {"days": days, "from": start, "to": end}


def checked_posting_windows(windows, where: str, field: str = "channels") -> list[dict]:
    """A channel's posting windows checked as a contract file's are (the channels API checks
    its input with it too); a refusal names `field`."""
    if not isinstance(windows, list):
        raise field_error(field, f"{where}的 posting_windows 应为列表")
    return [_window(window, where, field) for window in windows]


def _checked_channel(item, position: int) -> dict:
    where = f"第 {position + 1} 个渠道"
    if not isinstance(item, dict):
        raise field_error("channels", f"{where}格式错误")
    unknown = set(item) - {"key", "platform", "account", "posting_windows", "source"}
    if unknown:
        raise field_error("channels", f"{where}有未知字段：{', '.join(sorted(map(str, unknown)))}")
    key = item.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        raise field_error("channels", f"{where}的 key 应为小写字母、数字和下划线：{key}")
    where = f"{where}（{key}）"
    windows = checked_posting_windows(item.get("posting_windows") or [], where)
    return {"key": key,
            "platform": _text(item.get("platform"), "channels", f"{where}的平台名称", 64),
            "account": _text(item.get("account"), "channels", f"{where}的账号名称", 200),
            "posting_windows": windows,
            "source": _text(item.get("source"), "channels", f"{where}的 source ", 1000,
                            required=False)}


OBLIGATION_FIELDS = {"key", "name", "counts", "channels", "per_channel", "period", "days",
                     "min", "max", "mandatory", "clause", "source"}


def _checked_obligation(item, position: int, channel_keys: set[str]) -> dict:
    where = f"第 {position + 1} 项义务"
    field = "obligations"
    if not isinstance(item, dict):
        raise field_error(field, f"{where}格式错误")
    unknown = set(item) - OBLIGATION_FIELDS
    if unknown:
        raise field_error(field, f"{where}有未知字段：{', '.join(sorted(map(str, unknown)))}")
    missing = [k for k in ("key", "name", "counts", "period", "source") if k not in item]
    if missing:
        raise field_error(field, f"{where}缺少字段：{', '.join(missing)}")
    key = item["key"]
    if not isinstance(key, str) or not KEY.match(key):
        raise field_error(field, f"{where}的 key 应为小写字母、数字和下划线：{key}")
    where = f"{where}（{key}）"
    channels = item.get("channels") or []
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise field_error(field, f"{where}的 channels 应为渠道 key 的列表")
    strangers = [c for c in channels if c not in channel_keys]
    if strangers:
        raise field_error(field, f"{where}的渠道未在 channels 中定义：{'、'.join(strangers)}")
    if len(set(channels)) != len(channels):
        raise field_error(field, f"{where}的渠道重复")
    per_channel = item.get("per_channel")
    if len(channels) > 1 and per_channel is None:
        # 北京号和百家号…不少于 430 条: whether each or both together is the contract's call.
        raise field_error(field, f"{where}涉及多个渠道，须用 per_channel 说明各自（each）"
                                 f"还是合计（together）达到数量")
    period = _choice(item["period"], PERIODS, field, f"{where}的 period ")
    days = _choice(item.get("days", "all"), DAY_KINDS, field, f"{where}的 days ")
    if days != "all" and period != "day":
        raise field_error(field, f"{where}的 days 只适用于 period: day")
    minimum = _number(item.get("min"), field, f"{where}的 min ")
    maximum = _number(item.get("max"), field, f"{where}的 max ")
    if minimum is None and maximum is None:
        raise field_error(field, f"{where}须有 min 或 max")
    if minimum is not None and maximum is not None and maximum < minimum:
        raise field_error(field, f"{where}的 max 不能小于 min")
    mandatory = item.get("mandatory", True)
    if not isinstance(mandatory, bool):
        raise field_error(field, f"{where}的 mandatory 应为 true 或 false")
    return {"key": key, "name": _text(item["name"], field, f"{where}的名称", 200),
            "counts": _choice(item["counts"], sorted(COUNTS), field, f"{where}的 counts "),
            "channels": channels,
            "per_channel": _choice(per_channel or "each", PER_CHANNEL, field,
                                   f"{where}的 per_channel "),
            "period": period, "days": days, "minimum": minimum, "maximum": maximum,
            "mandatory": mandatory,
            "clause": _text(item.get("clause"), field, f"{where}的 clause ", 64, required=False),
            "source": _text(item["source"], field, f"{where}的 source（合同原文）", 1000)}


def _unique(items: list[dict], field: str, label: str) -> None:
    seen = set()
    for item in items:
        if item["key"] in seen:
            raise field_error(field, f"{label}重复：{item['key']}")
        seen.add(item["key"])


def _check_rules(rules: dict) -> None:
    if "partial_weeks" in rules:
        _choice(rules["partial_weeks"], PARTIAL_WEEKS, "rules", "rules.partial_weeks ")
    columns = rules.get("columns", [])
    if not isinstance(columns, list) or not all(
            isinstance(c, str) and 0 < len(c) <= 64 for c in columns):
        raise field_error("rules", "rules.columns 应为栏目名称的列表（每个最多 64 个字符）")


def checked_content(data: dict) -> ContractContent:
    """The file's channels, obligations, activation flag and the rules they use, checked."""
    activate = data.get("activate")
    if activate is not None and not isinstance(activate, bool):
        raise field_error("activate", "activate 应为 true 或 false")
    if isinstance(data.get("rules"), dict):
        _check_rules(data["rules"])
    channels = [_checked_channel(item, position)
                for position, item in enumerate(_items(data, "channels"))]
    _unique(channels, "channels", "渠道")
    keys = {channel["key"] for channel in channels}
    obligations = [_checked_obligation(item, position, keys)
                   for position, item in enumerate(_items(data, "obligations"))]
    _unique(obligations, "obligations", "义务")
    return ContractContent(channels, obligations, activate)


def _replace(held: list, items: list[dict], model) -> list:
    # Rows of keys already held are changed in place: new rows for the same keys would be
    # inserted before the old ones are deleted, against (contract, key).
    by_key = {row.key: row for row in held}
    rows = []
    for position, item in enumerate(items):
        row = by_key.pop(item["key"], None) or model(key=item["key"])
        for name, value in item.items():
            setattr(row, name, value)
        row.position = position
        rows.append(row)
    return rows


def _merged_channels(held: list, items: list[dict]) -> list:
    # A reload never deletes a channel: publications refer to channels by id, and channels
    # are also added through the API (origin `api`). The file owns the channels it names
    # (changed in place, origin `file`, first and in its order); the others follow as they
    # were, whether added through the API or dropped from the file since.
    named = {item["key"] for item in items}
    rows = _replace(held, items, ContractChannel)
    for row in rows:
        row.origin = "file"
    kept = [row for row in held if row.key not in named]
    for position, row in enumerate(kept, start=len(rows)):
        row.position = position
    return rows + kept


def apply_content(contract: Contract, content: ContractContent) -> None:
    """Give the contract the file's channels (keeping those it does not name) and
    obligations (replacing the ones it had)."""
    contract.channels = _merged_channels(contract.channels, content.channels)
    contract.obligations = _replace(contract.obligations, content.obligations,
                                    ContractObligation)
