"""Contracts and their targets as data: loading them from files and finding the one in force."""

from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from models import Contract, ContractTarget, db
from service.errors import NotFoundError, field_error
from service.transaction import reader, writer

DEFAULT_CONTRACT_FILE = (Path(__file__).resolve().parents[2]
                         / "data" / "contracts" / "xicheng-2022.yaml")


def read_contract_file(path: Path) -> dict:
    """Parse a contract from YAML or JSON (JSON is YAML too)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise field_error("file", f"无法读取合同文件：{exc}") from None
    if not isinstance(data, dict):
        raise field_error("file", "合同文件应为一个对象（包含 key、name、start、end、targets）")
    return data


def _as_date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise field_error(field, f"日期格式错误：{value}") from None


@writer
def load_contract(data: dict, *, activate: bool = True) -> Contract:
    """Create or replace a contract (matched by key) and its targets."""
    for field in ("key", "name", "start", "end", "targets"):
        if field not in data:
            raise field_error(field, f"合同缺少字段：{field}")
    start, end = _as_date(data["start"], "start"), _as_date(data["end"], "end")
    if end <= start:
        raise field_error("end", "合同结束日期必须晚于开始日期")
    contract = db.session.scalar(select(Contract).where(Contract.key == data["key"]))
    if contract is None:
        contract = Contract(key=data["key"])
        db.session.add(contract)
    contract.name = data["name"]
    contract.client = data.get("client", "")
    contract.start_date, contract.end_date = start, end
    contract.rules = data.get("rules") or {}
    # A target already held keeps its row (and history), changed in place: new rows for the
    # same keys would be inserted before the old ones are deleted, against (contract, key).
    held = {target.key: target for target in contract.targets}
    targets = []
    if not isinstance(data["targets"], list):
        raise field_error("targets", "targets 应为列表")
    for position, item in enumerate(data["targets"]):
        if not isinstance(item, dict):
            raise field_error("targets", f"第 {position + 1} 个目标格式错误")
        missing = [k for k in ("key", "name", "target", "measure") if k not in item]
        if missing:
            raise field_error("targets", f"第 {position + 1} 个目标缺少字段：{', '.join(missing)}")
        try:
            number = float(item["target"])
        except (TypeError, ValueError):
            raise field_error("targets", f"第 {position + 1} 个目标的数值无效") from None
        if any(target.key == item["key"] for target in targets):
            raise field_error("targets", f"目标重复：{item['key']}")
        target = held.pop(item["key"], None) or ContractTarget(key=item["key"])
        target.name, target.target, target.measure = item["name"], number, item["measure"]
        target.source, target.position = item.get("source", item["key"]), position
        targets.append(target)
    contract.targets = targets
    if activate:
        for other in db.session.scalars(select(Contract).where(Contract.key != data["key"])):
            other.active = False
        contract.active = True
    return contract


@writer
def ensure_default_contract() -> Contract:
    """Load the shipped contract unless a contract is already in the database."""
    existing = db.session.scalar(select(Contract).order_by(Contract.id).limit(1))
    if existing is not None:
        return current_contract()
    return load_contract(read_contract_file(DEFAULT_CONTRACT_FILE))


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
