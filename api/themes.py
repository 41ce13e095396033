"""A contract's monthly themes (每月一题): planned, in production, delivered or missed."""

from api.auth import contract_workers, current_user
from api.blueprint import Blueprint
from api.schemas.common import AuditEntrySchema, page_of
from api.schemas.themes import (
    ThemeArgs,
    ThemeCreateSchema,
    ThemeDetailSchema,
    ThemeSchema,
    ThemeUpdateSchema,
)
from service.content import themes

blp = Blueprint("themes", __name__, url_prefix="/api/v1/themes",
                description="A contract's monthly themes (每月一题)")


@blp.route("")
@blp.arguments(ThemeArgs, location="query")
@blp.response(200, page_of(ThemeSchema))
def list_themes(args):
    """The themes of a contract (404 unless the caller belongs to it), or of every contract
    the caller belongs to, by month; `missed` when a month ended undelivered."""
    return themes.list_themes(current_user(), args.get("contract"),
                              from_month=args.get("from_"), to_month=args.get("to"),
                              status=args.get("status"), page=args["page"],
                              per_page=args["per_page"])


@blp.route("", methods=["POST"])
@contract_workers
@blp.arguments(ThemeCreateSchema)
@blp.response(201, ThemeSchema)
def create_theme(data):
    """Plan a month's theme (admins, the editors' lead, the client's reviewer and approver):
    one a month within the contract's term, `planned`; recorded."""
    return themes.create_theme(actor=current_user(), **data)


@blp.route("/<id:theme_id>")
@blp.response(200, ThemeDetailSchema)
def get_theme(theme_id):
    """One theme (to the members of its contract), with the content linked to it."""
    return themes.get_theme(theme_id, current_user())


@blp.route("/<id:theme_id>", methods=["PATCH"])
@contract_workers
@blp.arguments(ThemeUpdateSchema)
@blp.response(200, ThemeSchema)
def update_theme(data, theme_id):
    """Change a theme or move it forward (planned → in_production → delivered); back, a
    skipped step or a change once its month is over: admins, with a reason. Recorded."""
    return themes.update_theme(theme_id, actor=current_user(), data=data)


@blp.route("/<id:theme_id>/history")
@blp.response(200, AuditEntrySchema(many=True))
def theme_history(theme_id):
    """Who planned and changed the theme, when, from what to what and why; oldest first."""
    return themes.theme_history(theme_id, current_user())
