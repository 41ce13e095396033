"""Accounts: creating and changing users, checking passwords, issuing and reading tokens."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from secrets import choice, token_urlsafe

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from models import Assignment, LoginAttempt, Role, User, db
from service import audit
from service.clock import now_utc
from service.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    RuleViolationError,
    ServiceError,
    TooManyAttemptsError,
    field_error,
    named_in_body,
)
from service.pagination import Page, paginate
from service.transaction import conflicts_as, lock_for_writing, reader, writer

# Failed logins tolerated in the window before further attempts are refused with 429. Counted
# per address and per username at one address, never per username alone: failures from
# elsewhere must not lock the owner of the account out.
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME_AT_ADDRESS = 5
MAX_FAILURES_PER_ADDRESS = 20
MIN_PASSWORD_LENGTH = 10
# zxcvbn's scores run 0–4; 3 and up stands up to an online attack even without the throttle.
MIN_PASSWORD_SCORE = 3
# zxcvbn refuses longer input (its matching slows down fast); the first 72 characters decide.
ZXCVBN_MAX_LENGTH = 72
TOKEN_SALT = "access-token"


def _hash_method() -> str:
    """The app's PASSWORD_HASH_METHOD: scrypt in production, a cheaper one in the tests."""
    return current_app.config["PASSWORD_HASH_METHOD"]


# A one-time password: three groups of four from letters and digits that are never confused
# with each other (no 0/o, 1/l/i), e.g. "k7mp-x9qa-4tzw" — about 59 bits, read out easily.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
MUST_CHANGE_MESSAGE = "请先设置新密码：您的密码是管理员设置的，修改后才能继续使用"


@dataclass
class IssuedPassword:
    """An account and the one-time password just given to it (shown once, never stored)."""
    user: User
    one_time_password: str | None


@dataclass
class IssuedToken:
    access_token: str
    expires_in: int
    user: User


def _rule(field: str, reason: str, error: type[ServiceError] = RuleViolationError
          ) -> ServiceError:
    """An error whose message names the field at fault, as validation errors' messages do."""
    return error(f"{field}: {reason}", {field: [reason]})


def _matches(sequence: list[dict]) -> Iterator[dict]:
    """zxcvbn's matches, with the parts of repeated chunks ("abcabc") among them."""
    for match in sequence:
        yield match
        yield from _matches(match.get("base_matches", []))


def password_problem(password: str, *, username: str, display_name: str) -> str | None:
    """Why a new password is too easy to guess (in Chinese), or None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符"
    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[username, display_name])
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    matches = list(_matches(result["sequence"]))
    if any(m.get("dictionary_name") == "user_inputs" for m in matches):
        return "密码不能包含用户名或姓名"
    if any(m["pattern"] == "repeat" for m in matches):
        return "密码不能由重复的字符或片段组成"
    if any(m.get("dictionary_name") == "passwords" for m in matches):
        return "这是常见密码，很容易被猜到"
    return "密码太容易被猜到，请换一个更长、更不规则的密码（例如几个不相关的词加数字）"


def _password_hash(password: str, *, username: str, display_name: str) -> str:
    """The hash of an acceptable new password. Callers hash before their write transaction:
    scrypt takes about 100 ms, and SQLite's write lock must not wait for it."""
    problem = password_problem(password, username=username, display_name=display_name)
    if problem:
        raise _rule("password", problem)
    return generate_password_hash(password, method=_hash_method())


def one_time_password(*, username: str, display_name: str) -> str:
    """A random password that passes the rules for new passwords."""
    while True:
        password = "-".join("".join(choice(ONE_TIME_ALPHABET) for _ in range(4))
                            for _ in range(3))
        if password_problem(password, username=username, display_name=display_name) is None:
            return password


@cache
def _dummy_hash(method: str) -> str:
    """A hash of the configured method for unknown users to be checked against, so that an
    unknown username costs as much time as a wrong password and does not reveal itself."""
    return generate_password_hash(token_urlsafe(), method=method)


@reader
def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"用户不存在：{user_id}")
    return user


@reader
def get_user_by_username(username: str, field: str = "username") -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"用户不存在：{username}", {field: [f"未知用户：{username}"]})
    return user


def referenced_user(username: str, field: str = "username") -> User:
    """A user named in a request's body (an unknown name is a fault of that field)."""
    with named_in_body(field):
        return get_user_by_username(username, field)


@reader
def list_users(*, role: str | None = None, active: bool | None = None, q: str | None = None,
               page: int = 1, per_page: int = 50) -> Page:
    """Accounts by id, with their assignments; `q` finds a part of the username, the name or
    the phone."""
    query = (select(User).order_by(User.id)
             .options(selectinload(User.assignments).selectinload(Assignment.street),
                      selectinload(User.assignments).selectinload(Assignment.community)))
    if q:
        query = query.where(or_(*(column.icontains(q, autoescape=True) for column in
                                  (User.username, User.display_name, User.phone))))
    if role:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active.is_(active))
    return paginate(query, page, per_page)


def _check_community_binding(role: str, community_code: str | None) -> None:
    """A community account names its community (which must exist); no other account does."""
    if role == Role.COMMUNITY:
        if not community_code:
            raise field_error("community_code", "社区账号必须指定所属社区")
        from service.district.places import referenced_community
        referenced_community(community_code)
    elif community_code:
        raise field_error("community_code", "只有社区账号（community）可以指定所属社区")


def _check_district_binding(role: str, district_code: str | None) -> None:
    """Only an official is scoped to a district (which must be held)."""
    if not district_code:
        return
    if role != Role.OFFICIAL:
        raise field_error("district_code", "只有区、街道账号（official）可以指定所属的区")
    from service.district.scope import get_district
    with named_in_body("district_code"):
        get_district(district_code)


@writer
def create_user(*, username: str, password: str, role: str, display_name: str | None = None,
                phone: str | None = None, must_change_password: bool = False,
                community_code: str | None = None, email: str | None = None,
                district_code: str | None = None,
                actor: User | None = None, password_hash: str | None = None) -> User:
    """Create an account; the username must be new and the password hard to guess. A
    community account is bound to its community. `password_hash`: the password's hash made
    beforehand (a bulk import hashes every password before its write lock)."""
    if role not in set(Role):
        raise field_error("role", f"未知角色：{role}")
    _check_community_binding(role, community_code)
    _check_district_binding(role, district_code)
    display_name = display_name or username
    password_hash = password_hash or _password_hash(password, username=username,
                                                    display_name=display_name)
    with conflicts_as(f"用户名已存在：{username}", "username"):
        user = User(username=username, display_name=display_name, role=role,
                    password_hash=password_hash, phone=phone or None,
                    must_change_password=must_change_password,
                    community_code=community_code or None, email=email or None,
                    district_code=district_code or None)
        db.session.add(user)
        db.session.flush()
        audit.record("user", user.id, "create", actor,
                     {"username": username, "role": role, "display_name": display_name,
                      "phone": phone or None, "community_code": community_code or None,
                      "email": email or None, "district_code": district_code or None})
    if role == Role.COMMUNITY:
        # The weekly workbooks already kept reach the new account's community now.
        from service.reports.deliveries import deliver_kept_sets
        deliver_kept_sets(community_code)
    return user


@writer
def open_account(*, actor: User, username: str, role: str, password: str | None = None,
                 display_name: str | None = None, phone: str | None = None,
                 community_code: str | None = None, email: str | None = None,
                 district_code: str | None = None) -> IssuedPassword:
    """An admin opens an account: with the password they chose, or a one-time password made
    here and shown once. Either way somebody else knows it, so the new user must set their
    own at their first login."""
    issued = None
    if password is None:
        issued = password = one_time_password(username=username,
                                              display_name=display_name or username)
    user = create_user(username=username, password=password, role=role,
                       display_name=display_name, phone=phone, must_change_password=True,
                       community_code=community_code, email=email,
                       district_code=district_code, actor=actor)
    return IssuedPassword(user, issued)


@writer
def reset_password(user_id: int, *, actor: User) -> IssuedPassword:
    """Give an account a one-time password (shown once): its tokens stop working and the user
    must set a new password at their next login."""
    user = get_user(user_id)
    password = one_time_password(username=user.username, display_name=user.display_name)
    password_hash = generate_password_hash(password, method=_hash_method())
    lock_for_writing()
    db.session.refresh(user, with_for_update=True)
    user.password_hash = password_hash
    user.must_change_password = True
    user.token_version += 1
    audit.record("user", user.id, "reset_password", actor, {"password": "reset"})
    return IssuedPassword(user, password)


@writer
def change_own_password(user: User, *, current_password: str, new_password: str) -> User:
    """A user sets their own password (the current one proves it is them): the rules of new
    passwords apply, the other tokens stop working, and a must-change flag is cleared."""
    if not check_password_hash(user.password_hash, current_password):
        raise _rule("current_password", "当前密码不正确")
    if new_password == current_password:
        raise _rule("new_password", "新密码不能与当前密码相同")
    problem = password_problem(new_password, username=user.username,
                               display_name=user.display_name)
    if problem:
        raise _rule("new_password", problem)
    password_hash = generate_password_hash(new_password, method=_hash_method())
    lock_for_writing()
    db.session.refresh(user, with_for_update=True)
    user.password_hash = password_hash
    user.must_change_password = False
    user.token_version += 1
    audit.record("user", user.id, "change_password", user, {"password": "changed"})
    return user


def _check_admins_kept(user: User, actor: User | None, role: str | None,
                       active: bool | None) -> None:
    """An admin cannot disable or demote themselves, and one active admin always remains."""
    if user.role != Role.ADMIN or not user.active:
        return
    if active is False:
        field, own = "active", "不能停用自己的账号"
    elif role is not None and role != Role.ADMIN:
        field, own = "role", "不能取消自己的管理员角色"
    else:
        return
    if actor is not None and actor.id == user.id:
        raise _rule(field, own)
    # FOR UPDATE on PostgreSQL, so that two admins disabling each other at the same moment
    # cannot both succeed; SQLite's write transaction already excludes every other writer.
    admins = db.session.scalars(select(User.id).where(User.role == Role.ADMIN,
                                                      User.active.is_(True))
                                .with_for_update()).all()
    if not set(admins) - {user.id}:
        raise _rule(field, "至少需要保留一个启用的管理员账号", ConflictError)


@writer
def update_user(user_id: int, *, actor: User | None, role: str | None = None,
                display_name: str | None = None, password: str | None = None,
                active: bool | None = None, phone: str | None = None,
                community_code: str | None = None, email: str | None = None,
                district_code: str | None = None) -> User:
    """Change a user's role, name, phone, e-mail, community, district (an official's; empty:
    the whole city), password or enabled state (recorded). Admins cannot disable or demote
    themselves, and the last active admin stays one. A password set by someone else must be
    changed by its user at their next login."""
    if role is not None and role not in set(Role):
        raise field_error("role", f"未知角色：{role}")
    user = get_user(user_id)
    new_role = role if role is not None else user.role
    if community_code is None and new_role == Role.COMMUNITY:
        community_code = user.community_code
    _check_community_binding(new_role, community_code or None)
    if district_code is None and new_role == Role.OFFICIAL:
        district_code = user.district_code
    _check_district_binding(new_role, district_code or None)
    # Hashed before the write lock is taken: it takes about 100 ms.
    password_hash = None if password is None else _password_hash(
        password, username=user.username, display_name=display_name or user.display_name)
    lock_for_writing()
    # Read again under the lock (the row locked on PostgreSQL): the admins rule, the audit
    # entry and the token version start from what is stored now, not from the read above.
    db.session.refresh(user, with_for_update=True)
    _check_admins_kept(user, actor, role, active)
    fields = ["role", "display_name", "active", "phone", "community_code", "email",
              "district_code"]
    before = audit.snapshot(user, fields)
    if role is not None:
        user.role = role
    user.community_code = community_code if new_role == Role.COMMUNITY else None
    user.district_code = (district_code or None) if new_role == Role.OFFICIAL else None
    if email is not None:
        user.email = email or None
    if phone is not None:
        user.phone = phone or None
    if display_name is not None:
        user.display_name = display_name
    if active is not None:
        if not active and user.active:
            user.token_version += 1
        user.active = active
    changes = audit.diff(before, audit.snapshot(user, fields))
    if password_hash is not None:
        user.password_hash = password_hash
        user.must_change_password = actor is not None and actor.id != user.id
        user.token_version += 1
        changes["password"] = "changed"
    if changes:
        audit.record("user", user.id, "update", actor, changes)
    return user


def _check_not_throttled(username: str, address: str, now: datetime) -> None:
    """Refuse with 429 once this address, or this username at this address, has failed too
    often within the window."""
    at_address, for_username = db.session.execute(
        select(func.count(), func.count(case((LoginAttempt.username == username, 1))))
        .where(LoginAttempt.address == address, LoginAttempt.succeeded.is_(False),
               LoginAttempt.at > now - FAILURE_WINDOW)
    ).one()
    if (at_address >= MAX_FAILURES_PER_ADDRESS
            or for_username >= MAX_FAILURES_PER_USERNAME_AT_ADDRESS):
        raise TooManyAttemptsError("登录失败次数过多，请稍后再试",
                                   retry_after=int(FAILURE_WINDOW.total_seconds()))


_USER_BY_NAME = select(User).where(User.username == bindparam("username"))


def authenticate(username: str, password: str, *, address: str,
                 now: datetime | None = None) -> User:
    """The active user with this password; failures are recorded and throttled per address
    and per username at an address."""
    user = _attempt_login(username[:64], password, address[:64], now or now_utc())
    if user is None:
        raise AuthenticationError("用户名或密码错误")
    return user


@writer
def _attempt_login(username: str, password: str, address: str, now: datetime) -> User | None:
    """Check a password and record the attempt; the user, or None when refused (the failure
    is recorded: it must not be rolled back with an error)."""
    _check_not_throttled(username, address, now)
    user = db.session.scalar(_USER_BY_NAME, {"username": username})
    # Before the write lock is taken: the hash takes about 100 ms. Unknown users are checked
    # against a dummy hash of the same method, so that they take as long as a wrong password.
    valid = check_password_hash(
        user.password_hash if user else _dummy_hash(_hash_method()), password)
    succeeded = bool(user and valid and user.active)
    db.session.add(LoginAttempt(username=username, address=address, at=now,
                                succeeded=succeeded))
    if succeeded:
        user.last_login_at = now
    return user if succeeded else None


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=TOKEN_SALT)


def issue_token(user: User, *, secret: str, lifetime: int) -> IssuedToken:
    """A signed token naming the user and the version of their credentials."""
    token = _serializer(secret).dumps({"uid": user.id, "v": user.token_version})
    return IssuedToken(access_token=token, expires_in=lifetime, user=user)


_USER_BY_ID = select(User).where(User.id == bindparam("id"))


@reader
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
