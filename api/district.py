from api.auth import admin_only, current_user
from api.blueprint import Blueprint
from api.schemas.common import PageArgs, page_of
from api.schemas.district import (
    CommunityDetailSchema,
    CommunityFilterArgs,
    CommunityListArgs,
    CommunitySchema,
    CommunityUpdateSchema,
    DistrictSchema,
    StreetSchema,
    SuggestedLocationSchema,
)
from service.clock import local_today
from service.district import places
from service.fieldwork import visits

blp = Blueprint("district", __name__, url_prefix="/api/v1",
                description="The districts held, their streets and communities")


@blp.route("/districts")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(DistrictSchema))
def list_districts(args):
    """The districts held with their numbers of streets and communities."""
    return places.list_districts(**args)


@blp.route("/streets")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(StreetSchema))
def list_streets(args):
    """Streets with their number of communities."""
    return places.list_streets(**args)


@blp.route("/communities")
@blp.arguments(CommunityListArgs, location="query")
@blp.response(200, page_of(CommunitySchema))
def list_communities(args):
    """Communities, by street and by part of the name (coordinates are WGS-84)."""
    return places.list_communities(**args)


@blp.route("/communities/<string(length=12):code>")
@blp.response(200, CommunityDetailSchema)
def get_community(code):
    """One community with the liaisons assigned to it today."""
    return places.community_detail(code, today=local_today())


@blp.route("/communities/<string(length=12):code>", methods=["PATCH"])
@admin_only
@blp.arguments(CommunityUpdateSchema)
@blp.response(200, CommunitySchema)
def update_community(data, code):
    """Set a community's point (WGS-84) and its check radius in metres (admins)."""
    return places.update_community(code, actor=current_user(), **data)


@blp.route("/communities/suggested-locations")
@blp.arguments(CommunityFilterArgs, location="query")
@blp.response(200, page_of(SuggestedLocationSchema))
def suggested_locations(args):
    """Each community's proposed point, with how many well-located visits support it."""
    return visits.suggested_locations(**args)


@blp.route("/communities/<string(length=12):code>/suggested-location")
@blp.response(200, SuggestedLocationSchema)
def suggested_location(code):
    """A point proposed from the median of the community's well-located visits."""
    return visits.suggested_location(code)
