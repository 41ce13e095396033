"""Channel metrics of a content contract (issue #18 point 2): channels' daily snapshots and
publications' snapshots, entered or imported (dry run, all or nothing), and their series."""

from api.auth import contract_workers, current_user
from api.blueprint import Blueprint
from api.calendar import DAY, path_date
from api.compliance import contract_readers
from api.schemas.common import page_of
from api.schemas.metrics import (
    ChannelFiguresSchema,
    ChannelImportFormSchema,
    ChannelMetricSchema,
    ChannelSeriesArgs,
    ChannelSeriesSchema,
    ContractPageArgs,
    ImportFileSchema,
    MetricImportSchema,
    MetricsWriteSchema,
    PublicationFiguresSchema,
    PublicationImportFormSchema,
    PublicationMetricsArgs,
    PublicationMetricSchema,
    PublicationMetricsPageSchema,
)
from service.clock import local_today
from service.content import metrics

blp = Blueprint("metrics", __name__, url_prefix="/api/v1",
                description="Channels' and publications' figures against the baseline")


@blp.route("/channels/<id:channel_id>/metrics")
@contract_readers
@blp.arguments(ChannelSeriesArgs, location="query")
@blp.response(200, ChannelSeriesSchema)
def channel_series(args, channel_id):
    """A channel's figures per day, ISO week or calendar month (followers: the period's last
    snapshot; the flows: the period's days added), with its baseline. Members only."""
    return metrics.channel_series(current_user(), channel_id, start=args.get("from_"),
                                  end=args.get("to"), step=args["step"], today=local_today())


@blp.route(f"/channels/<id:channel_id>/metrics/{DAY}", methods=["PUT"])
@contract_workers
@blp.arguments(ChannelFiguresSchema)
@blp.response(200, ChannelMetricSchema)
def enter_channel_metrics(data, channel_id, date):
    """Enter a channel's figures of one day of the term (admins, the editors' lead); an
    older snapshot of the day is replaced, its figures kept in the audit."""
    return metrics.enter_channel_metrics(actor=current_user(), channel_id=channel_id,
                                         day=path_date(date), figures=data)


@blp.route("/channel-metrics/import", methods=["POST"])
@contract_workers
@blp.arguments(ImportFileSchema, location="files")
@blp.arguments(ChannelImportFormSchema, location="form")
@blp.response(201, MetricsWriteSchema)
@blp.alt_response(200, schema=MetricsWriteSchema, description="dry run: nothing stored")
def import_channel_metrics(files, form):
    """Import channels' daily figures from a platform's export (.xlsx or .csv: 日期, 渠道,
    粉丝数, 新增关注, 取消关注, 阅读量, 分享量, 互动量); any bad row refuses the whole file,
    listing the bad rows. A day already stored for the channel is replaced."""
    upload = files["file"]
    result = metrics.import_channel_metrics(
        actor=current_user(), contract=form["contract"], data=upload.read(),
        filename=upload.filename or "", channel=form.get("channel"), dry_run=form["dry_run"])
    return result, 200 if result.dry_run else 201


@blp.route("/publication-metrics")
@contract_readers
@blp.arguments(PublicationMetricsArgs, location="query")
@blp.response(200, PublicationMetricsPageSchema)
def publication_metrics(args):
    """Each publication's latest snapshot, most read first, with premium content's page
    views in total. Members only."""
    return metrics.publication_metrics(current_user(), **args)


@blp.route(f"/publications/<id:publication_id>/metrics/{DAY}", methods=["PUT"])
@contract_workers
@blp.arguments(PublicationFiguresSchema)
@blp.response(200, PublicationMetricSchema)
def enter_publication_metrics(data, publication_id, date):
    """Enter a publication's figures as the platform showed them on one day (admins, the
    editors' lead); an older snapshot of the day is replaced."""
    return metrics.enter_publication_metrics(actor=current_user(),
                                             publication_id=publication_id,
                                             day=path_date(date), figures=data)


@blp.route("/publication-metrics/import", methods=["POST"])
@contract_workers
@blp.arguments(ImportFileSchema, location="files")
@blp.arguments(PublicationImportFormSchema, location="form")
@blp.response(201, MetricsWriteSchema)
@blp.alt_response(200, schema=MetricsWriteSchema, description="dry run: nothing stored")
def import_publication_metrics(files, form):
    """Import publications' figures (.xlsx or .csv: 日期, 链接 or 发布记录编号, 阅读量, 分享量,
    点赞量); any bad row refuses the whole file, listing the bad rows."""
    upload = files["file"]
    result = metrics.import_publication_metrics(
        actor=current_user(), contract=form["contract"], data=upload.read(),
        filename=upload.filename or "", dry_run=form["dry_run"])
    return result, 200 if result.dry_run else 201


@blp.route("/metric-imports")
@contract_readers
@blp.arguments(ContractPageArgs, location="query")
@blp.response(200, page_of(MetricImportSchema))
def list_metric_imports(args):
    """Every entry or import of a contract's metrics, newest first."""
    return metrics.list_imports(current_user(), **args)
