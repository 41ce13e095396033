"""Contracts and their targets as data: loading them from files and finding the one in force."""

import math
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from models import Contract, ContractTarget, User, db
from service import audit
from service.content.review_chain import checked_review_chain
from service.district import working_days
from service.district.contract_content import apply_content, checked_content
from service.district.contract_members import (
    checked_member_roles,
    require_member,
    visible_contracts,
)
from service.errors import NotFoundError, field_error
from service.messages.rules import checked_message_rules
from service.transaction import reader, writer

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "data" / "contracts"


# How a target's actual figure is measured (see service.progress.targets).
MEASURES = {"count", "cumulative_sum", "every_street", "monthly_average", "share_of_weeks",
            "latest_value"}
MAX_CONTRACT_BYTES = 1_000_000


class _PlainLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a contract has no use for them, and a file of nested
    aliases a few kilobytes long would expand beyond any memory once stored as JSON."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases are not accepted",
                                              event.start_mark)
        return super().compose_node(parent, index)


def read_contract_file(path: Path) -> dict:
    """Parse a contract from a YAML or JSON file (JSON is YAML too)."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise field_error("file", f"无法读取合同文件：{exc}") from None
    return parse_contract(content)


def parse_contract(content: bytes) -> dict:
    """Parse a contract from YAML or JSON bytes (a file read or uploaded)."""
    if len(content) > MAX_CONTRACT_BYTES:
        raise field_error("file", "合同文件过大（最多 1 MB）")
    try:
        data = yaml.load(content.decode("utf-8"), Loader=_PlainLoader)  # a SafeLoader
    except UnicodeDecodeError:
        raise field_error("file", "无法读取合同文件：应为 UTF-8 编码的 YAML 或 JSON") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        if getattr(exc, "problem", None) == "aliases are not accepted":
            raise field_error("file", f"无法读取合同文件：不接受 YAML 别名（*…）{where}") from None
        raise field_error("file", f"无法读取合同文件：YAML 格式错误{where}") from None
    except ValueError:  # a date YAML recognises but no calendar has, e.g. 2023-13-01
        raise field_error("file", "无法读取合同文件：其中有无效的日期") from None
    except RecursionError:
        raise field_error("file", "无法读取合同文件：嵌套层次过深") from None
    if not isinstance(data, dict):
        raise field_error("file", "合同文件应为一个对象（包含 key、name、start、end、targets）")
    return data


def _text(value, field: str, label: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise field_error(field, f"{label}应为非空文本")
    if len(value) > limit:
        raise field_error(field, f"{label}最多 {limit} 个字符")
    return value


def _checked_target(item, position: int) -> dict:
    """One target of a contract file, checked: its fields, number, measure and source."""
    where = f"第 {position + 1} 个目标"
    if not isinstance(item, dict):
        raise field_error("targets", f"{where}格式错误")
    missing = [k for k in ("key", "name", "target", "measure") if k not in item]
    if missing:
        raise field_error("targets", f"{where}缺少字段：{', '.join(missing)}")
    number = item["target"]
    if isinstance(number, bool) or not isinstance(number, int | float | str):
        raise field_error("targets", f"{where}的数值无效")
    try:
        number = float(number)
    except ValueError:
        raise field_error("targets", f"{where}的数值无效") from None
    if not math.isfinite(number) or not 0 <= number <= 1e12:
        raise field_error("targets", f"{where}的数值应在 0 到 1e12 之间")
    key = _text(item["key"], "targets", f"{where}的 key ", 64)
    name = _text(item["name"], "targets", f"{where}的名称", 200)
    measure, source = item["measure"], item.get("source", key)
    if measure not in MEASURES:
        raise field_error("targets", f"{where}（{key}）的计量方式未知：{measure}"
                                     f"（可用：{'、'.join(sorted(MEASURES))}）")
    # The measured quantities are registered by the progress service (imported here, late,
    # because it reads contracts itself).
    from service.progress.targets import SOURCES, STREET_SOURCES
    known = STREET_SOURCES if measure == "every_street" else SOURCES
    if source not in known:
        raise field_error("targets", f"{where}（{key}）的数据来源未知：{source}"
                                     f"（可用：{'、'.join(sorted(known))}）")
    for text, limit in (("commitment", 1000), ("clause", 64)):
        value = item.get(text, "")
        if not isinstance(value, str) or len(value) > limit:
            raise field_error("targets",
                              f"{where}（{key}）的 {text} 应为文本（最多 {limit} 个字符）")
    return {"key": key, "name": name, "target": number, "measure": measure, "source": source,
            "commitment": item.get("commitment", ""), "clause": item.get("clause", "")}


def _as_date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise field_error(field, f"日期格式错误：{value}") from None


@writer
def load_contract(data: dict, *, activate: bool | None = None,
                  actor: User | None = None) -> Contract:
    """Create or replace a contract (matched by key) and its targets, channels and
    obligations, and freeze its term's working-day calendar: all of the file is checked
    before anything is written, and a refusal names what is wrong. It becomes the contract
    in force unless `activate` is false, or unset and the file says `activate: false`."""
    for field in ("key", "name", "start", "end", "targets"):
        if field not in data:
            raise field_error(field, f"合同缺少字段：{field}")
    _text(data["key"], "key", "合同 key ", 64)
    _text(data["name"], "name", "合同名称", 200)
    for party, label in (("client", "委托方"), ("contractor", "受托方")):
        if not isinstance(data.get(party, ""), str) or len(data.get(party, "")) > 200:
            raise field_error(party, f"{label}应为文本（最多 200 个字符）")
    if not isinstance(data.get("rules") or {}, dict):
        raise field_error("rules", "rules 应为对象")
    start, end = _as_date(data["start"], "start"), _as_date(data["end"], "end")
    if end <= start:
        raise field_error("end", "合同结束日期必须晚于开始日期")
    if not isinstance(data["targets"], list):
        raise field_error("targets", "targets 应为列表")
    items = [_checked_target(item, position) for position, item in enumerate(data["targets"])]
    seen = set()
    for item in items:
        if item["key"] in seen:
            raise field_error("targets", f"目标重复：{item['key']}")
        seen.add(item["key"])
    content = checked_content(data)
    member_roles = checked_member_roles(data)
    review_chain = checked_review_chain(data)
    message_rules = checked_message_rules(data)
    if activate is None:
        activate = content.activate is not False
    contract = db.session.scalar(select(Contract).where(Contract.key == data["key"]))
    if contract is None:
        contract = Contract(key=data["key"], active=activate)
        db.session.add(contract)
    contract.name = data["name"]
    contract.client = data.get("client", "")
    contract.contractor = data.get("contractor", "")
    contract.start_date, contract.end_date = start, end
    contract.rules = data.get("rules") or {}
    # A target already held keeps its row (and history), changed in place: new rows for the
    # same keys would be inserted before the old ones are deleted, against (contract, key).
    held = {target.key: target for target in contract.targets}
    targets = []
    for position, item in enumerate(items):
        target = held.pop(item["key"], None) or ContractTarget(key=item["key"])
        target.name, target.target, target.measure = item["name"], item["target"], item["measure"]
        target.source, target.position = item["source"], position
        target.commitment, target.clause = item["commitment"], item["clause"]
        targets.append(target)
    contract.targets = targets
    apply_content(contract, content)
    contract.member_roles = member_roles
    contract.review_chain = review_chain
    contract.message_rules = message_rules
    if activate:
        for other in db.session.scalars(select(Contract).where(Contract.key != data["key"])):
            other.active = False
        contract.active = True
    db.session.flush()
    working_days.freeze_term(contract)
    audit.record("contract", contract.id, "load", actor, {
        "key": contract.key, "name": contract.name, "start": start.isoformat(),
        "end": end.isoformat(), "targets": [item["key"] for item in items],
        "channels": [item["key"] for item in content.channels],
        "obligations": [item["key"] for item in content.obligations],
        "active": contract.active})
    return contract


def default_contract_file(directory: Path = CONTRACTS_DIR) -> Path:
    """The shipped contract in force on a new database: the one file of the directory that
    does not say `activate: false`. The files decide, so that no district's file is named in
    code; none or several of them is a fault of the shipped data, said as such."""
    in_force = [path for path in sorted(directory.glob("*.yaml"))
                if read_contract_file(path).get("activate") is not False]
    if len(in_force) != 1:
        names = "、".join(path.name for path in in_force) or "无"
        raise field_error("file", f"{directory} 中应恰有一个合同文件不写 activate: false"
                                  f"（生效的合同），现有：{names}")
    return in_force[0]


@writer
def ensure_default_contract() -> Contract:
    """Load the shipped contract unless a contract is already in the database."""
    existing = db.session.scalar(select(Contract).order_by(Contract.id).limit(1))
    if existing is not None:
        return current_contract()
    return load_contract(read_contract_file(default_contract_file()))


@writer
def ensure_shipped_contracts() -> list[Contract]:
    """The shipped contracts, each loaded unless its key is already in the database: the
    default one first (in force on a new database), the others as their files say (the 2023
    content contract beside it, not in force); every term's calendar completed."""
    loaded = [ensure_default_contract()]
    held = set(db.session.scalars(select(Contract.key)))
    default = default_contract_file()
    for path in sorted(CONTRACTS_DIR.glob("*.yaml")):
        if path == default:
            continue
        data = read_contract_file(path)
        if data.get("key") not in held:
            loaded.append(load_contract(data))
    working_days.freeze_missing_days()
    return loaded


@reader
def list_contracts(viewer: User) -> list[Contract]:
    """The contracts the viewer belongs to, the one in force marked (`in_force`), with the
    viewer's role in each (`my_role`), oldest first."""
    contracts = visible_contracts(viewer, list(db.session.scalars(
        select(Contract).order_by(Contract.id))))
    _mark_in_force(contracts)
    return contracts


@reader
def contract_detail(key: str, viewer: User) -> Contract:
    """One contract with its parties, term, channels, obligations and targets, to those who
    belong to it (to anyone else it does not exist)."""
    contract = find_contract(key)
    contract.my_role = require_member(viewer, contract)
    _mark_in_force([contract])
    return contract


def _mark_in_force(contracts: list[Contract]) -> None:
    # Several contracts may be flagged active; the one in force is the latest of them, as
    # current_contract() answers.
    in_force = db.session.scalar(select(Contract.id).where(Contract.active.is_(True))
                                 .order_by(Contract.id.desc()).limit(1))
    for contract in contracts:
        contract.in_force = contract.id == in_force


def find_contract(key: str) -> Contract:
    """The contract of that key, read in the caller's transaction."""
    contract = db.session.scalar(select(Contract).where(Contract.key == key))
    if contract is None:
        raise NotFoundError(f"没有合同：{key}")
    return contract


@reader
def contract_in_force() -> Contract:
    """The active contract, with its period, rules and targets."""
    return current_contract()


def current_contract() -> Contract:
    """The active contract (the latest activated one), read in the caller's transaction."""
    contract = db.session.scalar(
        select(Contract).where(Contract.active.is_(True)).order_by(Contract.id.desc()).limit(1))
    if contract is None:
        raise NotFoundError("尚未加载合同")
    return contract
