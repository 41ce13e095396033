"""The one place where exceptions become HTTP responses, all in one JSON shape:
{"code", "status", "message", "errors"?, "request_id"?}."""

import errno
import logging
import re

import marshmallow as ma
from flask import Flask, g, jsonify
from flask_smorest import Api
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from service.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RuleViolationError,
    ServiceError,
    TooManyAttemptsError,
    UnavailableError,
    UnreadableInputError,
)

log = logging.getLogger(__name__)

STATUS_OF = {
    UnreadableInputError: 400,
    AuthenticationError: 401,
    PermissionDeniedError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    RuleViolationError: 422,
    TooManyAttemptsError: 429,
    UnavailableError: 503,
}

MESSAGES = {
    400: "请求格式错误",
    401: "请先登录",
    403: "没有权限",
    404: "资源不存在",
    405: "不支持该请求方法",
    409: "与现有数据冲突",
    413: "上传内容过大",
    422: "输入有误",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
    503: "数据库繁忙，请稍后重试",
}
# Seconds a client is asked to wait when the database is busy or unreachable, or the disk full.
RETRY_AFTER_BUSY_S = 1
RETRY_AFTER_DISK_FULL_S = 60
DISK_FULL_MESSAGE = "服务器存储空间不足，数据未保存，请稍后重试"


def error_body(status: int, message: str | None = None, errors: dict | None = None) -> dict:
    body = {"code": status, "status": HTTP_STATUS_CODES.get(status, "Error"),
            "message": message or MESSAGES.get(status, HTTP_STATUS_CODES.get(status, ""))}
    if errors:
        body["errors"] = errors
    return body


# marshmallow's own messages, said in Chinese (every message a user reads is).
_VALIDATION_MESSAGES = [(re.compile(pattern), chinese) for pattern, chinese in [
    (r"^Unknown field\.$", "未知字段"),
    (r"^Missing data for required field\.$", "必填"),
    (r"^Field may not be null\.$", "不能为空值"),
    (r"^Not a valid integer\.$", "应为整数"),
    (r"^Not a valid number\.$", "应为数字"),
    (r"^Not a valid string\.$", "应为文本"),
    (r"^Not a valid boolean\.$", "应为 true 或 false"),
    (r"^Not a valid date\.$", "日期格式应为 YYYY-MM-DD"),
    (r"^Not a valid datetime\.$", "时间格式应为 ISO 8601，例如 2022-05-16T10:30:00+08:00"),
    (r"^Not a valid aware datetime\.$", "时间应带时区，例如 2022-05-16T10:30:00+08:00"),
    (r"^Not a valid UUID\.$", "应为 UUID"),
    (r"^Not a valid list\.$", "应为列表"),
    (r"^Not a valid mapping type\.$", "应为对象"),
    (r"^Not a valid URL\.$", "应为有效网址"),
    (r"^Invalid input type\.$", "类型错误，应为 JSON 对象"),
    (r"^Invalid value\.$", "取值无效"),
    (r"^Number too large\.$", "数值过大"),
    (r"^Special numeric values \(nan or infinity\) are not permitted\.$",
     "不能为 NaN 或 Infinity"),
    (r"^Length must be between (\d+) and (\d+)\.$", r"长度应为 \1–\2 个字符"),
    (r"^Shorter than minimum length (\d+)\.$", r"至少 \1 个字符"),
    (r"^Longer than maximum length (\d+)\.$", r"最多 \1 个字符"),
    (r"^Length must be (\d+)\.$", r"长度应为 \1"),
    (r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$",
     r"应在 \1 至 \2 之间"),
    (r"^Must be greater than or equal to (\S+)\.$", r"应不小于 \1"),
    (r"^Must be less than or equal to (\S+)\.$", r"应不大于 \1"),
    (r"^Must be one of: (.*)\.$", r"应为以下之一：\1"),
    (r"^String does not match expected pattern\.$", "格式不正确"),
]]


def in_chinese(errors):
    """The field errors with marshmallow's English messages said in Chinese."""
    if isinstance(errors, dict):
        return {key: in_chinese(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [in_chinese(item) for item in errors]
    if isinstance(errors, str):
        for pattern, chinese in _VALIDATION_MESSAGES:
            if pattern.match(errors):
                return pattern.sub(chinese, errors)
    return errors


def _first_field_message(errors: dict, path: str = "") -> str | None:
    """'field: message' for the first field at fault in a (nested) marshmallow error dict."""
    for key, value in errors.items():
        name = key if key in ("json", "query", "form", "files", "path") else (
            f"{path}.{key}" if path else str(key))
        if key in ("json", "query", "form", "files", "path"):
            name = path
        if isinstance(value, dict):
            found = _first_field_message(value, name)
            if found:
                return found
        elif isinstance(value, list) and value:
            return f"{name or '请求'}: {value[0]}" if isinstance(value[0], str) else (
                _first_field_message(value[0], name) if isinstance(value[0], dict) else None)
    return None


class ErrorSchema(ma.Schema):
    """The one shape of every error response."""

    code = ma.fields.Integer()
    status = ma.fields.String()
    message = ma.fields.String(metadata={"description": "for people, in Chinese"})
    errors = ma.fields.Dict(metadata={"description": "the fields or rows at fault"})
    request_id = ma.fields.String(metadata={"description": "on unexpected errors"})


class JsonApi(Api):
    """flask-smorest's Api, with HTTP errors that keep their headers (Allow on 405) and name
    the field at fault."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = in_chinese(data.get("errors") or data.get("messages"))
        message = data.get("message")
        if errors and not message:
            message = _first_field_message(errors)
        if error.code == 400 and not errors and not message:
            message = f"{MESSAGES[400]}：{error.description}" if error.description else None
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        if getattr(g, "request_id", None):
            headers["X-Request-ID"] = g.request_id
        return jsonify(error_body(error.code or 500, message, errors)), error.code, headers


def _is_lock_timeout(error: OperationalError) -> bool:
    return "database is locked" in str(error.orig)


def _is_disk_full(error: Exception) -> bool:
    """SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100), or a file write's ENOSPC."""
    if isinstance(error, OSError):
        return error.errno == errno.ENOSPC
    return ("database or disk is full" in str(error.orig)
            or getattr(error.orig, "sqlstate", None) == "53100")


def _disk_full_response():
    log.error("disk full, request_id=%s", getattr(g, "request_id", "-"))
    return (jsonify(error_body(503, DISK_FULL_MESSAGE)), 503,
            {"Retry-After": str(RETRY_AFTER_DISK_FULL_S)})


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        status = next(code for cls, code in STATUS_OF.items() if isinstance(error, cls))
        headers = {}
        if isinstance(error, TooManyAttemptsError | UnavailableError):
            headers["Retry-After"] = str(error.retry_after)
        if isinstance(error, AuthenticationError):
            headers["WWW-Authenticate"] = "Bearer"
        errors = error.errors or None
        if isinstance(error, RuleViolationError) and errors:
            errors = {error.location: errors}
        return jsonify(error_body(status, error.message, errors)), status, headers

    # HTTPExceptions reach JsonApi.handle_http_exception first: Flask picks the most specific
    # handler, so this one sees only what nothing else caught.
    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        request_id = getattr(g, "request_id", "-")
        log.exception("unhandled error, request_id=%s", request_id)
        body = error_body(500, f"{MESSAGES[500]}（请求编号 {request_id}）")
        body["request_id"] = request_id
        return jsonify(body), 500

    @app.errorhandler(OSError)
    def disk_full(error: OSError):
        if not _is_disk_full(error):
            return unexpected_error(error)
        return _disk_full_response()

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        # SQLite's write lock not free within the busy timeout, a full disk, or a lost
        # connection: the request changed nothing (its transaction is rolled back) and can
        # be sent again.
        if _is_disk_full(error):
            return _disk_full_response()
        if not (_is_lock_timeout(error) or error.connection_invalidated):
            return unexpected_error(error)
        log.warning("database unavailable, request_id=%s: %s",
                    getattr(g, "request_id", "-"), error.orig)
        return (jsonify(error_body(503)), 503, {"Retry-After": str(RETRY_AFTER_BUSY_S)})
