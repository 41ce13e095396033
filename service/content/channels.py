"""A contract's channels (the accounts run on each platform, with their posting windows):
read by the contract's members, added and changed by admins and the contract's editors' lead,
checked as the contract file's are, every change recorded."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import Contract, ContractChannel, User, db
from service import audit
from service.district.contract_content import checked_posting_windows
from service.district.contract_members import (
    MemberRole,
    member_record,
    require_contract_role,
    require_member,
    visible_contracts,
)
from service.district.contracts import find_contract
from service.errors import field_error, named_in_body
from service.pagination import Page, paginate
from service.transaction import conflicts_as, reader, writer

# Who may add and change channels besides admins.
CHANNEL_EDITORS = (MemberRole.EDITOR_LEAD,)
AUDITED = ["key", "platform", "account", "posting_windows", "source"]
ENTITY = "contract_channel"


def member_contract_ids(viewer: User, key: str | None) -> list[int]:
    """The contract named (404 unless the viewer belongs to it), or every contract the viewer
    belongs to."""
    if key:
        contract = find_contract(key)
        require_member(viewer, contract)
        return [contract.id]
    return [c.id for c in visible_contracts(viewer, list(db.session.scalars(
        select(Contract).order_by(Contract.id))))]


@reader
def list_channels(viewer: User, contract_key: str | None = None, *, page: int = 1,
                  per_page: int = 50) -> Page:
    """The channels of a contract, or of every contract the viewer belongs to, in the
    contracts' and the channels' order."""
    ids = member_contract_ids(viewer, contract_key)
    query = (select(ContractChannel).where(ContractChannel.contract_id.in_(ids))
             .options(selectinload(ContractChannel.contract))
             .order_by(ContractChannel.contract_id, ContractChannel.position,
                       ContractChannel.id))
    return paginate(query, page, per_page)


def member_channel(channel_id: int, viewer: User) -> ContractChannel:
    return member_record(ContractChannel, channel_id, viewer, f"渠道不存在：{channel_id}")


@reader
def get_channel(channel_id: int, viewer: User) -> ContractChannel:
    """One channel, to the members of its contract."""
    return member_channel(channel_id, viewer)


def _checked(data: dict, where: str) -> dict:
    """The changeable fields given, checked as a contract file's channel is."""
    checked = {}
    for name, label in (("platform", "平台名称"), ("account", "账号名称")):
        if name in data:
            if not data[name].strip():
                raise field_error(name, f"{label}不能为空")
            checked[name] = data[name]
    if "posting_windows" in data:
        checked["posting_windows"] = checked_posting_windows(
            data["posting_windows"], where, "posting_windows")
    if "source" in data:
        checked["source"] = data["source"]
    return checked


@writer
def create_channel(*, actor: User, contract: str, key: str, platform: str, account: str,
                   posting_windows: list | None = None, source: str = "") -> ContractChannel:
    """Add a channel to a contract (admins, the contract's editors' lead); recorded. A
    reload of the contract file keeps it."""
    with named_in_body("contract"):
        held = find_contract(contract)
        require_member(actor, held)
    require_contract_role(actor, held, *CHANNEL_EDITORS)
    values = _checked({"platform": platform, "account": account,
                       "posting_windows": posting_windows or [], "source": source},
                      f"渠道 {key} ")
    position = db.session.scalar(select(func.coalesce(func.max(ContractChannel.position), -1))
                                 .where(ContractChannel.contract_id == held.id)) + 1
    channel = ContractChannel(contract_id=held.id, key=key, position=position, origin="api",
                              **values)
    message = f"该合同已有渠道 {key}"
    with conflicts_as(message, "key"):
        db.session.add(channel)
        db.session.flush()
    audit.record(ENTITY, channel.id, "create", actor,
                 {"contract": held.key, **audit.snapshot(channel, AUDITED)})
    return channel


@writer
def update_channel(channel_id: int, *, actor: User, data: dict) -> ContractChannel:
    """Change a channel's platform name, account, posting windows or source (admins, the
    contract's editors' lead); its key stays. Recorded."""
    channel = member_channel(channel_id, actor)
    require_contract_role(actor, channel.contract, *CHANNEL_EDITORS)
    if not data:
        raise field_error("_schema", "请至少修改一个字段")
    values = _checked(data, f"渠道 {channel.key} ")
    before = audit.snapshot(channel, AUDITED)
    for name, value in values.items():
        setattr(channel, name, value)
    changes = audit.diff(before, audit.snapshot(channel, AUDITED))
    if not changes:
        raise field_error("_schema", "没有任何修改")
    db.session.flush()
    audit.record(ENTITY, channel.id, "update", actor, changes)
    return channel


@reader
def channel_history(channel_id: int, viewer: User) -> list:
    """Who added and changed the channel, when, from what to what; oldest first."""
    member_channel(channel_id, viewer)
    return audit.history(ENTITY, channel_id)
