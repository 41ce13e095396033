from api.auth import admin_only, current_user
from api.blueprint import Blueprint
from api.schemas.common import page_of
from api.schemas.user_counts import (
    CountsPostSchema,
    DashboardArgs,
    DashboardSchema,
    ImportDetailSchema,
    ImportFileSchema,
    ImportFormSchema,
    ImportListArgs,
    ImportRecordSchema,
    ImportResultSchema,
    SeriesArgs,
    SeriesSchema,
)
from service.clock import local_today
from service.progress import user_counts

blp = Blueprint("user_counts", __name__, url_prefix="/api/v1",
                description="Registered and verified users per community (实名认证用户数)")


@blp.route("/user-counts", methods=["POST"])
@admin_only
@blp.arguments(CountsPostSchema)
@blp.response(201, ImportRecordSchema)
def post_counts(data):
    """Store one date's counts for the named communities (replacing theirs on that date)."""
    return user_counts.post_counts(actor=current_user(), day=data["date"], items=data["items"])


@blp.route("/user-counts/import", methods=["POST"])
@admin_only
@blp.arguments(ImportFileSchema, location="files")
@blp.arguments(ImportFormSchema, location="form")
@blp.response(201, ImportResultSchema)
@blp.alt_response(200, schema=ImportResultSchema, description="dry run: nothing stored")
def import_counts(files, form):
    """Import the platform's export (.xlsx or .csv); any bad row refuses the whole file.

    Rows, columns, cell lengths and unzipped sizes are bounded (the message says which); a
    refusal lists the first bad rows and their number (`errors_total`)."""
    upload = files["file"]
    result = user_counts.import_file(actor=current_user(), data=upload.read(),
                                     filename=upload.filename or "", day=form.get("date"),
                                     dry_run=form["dry_run"],
                                     skip_refused=form["skip_refused"])
    return result, 200 if result.dry_run else 201


@blp.route("/user-counts/imports")
@blp.arguments(ImportListArgs, location="query")
@blp.response(200, page_of(ImportRecordSchema))
def list_imports(args):
    """Every import, newest first: who, when, which file, how many rows."""
    return user_counts.list_imports(**args)


@blp.route("/user-counts/imports/<id:import_id>")
@blp.response(200, ImportDetailSchema)
def import_detail(import_id):
    """One import: who, when, which file, its totals, the rows it skipped and the counts it
    stored per community."""
    return user_counts.import_detail(import_id)


@blp.route("/dashboard/users")
@blp.arguments(DashboardArgs, location="query")
@blp.response(200, DashboardSchema)
def dashboard(args):
    """Verified users against the target, growth, pace, and every street's figures (default:
    today, read as the contract's last day once it has ended). With several districts held:
    the city's overview with every district, unless `district` names one; an official
    scoped to a district always reads their own."""
    return user_counts.users_dashboard(args.get("as_of"), today=local_today(),
                                       actor=current_user(), district=args.get("district"))


@blp.route("/dashboard/users/series")
@blp.arguments(SeriesArgs, location="query")
@blp.response(200, SeriesSchema)
def series(args):
    """Registered and verified users over time, for every district held, one district, a
    street or a community (default: the contract period up to today). An official scoped to
    a district reads their own district's places only."""
    return {"items": user_counts.users_series(today=local_today(), actor=current_user(),
                                              **args)}
