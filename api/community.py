from api.auth import current_user, require_role
from api.blueprint import Blueprint
from api.schemas.reports import CommunityOverviewSchema, CommunityWorkbooksSchema
from models import Role
from service.reports import deliveries

blp = Blueprint("community", __name__, url_prefix="/api/v1/community",
                description="A community account's own page: its figures and the weekly "
                            "workbooks delivered to it")
community_only = require_role(Role.COMMUNITY)


@blp.route("")
@community_only
@blp.response(200, CommunityOverviewSchema)
def overview():
    """The account's community this week: users and their change, rank in the street, the
    last visit, open problems."""
    return deliveries.community_overview(actor=current_user())


@blp.route("/workbooks")
@community_only
@blp.response(200, CommunityWorkbooksSchema)
def workbooks():
    """The weekly workbooks delivered to the account's community, newest first."""
    return {"items": deliveries.community_workbooks(actor=current_user())}
