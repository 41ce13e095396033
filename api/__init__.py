"""The HTTP edge and the composition root: create_app wires extensions, blueprints, errors
and commands, and does nothing else (no network, no migrations)."""

import logging
import re
import uuid
from pathlib import Path

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask, g, request
from flask.sessions import SessionInterface
from flask_migrate import Migrate
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BaseConverter, IntegerConverter

from api import config as app_config
from api.auth import authenticate_request
from api.blueprint import refuse_undeclared_query_parameters, refuse_unstorable_path
from api.database import configure_engine
from api.errors import JsonApi, register_error_handlers
from models import db

# What a browser may do with our pages: run and load only what this origin serves, never be
# framed, send the referrer only to ourselves, and ask for the position only for this origin.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=()",
}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RegexConverter(BaseConverter):
    """A path part that must match a pattern (ISO weeks, statistical codes)."""

    def __init__(self, url_map, pattern: str):
        super().__init__(url_map)
        self.regex = pattern


class IdConverter(IntegerConverter):
    """Record ids: at most nine digits, so a huge number is a 404, not a database overflow."""

    regex = r"\d{1,9}"


def _schema_name(schema) -> str:
    """OpenAPI component names: the class name, marked when used for partial updates."""
    cls = resolve_schema_cls(schema)
    name = cls.__name__.removesuffix("Schema")
    return name + "Partial" if getattr(schema, "partial", False) else name


def _api_settings() -> dict:
    return {
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
        "API_SPEC_OPTIONS": {
            "info": {"description": "Coordinates are WGS-84 (as browsers' geolocation gives "
                                    "them). Times are ISO 8601 with an offset, stored in UTC."},
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"}}},
        },
    }


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def start_request():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        refuse_unstorable_path(request.view_args)
        authenticate_request()
        if request.path.startswith("/api/v1/") and request.endpoint in app.view_functions:
            refuse_undeclared_query_parameters(request, app.view_functions[request.endpoint])

    @app.after_request
    def tag_response(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        response.headers.update(SECURITY_HEADERS)
        return response


def _register_blueprints(api: JsonApi) -> None:
    from api import accounts as accounts_api
    from api import (
        assignments,
        calendar,
        channels,
        community,
        compliance,
        content,
        content_reports,
        contracts,
        district,
        effect,
        execution,
        health,
        jobs,
        messages,
        metrics,
        registry,
        reports,
        targets,
        themes,
        user_counts,
        visits,
    )

    for blueprint in (health.blp, accounts_api.blp, accounts_api.users_blp, district.blp,
                      assignments.blp, visits.blp, visits.problems_blp, user_counts.blp,
                      targets.blp, contracts.blp, calendar.blp, channels.blp, themes.blp,
                      reports.blp, effect.blp, execution.blp, jobs.blp, community.blp,
                      content.blp, content.publications_blp, compliance.blp, metrics.blp,
                      messages.blp, messages.templates_blp, messages.faqs_blp, content_reports.blp,
                      *registry.blueprints()):
        api.register_blueprint(blueprint)


class NoCookieSessions(SessionInterface):
    """The API and the web client authenticate with bearer tokens; Flask's signed cookie
    session is never used, so it is not opened (that cost a serializer on every request)."""

    def open_session(self, app: Flask, request):
        return self.make_null_session(app)

    def save_session(self, app: Flask, session, response) -> None:
        pass


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides the environment (tests pass theirs)."""
    app = Flask(__name__, instance_relative_config=True,
                static_folder="../web/static", static_url_path="/static",
                template_folder="../web/templates")
    app.config.update(_api_settings())
    app.config.update(config if config is not None else app_config.from_environment(
        app.instance_path))
    # The docs' title is the product's name, which is configuration (PRODUCT_NAME), not code.
    app.config.setdefault("PRODUCT_NAME", app_config.DEFAULT_PRODUCT_NAME)
    app.config.setdefault("API_TITLE", f"{app.config['PRODUCT_NAME']} API")
    if app.config.get("TRUSTED_PROXIES"):
        # The phone's address (for the login throttle) and scheme, as the proxy reports them.
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.session_interface = NoCookieSessions()
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["regex"] = RegexConverter
    logging.basicConfig(level=logging.INFO)

    db.init_app(app)
    Migrate(app, db, directory=str(Path(app.root_path).parent / "migrations"),
            render_as_batch=True, compare_type=True)
    with app.app_context():
        configure_engine(app, db.engine)
    from service.jobs import queue
    queue.init_app(app)

    api = JsonApi(app, spec_kwargs={
        "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=_schema_name)})
    api.register_converter(RegexConverter, lambda c: {"type": "string", "pattern": f"^{c.regex}$"})
    api.register_converter(IdConverter, lambda _c: {"type": "integer", "minimum": 0,
                                                    "maximum": 999_999_999})
    register_error_handlers(app)
    _register_request_hooks(app)
    _register_blueprints(api)

    from api.cli import register_commands
    register_commands(app)

    import web
    app.register_blueprint(web.blp)
    return app
