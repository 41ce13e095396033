"""The Blueprint every resource uses: webargs defers to each schema's `unknown` setting, so
unknown query parameters are refused like unknown body fields, and JSON bodies are read once,
with a bound on how deeply they nest."""

import json

import flask_smorest
from flask_smorest import abort
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from api.schemas.common import UNSTORABLE

# No request of this API nests deeper than a few levels; a body nested thousands of levels
# deep would exhaust the parser's recursion (a 500) or the walkers after it.
MAX_JSON_DEPTH = 20


def _depth_exceeds(value, limit: int) -> bool:
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return False


def parse_json_body(data: bytes):
    """The body's JSON, refused as malformed (400) when it nests too deeply."""
    try:
        value = core.parse_json(data)
    except RecursionError:
        raise json.JSONDecodeError("JSON 嵌套过深", "(body)", 0) from None
    if _depth_exceeds(value, MAX_JSON_DEPTH):
        raise json.JSONDecodeError(f"JSON 嵌套超过 {MAX_JSON_DEPTH} 层", "(body)", 0)
    return value


UNKNOWN_PARAMETER_MESSAGE = "未知参数"


def refuse_unstorable_path(view_args: dict | None) -> None:
    """No record is named with a control character: such a path is a 404 before it reaches a
    query (PostgreSQL refuses NUL in a parameter with an error)."""
    if any(isinstance(value, str) and UNSTORABLE.search(value)
           for value in (view_args or {}).values()):
        abort(404)


def refuse_undeclared_query_parameters(request, view) -> None:
    """422 naming query parameters an endpoint does not declare: a mistyped `?dry_run=true`
    must not pass unnoticed while the request does something else. Endpoints with a query
    schema refuse unknown parameters through it."""
    if not request.args:
        return
    declared = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    if any(parameter["in"] == "query" for parameter in declared):
        return
    names = sorted(request.args.keys())
    abort(422, messages={"query": {name: [UNKNOWN_PARAMETER_MESSAGE] for name in names}},
          message=f"{names[0]}: {UNKNOWN_PARAMETER_MESSAGE}")


NO_BODY_MESSAGE = "缺少请求体（JSON 对象）"
NO_CHANGE_MESSAGE = "请至少修改一个字段"


class Parser(FlaskParser):
    def load_json(self, req, schema):
        """The JSON body, which every endpoint that declares one requires (as its OpenAPI
        document says); a change (PATCH) must change something."""
        data = super().load_json(req, schema)
        if data is core.missing:
            abort(422, messages={"json": {"_schema": [NO_BODY_MESSAGE]}},
                  message=NO_BODY_MESSAGE)
        if req.method == "PATCH" and data == {}:
            abort(422, messages={"json": {"_schema": [NO_CHANGE_MESSAGE]}},
                  message=NO_CHANGE_MESSAGE)
        return data

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return parse_json_body(req.get_data(cache=True))

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        reason = getattr(error, "msg", "")
        message = reason if reason.startswith("JSON 嵌套") else "请求体不是有效的 JSON"
        abort(400, messages={"json": [message]}, message=message)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser(unknown=None)

    def arguments(self, schema, **kwargs):
        # webargs builds a new schema from a class on every request; one instance serves all.
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)
