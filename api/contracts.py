"""The contracts loaded: the one in force and the others beside it (`/contracts/current` and
the upload stay with the targets)."""

from api.blueprint import Blueprint
from api.schemas.contracts import ContractFullSchema, ContractListItemSchema
from service.district import contracts

blp = Blueprint("contracts", __name__, url_prefix="/api/v1",
                description="The contracts loaded, with their channels and obligations")


@blp.route("/contracts")
@blp.response(200, ContractListItemSchema(many=True))
def list_contracts():
    """Every contract loaded: key, name, parties, term, and which one is in force."""
    return contracts.list_contracts()


@blp.route("/contracts/<string(maxlength=64):key>")
@blp.response(200, ContractFullSchema)
def contract_detail(key):
    """One contract: parties, term, channels, obligations and targets."""
    return contracts.contract_detail(key)
