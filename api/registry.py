"""The registry's endpoints: one blueprint per kind, all made by the same factory."""

from collections.abc import Callable
from dataclasses import dataclass

from api.auth import admin_only, current_user, require_role
from api.blueprint import Blueprint
from api.schemas import registry as schemas
from api.schemas.common import AuditEntrySchema, page_of
from service.progress import articles, registry
from service.progress.registry import KINDS, Kind


@dataclass(frozen=True)
class UseCases:
    """What a kind's endpoints call: the registry's own use cases, or those recording the
    articles and topics through the content model (same arguments, same answers)."""

    create: Callable
    list: Callable
    get: Callable
    update: Callable
    delete: Callable
    history: Callable


RECORDS = UseCases(registry.create_record, registry.list_records, registry.get_record,
                   registry.update_record, registry.delete_record, registry.record_history)
ARTICLES = UseCases(articles.create_article, articles.list_articles, articles.get_article,
                    articles.update_article, articles.delete_article, articles.article_history)
TOPICS = UseCases(articles.create_topic, articles.list_topics, articles.get_topic,
                  articles.update_topic, articles.delete_topic, articles.topic_history)


def crud_blueprint(kind: Kind, url: str, create_schema, item_schema,
                   with_create: bool = True, uses: UseCases = RECORDS) -> Blueprint:
    """List, get, update, delete and history for a kind (and create unless told otherwise)."""
    # Permission before the body is read, so that a refusal reveals nothing of the data.
    may_write = require_role(*kind.writer_roles)
    blp = Blueprint(kind.name, __name__, url_prefix=f"/api/v1/{url}",
                    description=f"{kind.label}")

    if with_create:
        @blp.route("", methods=["POST"])
        @may_write
        @blp.arguments(create_schema)
        @blp.response(201, item_schema)
        def create(data):
            """Create a record (recorded; scoped to the caller's streets and communities)."""
            return uses.create(kind, actor=current_user(), data=data)

    @blp.route("")
    @blp.arguments(schemas.RecordListArgs, location="query")
    @blp.response(200, page_of(item_schema))
    def list_records(args):
        """Records, newest first, by date range, street and community."""
        return uses.list(kind, actor=current_user(), **args)

    @blp.route("/<id:record_id>")
    @blp.response(200, item_schema)
    def get(record_id):
        """One record."""
        return uses.get(kind, record_id, actor=current_user())

    @blp.route("/<id:record_id>", methods=["PATCH"])
    @may_write
    @blp.arguments(create_schema(partial=True))
    @blp.response(200, item_schema)
    def update(data, record_id):
        """Change a record (recorded)."""
        return uses.update(kind, record_id, actor=current_user(), data=data)

    @blp.route("/<id:record_id>", methods=["DELETE"])
    @may_write
    @blp.response(204)
    def delete(record_id):
        """Delete a record (kept in the history; it no longer counts)."""
        uses.delete(kind, record_id, actor=current_user())

    @blp.route("/<id:record_id>/history")
    @blp.response(200, AuditEntrySchema(many=True))
    def history(record_id):
        """Who created, changed or deleted the record, and what changed."""
        return uses.history(kind, record_id)

    return blp


def interaction_blueprint() -> Blueprint:
    blp = crud_blueprint(KINDS["interaction"], "interactions", schemas.InteractionCreateSchema,
                         schemas.InteractionSchema, with_create=False)

    @blp.route("", methods=["POST"])
    @admin_only
    @blp.arguments(schemas.InteractionCreateSchema)
    @blp.response(201, schemas.InteractionSchema)
    def post_day(data):
        """One day's district totals; posting a date again replaces its figures."""
        return registry.post_interactions(actor=current_user(), days=[data])[0]

    @blp.route("/bulk", methods=["POST"])
    @admin_only
    @blp.arguments(schemas.InteractionBulkSchema)
    @blp.response(201, schemas.InteractionSchema(many=True))
    def post_days(data):
        """Many days at once, all or nothing; each date replaces its figures."""
        return registry.post_interactions(actor=current_user(), days=data["days"])

    return blp


def blueprints() -> list[Blueprint]:
    return [
        crud_blueprint(KINDS["training"], "trainings", schemas.TrainingCreateSchema,
                       schemas.TrainingSchema),
        crud_blueprint(KINDS["event"], "events", schemas.EventCreateSchema,
                       schemas.EventSchema),
        crud_blueprint(KINDS["service_group"], "service-groups",
                       schemas.ServiceGroupCreateSchema, schemas.ServiceGroupSchema),
        crud_blueprint(KINDS["case"], "cases", schemas.CaseCreateSchema, schemas.CaseSchema),
        crud_blueprint(articles.TOPIC, "topics", schemas.TopicCreateSchema,
                       schemas.TopicSchema, uses=TOPICS),
        crud_blueprint(articles.ARTICLE, "articles", schemas.ArticleCreateSchema,
                       schemas.ArticleSchema, uses=ARTICLES),
        crud_blueprint(KINDS["demo_community"], "demo-communities",
                       schemas.DemoCommunityCreateSchema, schemas.DemoCommunitySchema),
        interaction_blueprint(),
    ]
