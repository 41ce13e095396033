"""Who is calling: bearer tokens on every /api/v1/ endpoint, and role requirements."""

from collections.abc import Callable
from functools import wraps

from flask import current_app, g, request

from models import Role, User
from service.district import accounts
from service.errors import AuthenticationError, PermissionDeniedError

# Endpoints anyone may call without a token.
PUBLIC_ENDPOINTS = {"health.health", "auth.login"}
# The one endpoint a user whose password must change may call.
PASSWORD_CHANGE_ENDPOINT = "auth.change_password"
# All a community account may call: who am I, its own password, its own community's page and
# workbooks (each of these checks the community). Everything else is refused before it runs,
# so an endpoint added later never shows district data to a community by omission.
COMMUNITY_ENDPOINTS = {"auth.me", PASSWORD_CHANGE_ENDPOINT, "reports.community_workbook",
                       "community.overview", "community.workbooks"}


# What a content account (one that works only on contracts with member roles) may call: who
# am I, its own password, and the contract blueprints, each of which checks that the caller
# belongs to the contract. The district's promotion data stays out of reach by default.
CONTENT_ENDPOINTS = {"auth.me", PASSWORD_CHANGE_ENDPOINT}
CONTENT_BLUEPRINTS = {"contracts", "calendar", "channels", "themes", "content",
                      "publications", "compliance", "metrics", "messages", "reply_templates",
                      "faqs", "content_reports"}


def authenticate_request() -> None:
    """Before each API request: resolve the bearer token to a user, or refuse with 401."""
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return
    if not request.path.startswith("/api/v1/") or request.method == "OPTIONS":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("请先登录（缺少 Authorization: Bearer 令牌）")
    g.user = accounts.user_from_token(token.strip(), secret=current_app.config["SECRET_KEY"],
                                      lifetime=current_app.config["TOKEN_LIFETIME"])
    if g.user.must_change_password and request.endpoint != PASSWORD_CHANGE_ENDPOINT:
        raise PermissionDeniedError(accounts.MUST_CHANGE_MESSAGE,
                                    {"must_change_password": [accounts.MUST_CHANGE_MESSAGE]})
    if g.user.role == Role.COMMUNITY and request.endpoint not in COMMUNITY_ENDPOINTS:
        raise PermissionDeniedError("社区账号只能查看本社区的数据和周报")
    if g.user.role == Role.CONTENT and request.endpoint not in CONTENT_ENDPOINTS \
            and request.blueprint not in CONTENT_BLUEPRINTS:
        raise PermissionDeniedError("内容运营账号只能使用所属合同的功能")


def current_user() -> User:
    return g.user


def require_role(*roles: Role) -> Callable:
    """Refuse with 403 unless the authenticated user has one of `roles`."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_user().role not in roles:
                raise PermissionDeniedError("没有权限执行此操作")
            return view(*args, **kwargs)
        return wrapper
    return decorator


admin_only = require_role(Role.ADMIN)
# Those who record field work (visits, problems); officials only read.
field_workers = require_role(Role.ADMIN, Role.LIAISON)
# Those who may write a contract's channels and themes: admins and content accounts (the
# contract's own role is checked after, by the service); liaisons, officials and community
# accounts never, whatever the body holds.
contract_workers = require_role(Role.ADMIN, Role.CONTENT)
