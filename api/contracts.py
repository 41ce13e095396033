"""The contracts loaded: the one in force and the others beside it (`/contracts/current` and
the upload stay with the targets)."""

from api.auth import admin_only, current_user
from api.blueprint import Blueprint
from api.schemas.contracts import (
    ContractFullSchema,
    ContractListItemSchema,
    ContractMemberSchema,
    ContractMemberUpdateSchema,
)
from service.district import contract_members, contracts

blp = Blueprint("contracts", __name__, url_prefix="/api/v1",
                description="The contracts loaded, with their channels and obligations")


@blp.route("/contracts")
@blp.response(200, ContractListItemSchema(many=True))
def list_contracts():
    """The contracts the caller belongs to: key, name, parties, term, which one is in force,
    and the caller's role in each."""
    return contracts.list_contracts(current_user())


@blp.route("/contracts/<string(maxlength=64):key>")
@blp.response(200, ContractFullSchema)
def contract_detail(key):
    """One contract: parties, term, channels, obligations and targets (404 to anyone who
    does not belong to it)."""
    return contracts.contract_detail(key, current_user())


@blp.route("/contracts/<string(maxlength=64):key>/members")
@admin_only
@blp.response(200, ContractMemberSchema(many=True))
def list_members(key):
    """The accounts of a contract with member roles, each with its role (admins)."""
    return contract_members.list_members(key)


@blp.route("/contracts/<string(maxlength=64):key>/members/<id:user_id>", methods=["PUT"])
@admin_only
@blp.arguments(ContractMemberUpdateSchema)
@blp.response(200, ContractMemberSchema)
def set_member(data, key, user_id):
    """Give an account (a content account, or an official to read) a role in the contract, or
    change it (admins); recorded."""
    return contract_members.set_member(key, user_id, data["role"], actor=current_user())


@blp.route("/contracts/<string(maxlength=64):key>/members/<id:user_id>", methods=["DELETE"])
@admin_only
@blp.response(204)
def remove_member(key, user_id):
    """Take an account out of the contract (admins); recorded."""
    contract_members.remove_member(key, user_id, actor=current_user())
