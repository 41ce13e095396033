from marshmallow import Schema, fields

from api.blueprint import Blueprint
from service.health import database_reachable

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Service health")


class HealthSchema(Schema):
    status = fields.String()


@blp.route("/health")
@blp.doc(security=[])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="The database is unreachable")
def health():
    """Whether the service and its database answer."""
    if database_reachable():
        return {"status": "ok"}
    return {"status": "unavailable"}, 503
