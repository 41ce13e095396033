from api.auth import admin_only, current_user
from api.blueprint import Blueprint
from api.schemas.accounts import (
    AssignmentCreateSchema,
    AssignmentListArgs,
    AssignmentSchema,
    CoverArgs,
    DistrictCoverSchema,
    HandedOverSchema,
    HandOverSchema,
)
from api.schemas.common import page_of
from service.clock import local_today
from service.district import assignments

blp = Blueprint("assignments", __name__, url_prefix="/api/v1/assignments",
                description="Liaisons' streets and communities, with their periods")


@blp.route("")
@blp.arguments(AssignmentListArgs, location="query")
@blp.response(200, page_of(AssignmentSchema))
def list_assignments(args):
    """Assignments, newest first; a liaison sees their own."""
    return assignments.list_assignments(actor=current_user(), **args, today=local_today())


@blp.route("", methods=["POST"])
@admin_only
@blp.arguments(AssignmentCreateSchema)
@blp.response(201, AssignmentSchema)
def create_assignment(data):
    """Assign a liaison to a street (all its communities) or to one community."""
    return assignments.create_assignment(actor=current_user(), **data)


@blp.route("/<id:assignment_id>", methods=["DELETE"])
@admin_only
@blp.response(200, AssignmentSchema)
def end_assignment(assignment_id):
    """End an assignment (no longer in force from today); the row is kept for history."""
    return assignments.end_assignment(assignment_id, actor=current_user(), today=local_today())


@blp.route("/<id:assignment_id>/handover", methods=["POST"])
@admin_only
@blp.arguments(HandOverSchema)
@blp.response(200, HandedOverSchema)
def hand_over(data, assignment_id):
    """Hand a street or community over: this assignment ends on `last_day`, the named liaison's
    starts the next day (until this one's end, if it had one)."""
    return assignments.hand_over(assignment_id, actor=current_user(), **data)


@blp.route("/district")
@admin_only
@blp.arguments(CoverArgs, location="query")
@blp.response(200, DistrictCoverSchema)
def district(args):
    """The 15 streets with their liaisons on a date, and the communities nobody covers."""
    return assignments.district_cover(args.get("date") or local_today())
