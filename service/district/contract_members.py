"""Who belongs to which contract, in which role. A district promotion contract (no member roles
in its file) takes each account's own role: admins, liaisons and officials work on it as
today. A contract with member roles (the 2023 content contract: editors, the editors' lead,
the client's reviewer and approver, officials who read) has its members listed, one role each.
Admins belong to every contract. Nobody sees a contract they do not belong to."""

from enum import StrEnum

from sqlalchemy import select

from models import Contract, ContractMember, Role, User, db
from service import audit
from service.errors import NotFoundError, PermissionDeniedError, field_error
from service.transaction import reader, writer


class MemberRole(StrEnum):
    EDITOR = "editor"  # 稿件编辑
    EDITOR_LEAD = "editor_lead"  # 编辑组长
    CLIENT_REVIEWER = "client_reviewer"  # 宣传中心执行人员
    CLIENT_APPROVER = "client_approver"  # 中心主管领导
    OFFICIAL = "official"  # reads


MEMBER_ROLE_LABELS = {MemberRole.EDITOR: "稿件编辑", MemberRole.EDITOR_LEAD: "编辑组长",
                      MemberRole.CLIENT_REVIEWER: "宣传中心执行人员",
                      MemberRole.CLIENT_APPROVER: "中心主管领导", MemberRole.OFFICIAL: "查看"}
# A district contract's roles are the accounts' own; a community account reads only its own
# community's page, never a contract.
DISTRICT_ROLES = {Role.ADMIN, Role.LIAISON, Role.OFFICIAL}


def checked_member_roles(data: dict) -> list[str]:
    """The `roles` of a contract file: member roles this service knows, each once."""
    roles = data.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise field_error("roles", "roles 应为角色名称的列表")
    unknown = [r for r in roles if r not in MemberRole.__members__.values()]
    if unknown:
        raise field_error("roles", f"未知角色：{'、'.join(unknown)}（可用："
                                   f"{'、'.join(r.value for r in MemberRole)}）")
    if len(set(roles)) != len(roles):
        raise field_error("roles", "角色重复")
    return roles


def contract_role(user: User, contract: Contract) -> str | None:
    """The user's role in the contract: `admin` for admins; the account's own role in a
    district contract; the member role in a contract with members; None if they do not
    belong to it."""
    if user.role == Role.ADMIN:
        return Role.ADMIN.value
    if not contract.member_roles:
        return user.role if user.role in DISTRICT_ROLES else None
    return db.session.scalar(select(ContractMember.role).where(
        ContractMember.contract_id == contract.id, ContractMember.user_id == user.id))


def require_member(user: User, contract: Contract) -> str:
    """The user's role in the contract; a contract they do not belong to does not exist for
    them (404, so its name is not revealed)."""
    role = contract_role(user, contract)
    if role is None:
        raise NotFoundError(f"合同不存在：{contract.key}")
    return role


def member_role(actor: User, contract: Contract, missing: str) -> str:
    """The actor's role in the contract; to a non-member the thing does not exist (404 with
    the thing's own message, so neither it nor the contract is revealed)."""
    try:
        return require_member(actor, contract)
    except NotFoundError:
        raise NotFoundError(missing) from None


def member_record(model, record_id: int, viewer: User, missing: str, contract_of=None):
    """The record of a contract the viewer belongs to; else, like a missing one, 404."""
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFoundError(missing)
    member_role(viewer, (contract_of or (lambda r: r.contract))(record), missing)
    return record


def require_contract_role(user: User, contract: Contract, *roles: str) -> str:
    """Refuse (403) unless the user holds one of `roles` in the contract (admins always may)."""
    role = require_member(user, contract)
    if role != Role.ADMIN and role not in roles:
        raise PermissionDeniedError("您在该合同中的角色不能执行此操作")
    return role


def visible_contracts(user: User, contracts: list[Contract]) -> list[Contract]:
    """Those of `contracts` the user belongs to, each with `.my_role` set."""
    memberships = dict(db.session.execute(
        select(ContractMember.contract_id, ContractMember.role)
        .where(ContractMember.user_id == user.id)).all())
    seen = []
    for contract in contracts:
        if user.role == Role.ADMIN:
            contract.my_role = Role.ADMIN.value
        elif not contract.member_roles:
            contract.my_role = user.role if user.role in DISTRICT_ROLES else None
        else:
            contract.my_role = memberships.get(contract.id)
        if contract.my_role is not None:
            seen.append(contract)
    return seen


def _contract(key: str) -> Contract:
    contract = db.session.scalar(select(Contract).where(Contract.key == key))
    if contract is None:
        raise NotFoundError(f"合同不存在：{key}")
    return contract


@reader
def list_members(key: str) -> list[ContractMember]:
    contract = _contract(key)
    return list(db.session.scalars(
        select(ContractMember).where(ContractMember.contract_id == contract.id)
        .order_by(ContractMember.id)))


@writer
def set_member(key: str, user_id: int, role: str, *, actor: User) -> ContractMember:
    """Give an account a role in a contract with members (admins), or change it; recorded."""
    contract = _contract(key)
    if not contract.member_roles:
        raise field_error("role", "该合同按账号自身角色（管理员、联络员、区街道）分工，"
                                  "无需添加成员")
    if role not in contract.member_roles:
        raise field_error("role", f"该合同没有角色 {role}"
                                  f"（可用：{'、'.join(contract.member_roles)}）")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"账号不存在：{user_id}")
    if user.role not in (Role.CONTENT, Role.OFFICIAL):
        raise field_error("user_id", "管理员已可管理所有合同，无需添加" if user.role == Role.ADMIN
                          else "只有内容运营账号（content）或区街道账号（official）可以加入该合同")
    if user.role == Role.OFFICIAL and role != MemberRole.OFFICIAL:
        raise field_error("role", "区街道账号在该合同中只能查看（official）")
    member = db.session.scalar(select(ContractMember).where(
        ContractMember.contract_id == contract.id, ContractMember.user_id == user.id))
    before = member.role if member else None
    if member is None:
        member = ContractMember(contract_id=contract.id, user_id=user.id, role=role)
        db.session.add(member)
    member.role = role
    db.session.flush()
    if before != role:
        audit.record("contract_member", member.id, "update" if before else "create", actor,
                     {"contract": contract.key, "user_id": user.id, "role": [before, role]})
    return member


@writer
def remove_member(key: str, user_id: int, *, actor: User) -> None:
    contract = _contract(key)
    member = db.session.scalar(select(ContractMember).where(
        ContractMember.contract_id == contract.id, ContractMember.user_id == user_id))
    if member is None:
        raise NotFoundError(f"该账号不是合同成员：{user_id}")
    audit.record("contract_member", member.id, "delete", actor,
                 {"contract": contract.key, "user_id": user_id, "role": [member.role, None]})
    db.session.delete(member)
