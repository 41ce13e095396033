"""Accounts: creating and changing users, checking passwords, issuing and reading tokens."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from models import LoginAttempt, Role, User, db
from service import audit
from service.clock import now_utc
from service.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    TooManyAttemptsError,
    field_error,
)
from service.pagination import Page, paginate

# Failed logins tolerated in the window before further attempts are refused with 429.
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_ADDRESS = 20
MIN_PASSWORD_LENGTH = 8
TOKEN_SALT = "access-token"

# scrypt by default; tests configure a cheaper method through the app config.
password_method = "scrypt"
_DUMMY_HASH = generate_password_hash("not a password", method="pbkdf2:sha256:1000")


@dataclass
class IssuedToken:
    access_token: str
    expires_in: int
    user: User


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise field_error("password", f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    return generate_password_hash(password, method=password_method)


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"用户不存在：{user_id}")
    return user


def get_user_by_username(username: str, field: str = "username") -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"用户不存在：{username}", {field: [f"未知用户：{username}"]})
    return user


def list_users(*, role: str | None = None, active: bool | None = None,
               page: int = 1, per_page: int = 50) -> Page:
    query = select(User).order_by(User.id)
    if role:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active.is_(active))
    return paginate(query, page, per_page)


def create_user(*, username: str, password: str, role: str, display_name: str | None = None,
                actor: User | None = None) -> User:
    """Create an account; the username must be new."""
    if role not in set(Role):
        raise field_error("role", f"未知角色：{role}")
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=_hash(password))
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ConflictError(f"用户名已存在：{username}",
                            {"username": [f"用户名已存在：{username}"]}) from None
    audit.record("user", user.id, "create", actor,
                 {"username": username, "role": role, "display_name": user.display_name})
    db.session.commit()
    return user


def update_user(user: User, *, actor: User, role: str | None = None,
                display_name: str | None = None, password: str | None = None,
                active: bool | None = None) -> User:
    """Change a user's role, name, password or enabled state (recorded)."""
    before = audit.snapshot(user, ["role", "display_name", "active"])
    if role is not None:
        if role not in set(Role):
            raise field_error("role", f"未知角色：{role}")
        user.role = role
    if display_name is not None:
        user.display_name = display_name
    if active is not None:
        if not active and user.active:
            user.token_version += 1
        user.active = active
    changes = audit.diff(before, audit.snapshot(user, ["role", "display_name", "active"]))
    if password is not None:
        user.password_hash = _hash(password)
        user.token_version += 1
        changes["password"] = "changed"
    if changes:
        audit.record("user", user.id, "update", actor, changes)
    db.session.commit()
    return user


def _recent_failures(column, value: str, now: datetime) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginAttempt)
        .where(column == value, LoginAttempt.succeeded.is_(False),
               LoginAttempt.at > now - FAILURE_WINDOW)
    ) or 0


def _check_not_throttled(username: str, address: str, now: datetime) -> None:
    if (_recent_failures(LoginAttempt.username, username, now) >= MAX_FAILURES_PER_USERNAME
            or _recent_failures(LoginAttempt.address, address, now) >= MAX_FAILURES_PER_ADDRESS):
        raise TooManyAttemptsError("登录失败次数过多，请稍后再试",
                                   retry_after=int(FAILURE_WINDOW.total_seconds()))


def authenticate(username: str, password: str, *, address: str,
                 now: datetime | None = None) -> User:
    """The active user with this password; failures are recorded and eventually throttled."""
    now = now or now_utc()
    _check_not_throttled(username, address, now)
    user = db.session.scalar(select(User).where(User.username == username))
    # Hash even for unknown users so that timing does not reveal which usernames exist.
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    succeeded = bool(user and valid and user.active)
    db.session.add(LoginAttempt(username=username[:64], address=address[:64], at=now,
                                succeeded=succeeded))
    db.session.commit()
    if not succeeded:
        raise AuthenticationError("用户名或密码错误")
    return user


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=TOKEN_SALT)


def issue_token(user: User, *, secret: str, lifetime: int) -> IssuedToken:
    """A signed token naming the user and the version of their credentials."""
    token = _serializer(secret).dumps({"uid": user.id, "v": user.token_version})
    return IssuedToken(access_token=token, expires_in=lifetime, user=user)


_USER_BY_ID = select(User).where(User.id == bindparam("id"))


def user_from_token(token: str, *, secret: str, lifetime: int) -> User:
    """The user a token speaks for, if it is genuine, unexpired and still valid."""
    try:
        claims = _serializer(secret).loads(token, max_age=lifetime)
    except SignatureExpired:
        raise AuthenticationError("登录已过期，请重新登录") from None
    except BadSignature:
        raise AuthenticationError("登录凭证无效") from None
    if not isinstance(claims, dict) or not isinstance(claims.get("uid"), int):
        raise AuthenticationError("登录凭证无效")
    user = db.session.scalar(_USER_BY_ID, {"id": claims["uid"]})
    if user is None or not user.active or user.token_version != claims.get("v"):
        raise AuthenticationError("登录凭证已失效，请重新登录")
    return user
