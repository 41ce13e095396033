from marshmallow import ValidationError

from api.auth import admin_only, current_user, field_workers
from api.blueprint import Blueprint
from api.errors import in_chinese
from api.schemas.common import UNSTORABLE, AuditEntrySchema, page_of
from api.schemas.visits import (
    CoverageArgs,
    CoverageRowSchema,
    LocationReferenceSchema,
    ProblemCreateSchema,
    ProblemListArgs,
    ProblemSchema,
    ProblemUpdateSchema,
    ReviewBatchResultSchema,
    ReviewBatchSchema,
    ReviewSchema,
    SyncResponseSchema,
    SyncSchema,
    VisitCreateSchema,
    VisitListArgs,
    VisitSchema,
    VisitUpdateSchema,
)
from service.fieldwork import problems, visits

blp = Blueprint("visits", __name__, url_prefix="/api/v1/visits",
                description="Field visits (社区实地走访); positions are WGS-84")
problems_blp = Blueprint("problems", __name__, url_prefix="/api/v1/problems",
                         description="Problems to follow up (问题对接)")
visit_create_schema = VisitCreateSchema()


@blp.route("", methods=["POST"])
@field_workers
@blp.arguments(VisitCreateSchema)
@blp.response(201, VisitSchema)
@blp.alt_response(200, schema=VisitSchema, description="A retry of a stored visit")
def log_visit(data):
    """Log a visit; the same client_id and content again answers 200 with the same visit."""
    outcome = visits.log_visit(actor=current_user(), **data)
    return outcome.visit, 201 if outcome.created else 200


@blp.route("/sync", methods=["POST"])
@field_workers
@blp.arguments(SyncSchema)
@blp.response(200, SyncResponseSchema)
def sync(data):
    """The phone's offline queue: each visit is taken or refused on its own, in order."""
    return {"results": visits.sync_visits(actor=current_user(),
                                          items=[_queued(item) for item in data["visits"]])}


def _queued(item) -> visits.QueuedVisit:
    """One raw item of the queue, read on its own so that a bad one refuses only itself."""
    client_id = item.get("client_id") if isinstance(item, dict) else None
    if not (isinstance(client_id, str) and len(client_id) <= 64
            and not UNSTORABLE.search(client_id)):
        client_id = None  # not echoed back: it could not even be written in the answer
    try:
        return visits.QueuedVisit(client_id, visit_create_schema.load(item))
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {
            "_schema": error.messages}
        return visits.QueuedVisit(client_id, None, in_chinese(messages))


@blp.route("")
@blp.arguments(VisitListArgs, location="query")
@blp.response(200, page_of(VisitSchema))
def list_visits(args):
    """Visits, newest first; a liaison sees their own."""
    return visits.list_visits(actor=current_user(), **args)


@blp.route("/coverage")
@blp.arguments(CoverageArgs, location="query")
@blp.response(200, page_of(CoverageRowSchema))
def coverage(args):
    """Per community: visits so far, the last one, and whether it is overdue."""
    return visits.coverage(actor=current_user(), **args)


@blp.route("/location-reference")
@blp.response(200, LocationReferenceSchema)
def location_reference():
    """Street boundaries and limits, so that a phone warns before sending a far visit."""
    return visits.location_reference()


@blp.route("/<id:visit_id>")
@blp.response(200, VisitSchema)
def get_visit(visit_id):
    """One visit."""
    return visits.get_visit(visit_id, actor=current_user())


@blp.route("/<id:visit_id>", methods=["PATCH"])
@field_workers
@blp.arguments(VisitUpdateSchema(partial=True))
@blp.response(200, VisitSchema)
def update_visit(data, visit_id):
    """Correct a visit (its author within 24 hours, or an admin)."""
    return visits.update_visit(visit_id, actor=current_user(), **data)


@blp.route("/<id:visit_id>", methods=["DELETE"])
@field_workers
@blp.response(204)
def delete_visit(visit_id):
    """Delete a visit (kept in the history; it no longer counts)."""
    visits.delete_visit(visit_id, actor=current_user())


@blp.route("/<id:visit_id>/review", methods=["POST"])
@admin_only
@blp.arguments(ReviewSchema)
@blp.response(200, VisitSchema)
def review_visit(data, visit_id):
    """Approve or reject a visit (admins)."""
    return visits.review_visit(visit_id, actor=current_user(), **data)


@blp.route("/reviews", methods=["POST"])
@admin_only
@blp.arguments(ReviewBatchSchema)
@blp.response(200, ReviewBatchResultSchema)
def review_visits(data):
    """Approve or reject several visits at once (admins): all of them or none."""
    return {"items": visits.review_visits(data.pop("visit_ids"), actor=current_user(), **data)}


@blp.route("/<id:visit_id>/history")
@blp.response(200, AuditEntrySchema(many=True))
def visit_history(visit_id):
    """Who created, changed, reviewed or deleted the visit, and what changed."""
    return visits.visit_history(visit_id, actor=current_user())


@problems_blp.route("", methods=["POST"])
@field_workers
@problems_blp.arguments(ProblemCreateSchema)
@problems_blp.response(201, ProblemSchema)
def create_problem(data):
    """Open a problem in a community, optionally from a visit."""
    return problems.create_problem(actor=current_user(), **data)


@problems_blp.route("")
@problems_blp.arguments(ProblemListArgs, location="query")
@problems_blp.response(200, page_of(ProblemSchema))
def list_problems(args):
    """Problems, newest first; a liaison sees those in their communities."""
    return problems.list_problems(actor=current_user(), **args)


@problems_blp.route("/<id:problem_id>")
@problems_blp.response(200, ProblemSchema)
def get_problem(problem_id):
    """One problem."""
    return problems.get_problem(problem_id, actor=current_user())


@problems_blp.route("/<id:problem_id>", methods=["PATCH"])
@field_workers
@problems_blp.arguments(ProblemUpdateSchema)
@problems_blp.response(200, ProblemSchema)
def update_problem(data, problem_id):
    """Move a problem forward (open → in_progress → resolved) or edit it."""
    return problems.update_problem(problem_id, actor=current_user(), **data)


@problems_blp.route("/<id:problem_id>/history")
@problems_blp.response(200, AuditEntrySchema(many=True))
def problem_history(problem_id):
    """Every change of a problem."""
    return problems.problem_history(problem_id, actor=current_user())
