"""Field visits: logging them safely from phones (idempotent, offline sync), the location
check, corrections, review, the contract's counting rule, and coverage."""

import hashlib
import json
import logging
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, Select, and_, bindparam, func, literal, not_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from models import Community, Contract, Role, Street, User, Visit, db
from service import audit
from service.clock import SHANGHAI, local_date, local_day_start, now_utc
from service.district.accounts import get_user_by_username, referenced_user
from service.district.assignments import (
    assigned_community_codes,
    covers_community,
    liaison_names_by_community,
    require_may_act_in,
)
from service.district.contracts import current_contract
from service.district.places import (
    community_codes_in,
    get_community,
    get_street,
    point_known,
    referenced_community,
)
from service.district.scope import (
    community_codes_of,
    district_asked,
    own_district,
    require_in_district,
)
from service.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RuleViolationError,
    ServiceError,
    field_error,
)
from service.fieldwork.geo import (
    STALE_AFTER,
    STREET_EDGE_MARGIN_M,
    check_location,
    street_rings,
)
from service.pagination import Page, page_of_rows, paginate
from service.rules import require_whole_position
from service.transaction import reader, writer

log = logging.getLogger(__name__)

PURPOSES = {
    "issue_followup": "问题对接",
    "usage_guidance": "使用指导",
    "routine": "日常走访",
    "event_support": "活动协助",
}
LOCATION_CHECKS = {"ok": "位置正常", "far": "距离过远", "stale": "定位过旧", "unknown": "无定位"}
REVIEW_STATUSES = {"pending": "待审核", "approved": "已通过", "rejected": "未通过"}
CLOCK_SKEW = timedelta(minutes=5)
AUTHOR_EDIT_WINDOW = timedelta(hours=24)
DEFAULT_OVERDUE_DAYS = 90
# What the phone sends that defines a visit; a retry must repeat exactly these.
CONTENT_FIELDS = ["community_code", "visited_at", "latitude", "longitude", "accuracy_m",
                  "fix_at", "purpose", "notes", "people_met", "new_registrations"]
AUDIT_FIELDS = CONTENT_FIELDS + ["user_id", "location_check", "location_basis", "distance_m"]


@dataclass
class VisitOutcome:
    visit: Visit
    created: bool


@dataclass
class SyncResult:
    client_id: str | None
    status: str  # created, duplicate, rejected
    id: int | None = None
    errors: dict | None = None


@dataclass
class CoverageRow:
    community_code: str
    community_name: str
    street_code: str
    visits: int
    last_visit_at: datetime | None
    days_since_last: int | None
    overdue: bool
    # Where the phone checks a position before sending (WGS-84; None without a point).
    latitude: float | None = None
    longitude: float | None = None
    radius_m: int | None = None
    # Display names of the liaisons covering it on the day coverage is taken.
    liaisons: list[str] = field(default_factory=list)


def _content_hash(values: dict) -> str:
    def plain(value):
        return value.astimezone(SHANGHAI).isoformat() if isinstance(value, datetime) else value
    canonical = {name: plain(values.get(name)) for name in CONTENT_FIELDS}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _check_time(visited_at: datetime, contract_start: date, now: datetime) -> None:
    if visited_at > now + CLOCK_SKEW:
        raise field_error("visited_at", "走访时间不能晚于当前时间")
    if local_date(visited_at) < contract_start:
        raise field_error("visited_at",
                          f"走访时间不能早于合同开始日期 {contract_start.isoformat()}")


def _locate(community: Community, values: dict) -> dict:
    """The location check's three fields for a visit's values in a community."""
    point = ((community.latitude, community.longitude)
             if community.latitude is not None and community.longitude is not None else None)
    result = check_location(lat=values.get("latitude"), lon=values.get("longitude"),
                            accuracy_m=values.get("accuracy_m"), fix_at=values.get("fix_at"),
                            visited_at=values["visited_at"], community_point=point,
                            radius_m=community.radius_m, street_code=community.street_code)
    return {"location_check": result.check, "location_basis": result.basis,
            "distance_m": result.distance_m}


def _apply_location(visit: Visit) -> None:
    for name, value in _locate(visit.community,
                               {k: getattr(visit, k) for k in CONTENT_FIELDS}).items():
        setattr(visit, name, value)


def _owner_for(actor: User, username: str | None) -> User:
    if actor.role == Role.OFFICIAL:
        raise PermissionDeniedError("区、街道账号只能查看，不能记录走访")
    if username is None or username == actor.username:
        return actor
    if actor.role != Role.ADMIN:
        raise PermissionDeniedError("只能以自己的名义记录走访")
    owner = referenced_user(username)
    if owner.role != Role.LIAISON:
        raise field_error("username", "只能代联络员记录走访")
    return owner


def _utc(value):
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def _visit_row(*, owner: User, actor: User, client_id: str, community: Community,
              values: dict, now: datetime) -> dict:
    """The column values of a new visit, its location check computed."""
    return {"client_id": client_id, "content_hash": _content_hash(values),
            "user_id": owner.id, "created_by_id": actor.id, "created_at": now,
            "updated_at": now, "review_status": "pending", "notes": "", "people_met": 0,
            "new_registrations": 0, "latitude": None, "longitude": None, "accuracy_m": None,
            "fix_at": None,
            **{k: _utc(v) for k, v in values.items() if v is not None},
            "community_code": community.code, **_locate(community, values)}


_INSERT_VISIT = {
    name: dialect.insert(Visit.__table__).on_conflict_do_nothing(index_elements=["client_id"])
    .returning(Visit.__table__.c.id)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))}


def _stored(visit_id: int, row: dict, owner: User, community: Community) -> Visit:
    """The visit just inserted, as an object to answer with, without reading it back."""
    visit = Visit(id=visit_id, **row)
    set_committed_value(visit, "user", owner)
    set_committed_value(visit, "community", community)
    return visit


@dataclass
class _VisitContext:
    community: Community
    existing_id: int | None
    contract_start: date
    in_scope: bool
    rule: "CountingRule"


def _context_query(check_scope: bool) -> Select:
    """Everything logging a visit checks, in one query: the community, a visit already stored
    under the client_id, the contract's start, and (for a liaison) whether the owner covers
    the community. Built once: the hot path only binds values."""
    existing = (select(Visit.id).where(Visit.client_id == bindparam("client_id"))
                .scalar_subquery())
    in_force = (select(Contract.id).where(Contract.active.is_(True))
                .order_by(Contract.id.desc()).limit(1).scalar_subquery())
    start = select(Contract.start_date).where(Contract.id == in_force).scalar_subquery()
    rules = select(Contract.rules).where(Contract.id == in_force).scalar_subquery()
    scope = (covers_community(bindparam("user_id"), Community.code, Community.street_code,
                              bindparam("day", type_=Date)) if check_scope else literal(True))
    return (select(Community, existing, start, scope, rules)
            .where(Community.code == bindparam("community_code")))


_CONTEXT_QUERIES = {check_scope: _context_query(check_scope) for check_scope in (True, False)}


def _visit_context(client_id: str, community_code: str, owner: User,
                   day: date) -> _VisitContext:
    query = _CONTEXT_QUERIES[owner.role == Role.LIAISON]
    row = db.session.execute(query, {"client_id": client_id, "community_code": community_code,
                                     "user_id": owner.id, "day": day}).one_or_none()
    if row is None:
        referenced_community(community_code)  # raises the error naming the field
    if row[2] is None:
        current_contract()  # raises: no contract loaded
    return _VisitContext(row[0], row[1], row[2], bool(row[3]),
                         CountingRule.of_rules(row[4] or {}))


def _existing(client_id: str) -> Visit | None:
    return db.session.scalar(select(Visit).where(Visit.client_id == client_id))


CLIENT_ID_TAKEN = "该 client_id 已被占用，请重新生成"


def _as_retry(existing: Visit, owner: User, values: dict, rule: "CountingRule") -> VisitOutcome:
    """A visit sent again: the same owner and content answer the stored visit. A client_id of
    somebody else's visit reveals nothing of it."""
    if existing.user_id != owner.id:
        raise ConflictError(CLIENT_ID_TAKEN, {"client_id": [CLIENT_ID_TAKEN]})
    if existing.content_hash != _content_hash(values):
        raise ConflictError("该 client_id 已用于另一条不同的走访记录",
                            {"client_id": ["client_id 已存在且内容不同"]})
    existing.standing = rule.standing(existing)
    return VisitOutcome(existing, created=False)


@writer
def log_visit(*, actor: User, client_id: str, community_code: str, visited_at: datetime,
              username: str | None = None, now: datetime | None = None,
              **fields) -> VisitOutcome:
    """Store a visit once per client_id; a retry with the same content returns the same visit."""
    now = now or now_utc()
    values = {"community_code": community_code, "visited_at": visited_at, **fields}
    owner = _owner_for(actor, username)
    context = _visit_context(client_id, community_code, owner, local_date(visited_at))
    if context.existing_id is not None:
        return _as_retry(db.session.get(Visit, context.existing_id), owner, values,
                         context.rule)
    _check_time(visited_at, context.contract_start, now)
    require_whole_position(values.get("latitude"), values.get("longitude"))
    if owner.role == Role.LIAISON:
        require_may_act_in(owner, context.community, local_date(visited_at),
                           allowed=context.in_scope)
    community = context.community
    row = _visit_row(owner=owner, actor=actor, client_id=client_id, community=community,
                    values=values, now=now)
    # The write lock is taken here, after every read and computation above. Core INSERT …
    # ON CONFLICT DO NOTHING RETURNING id on the session's connection: the phones' hot path,
    # several times cheaper than the ORM's unit of work, and a concurrent retry that stored
    # the same client_id first is no error to undo (nothing returned) but a retry to answer.
    connection = db.session.connection()
    visit_id = connection.execute(_INSERT_VISIT[connection.dialect.name], row).scalar()
    if visit_id is None:
        return _as_retry(_existing(client_id), owner, values, context.rule)
    audit.record("visit", visit_id, "create", actor,
                 {name: audit.plain(row[name]) for name in AUDIT_FIELDS}, now=now)
    visit = _stored(visit_id, row, owner, community)
    visit.standing = context.rule.standing(visit)
    return VisitOutcome(visit, created=True)


@dataclass
class QueuedVisit:
    """One visit of a phone's offline queue: its values, or why they could not be read."""

    client_id: str | None
    values: dict | None
    errors: dict | None = None


NOT_STORED_MESSAGE = "服务器未能保存这条走访，请稍后重新上传；如仍失败请联系管理员"


def _sync_one(actor: User, item: QueuedVisit, now: datetime | None) -> SyncResult:
    if item.errors is not None:
        return SyncResult(item.client_id, "rejected", errors=item.errors)
    try:
        outcome = log_visit(actor=actor, now=now, **item.values)
    except ServiceError as error:
        return SyncResult(item.client_id, "rejected",
                          errors=error.errors or {"_schema": [error.message]})
    except OperationalError:
        # Busy or full: the whole batch answers 503 and comes again; what was taken before
        # this item is stored and answers as a duplicate then.
        raise
    except Exception:
        # Anything else that breaks one item refuses that item only, so the items queued
        # after it still arrive.
        log.exception("visit %r of a sync batch not stored", item.client_id)
        return SyncResult(item.client_id, "rejected", errors={"_schema": [NOT_STORED_MESSAGE]})
    return SyncResult(item.client_id, "created" if outcome.created else "duplicate",
                      id=outcome.visit.id)


def sync_visits(*, actor: User, items: list[QueuedVisit],
                now: datetime | None = None) -> list[SyncResult]:
    """Take each queued visit on its own, in order. A batch, not one use case: each item is a
    use case of its own (log_visit, in its own transaction), so a refused item, whatever
    refused it, loses none of the others."""
    return [_sync_one(actor, item, now) for item in items]


def _visible_visits(actor: User):
    query = select(Visit).where(Visit.deleted_at.is_(None))
    if actor.role == Role.LIAISON:
        query = query.where(Visit.user_id == actor.id)
    elif actor.role == Role.COMMUNITY:  # its own community's, and none refused
        query = query.where(Visit.community_code == actor.community_code,
                            Visit.review_status != "rejected")
    elif (district := own_district(actor)) is not None:
        query = query.where(Visit.community_code.in_(community_codes_of(district)))
    return query


@reader
def get_visit(visit_id: int, *, actor: User) -> Visit:
    return with_standing([visible_visit(visit_id, actor)])[0]


def visible_visit(visit_id: int, actor: User) -> Visit:
    """A visit the actor may see (a liaison sees their own), read in the caller's transaction."""
    visit = db.session.scalar(_visible_visits(actor).where(Visit.id == visit_id))
    if visit is None:
        raise NotFoundError(f"走访记录不存在：{visit_id}")
    return visit


@reader
def list_visits(*, actor: User, community_code: str | None = None,
                street_code: str | None = None, username: str | None = None,
                from_date: date | None = None, to_date: date | None = None,
                purpose: str | None = None, location_check: str | None = None,
                review: str | None = None, standing: str | None = None,
                order: str = "newest", district: str | None = None, page: int = 1,
                per_page: int = 50) -> Page:
    """Visits newest first (or oldest first: the review queue), filtered; dates are
    Asia/Shanghai calendar days, inclusive; `standing` asks the contract's counting rule."""
    district = district_asked(actor, district)
    rule = counting_rule()
    ordering = ((Visit.visited_at.asc(), Visit.id.asc()) if order == "oldest"
                else (Visit.visited_at.desc(), Visit.id.desc()))
    query = (_visible_visits(actor)
             .options(selectinload(Visit.user), selectinload(Visit.community))
             .order_by(*ordering))
    if district:
        query = query.where(Visit.community_code.in_(community_codes_of(district)))
    if community_code:
        query = query.where(Visit.community_code == community_code)
    if street_code:
        query = query.where(Visit.community_code.in_(community_codes_in(street_code)))
    if username:
        query = query.where(Visit.user_id == get_user_by_username(username).id)
    if from_date:
        query = query.where(Visit.visited_at >= local_day_start(from_date))
    if to_date:
        query = query.where(Visit.visited_at < local_day_start(to_date + timedelta(days=1)))
    if purpose:
        query = query.where(Visit.purpose == purpose)
    if location_check:
        query = query.where(Visit.location_check == location_check)
    if review:
        query = query.where(Visit.review_status == review)
    if standing:
        query = query.where(rule.standing_clause(standing))
    page_of_visits = paginate(query, page, per_page)
    with_standing(page_of_visits.items, rule)
    return page_of_visits


def _require_may_change(visit: Visit, actor: User, now: datetime) -> None:
    if actor.role == Role.ADMIN:
        return
    if visit.user_id != actor.id or actor.role != Role.LIAISON:
        raise PermissionDeniedError("只能修改自己的走访记录")
    if now - visit.created_at > AUTHOR_EDIT_WINDOW:
        raise PermissionDeniedError("走访记录只能在提交后 24 小时内修改")


@writer
def update_visit(visit_id: int, *, actor: User, now: datetime | None = None,
                 **changes) -> Visit:
    """Correct a visit (its author within 24 hours, or an admin); the location is re-checked."""
    now = now or now_utc()
    visit = visible_visit(visit_id, actor)
    _require_may_change(visit, actor, now)
    if not changes:
        raise field_error("_schema", "请至少修改一个字段")
    before = audit.snapshot(visit, AUDIT_FIELDS)
    merged = {**{k: getattr(visit, k) for k in CONTENT_FIELDS}, **changes}
    require_whole_position(merged["latitude"], merged["longitude"])
    if "visited_at" in changes:
        _check_time(merged["visited_at"], current_contract().start_date, now)
    if "community_code" in changes:
        visit.community = referenced_community(merged["community_code"])
    for name, value in changes.items():
        setattr(visit, name, value)
    if visit.user.role == Role.LIAISON:
        require_may_act_in(visit.user, visit.community, local_date(visit.visited_at))
    _apply_location(visit)
    visit.updated_at = now
    changed = audit.diff(before, audit.snapshot(visit, AUDIT_FIELDS))
    if changed:
        audit.record("visit", visit.id, "update", actor, changed, now=now)
    return with_standing([visit])[0]


@writer
def delete_visit(visit_id: int, *, actor: User, now: datetime | None = None) -> None:
    """Soft-delete a visit: it stays in the history but no longer counts anywhere."""
    now = now or now_utc()
    visit = visible_visit(visit_id, actor)
    _require_may_change(visit, actor, now)
    visit.deleted_at = now
    audit.record("visit", visit.id, "delete", actor, {}, now=now)


REVIEW_FIELDS = ["review_status", "review_reason"]
REJECTION_NEEDS_REASON = "驳回时必须填写原因"


def _decided_reason(status: str, reason: str | None) -> str | None:
    """The reason kept with a decision: required (not blank) for a rejection."""
    reason = (reason or "").strip() or None
    if status == "rejected" and reason is None:
        raise field_error("reason", REJECTION_NEEDS_REASON)
    return reason


def _decide(visit: Visit, actor: User, status: str, reason: str | None,
            now: datetime) -> None:
    """One decision on one visit, recorded in its history (the caller's transaction)."""
    before = audit.snapshot(visit, REVIEW_FIELDS)
    visit.review_status, visit.review_reason = status, reason
    visit.reviewed_by_id, visit.reviewed_at = actor.id, now
    audit.record("visit", visit.id, "review", actor,
                 audit.diff(before, audit.snapshot(visit, REVIEW_FIELDS)), now=now)


@writer
def review_visit(visit_id: int, *, actor: User, status: str, reason: str | None = None,
                 now: datetime | None = None) -> Visit:
    """Approve or reject a visit (admins); a rejection needs a reason."""
    now = now or now_utc()
    reason = _decided_reason(status, reason)
    visit = visible_visit(visit_id, actor)
    _decide(visit, actor, status, reason, now)
    return with_standing([visit])[0]


@writer
def review_visits(visit_ids: list[int], *, actor: User, status: str,
                  reason: str | None = None, now: datetime | None = None) -> list[Visit]:
    """Approve or reject several visits at once with one reason (admins): one transaction,
    all or nothing. A visit that cannot be decided (unknown, deleted, named twice) refuses
    the whole batch, named by its position in visit_ids."""
    now = now or now_utc()
    reason = _decided_reason(status, reason)
    found = {visit.id: visit for visit in db.session.scalars(
        _visible_visits(actor).where(Visit.id.in_(set(visit_ids)))
        .options(selectinload(Visit.user), selectinload(Visit.community)))}
    refused, seen = {}, set()
    for position, visit_id in enumerate(visit_ids):
        if visit_id in seen:
            refused[str(position)] = [f"走访记录 {visit_id} 重复出现"]
        elif visit_id not in found:
            refused[str(position)] = [f"走访记录不存在：{visit_id}"]
        seen.add(visit_id)
    if refused:
        first = next(iter(refused.values()))[0]
        raise RuleViolationError(f"未审核任何走访：第 {int(next(iter(refused))) + 1} 条"
                                 f"（{first}）", {"visit_ids": refused})
    visits = [found[visit_id] for visit_id in visit_ids]
    for visit in visits:
        _decide(visit, actor, status, reason, now)
    return with_standing(visits)


@reader
def visit_history(visit_id: int, *, actor: User):
    """Every create, change, review and delete of a visit (deleted ones included)."""
    query = select(Visit).where(Visit.id == visit_id)
    if actor.role == Role.LIAISON:
        query = query.where(Visit.user_id == actor.id)
    if db.session.scalar(query) is None:
        raise NotFoundError(f"走访记录不存在：{visit_id}")
    return audit.history("visit", visit_id)


STANDINGS = {"counted": "已计入合同", "awaiting_review": "审核通过后计入", "not_counted": "不计入"}


@dataclass(frozen=True)
class CountingRule:
    """Which visits count toward the contract ("Field visits" §8, the contract's
    visits_counting rule): never a deleted or rejected one; a far, stale or unknown one only
    once approved. Every figure of visits — coverage, the weekly workbooks, the targets, the
    phone — asks this rule, in SQL (clause) or of one visit (standing); both forms are here,
    side by side, so that they cannot drift apart."""

    excluded_reviews: tuple[str, ...] = ("rejected",)
    approval_needed_for: tuple[str, ...] = ("far", "stale", "unknown")

    @classmethod
    def of(cls, contract: Contract) -> "CountingRule":
        return cls.of_rules(contract.rules)

    @classmethod
    def of_rules(cls, rules: dict) -> "CountingRule":
        rule = rules.get("visits_counting", {})
        return cls(tuple(rule.get("exclude_review", cls.excluded_reviews)),
                   tuple(rule.get("approval_needed_for", cls.approval_needed_for)))

    def clause(self):
        return and_(Visit.deleted_at.is_(None),
                    Visit.review_status.not_in(self.excluded_reviews),
                    or_(Visit.location_check.not_in(self.approval_needed_for),
                        Visit.review_status == "approved"))

    def standing_clause(self, standing: str):
        """The SQL form of `standing(visit) == standing`."""
        not_counted = or_(Visit.deleted_at.is_not(None),
                          Visit.review_status.in_(self.excluded_reviews))
        if standing == "counted":
            return self.clause()
        if standing == "not_counted":
            return not_counted
        return and_(not_(not_counted), Visit.location_check.in_(self.approval_needed_for),
                    Visit.review_status != "approved")

    def standing(self, visit: Visit) -> str:
        """counted, awaiting_review (it will count once approved) or not_counted."""
        if visit.deleted_at is not None or visit.review_status in self.excluded_reviews:
            return "not_counted"
        if (visit.location_check in self.approval_needed_for
                and visit.review_status != "approved"):
            return "awaiting_review"
        return "counted"


def counting_rule() -> CountingRule:
    """The rule of the contract in force, read in the caller's transaction."""
    return CountingRule.of(current_contract())


def with_standing(visits, rule: CountingRule | None = None):
    """The visits, each told whether it counts (Visit.standing) for the answer."""
    rule = rule or counting_rule()
    for visit in visits:
        visit.standing = rule.standing(visit)
    return visits


def counted_visits(contract: Contract, start: date, end: date):
    """The visits target's rule between two local dates (inclusive): what the target counts and
    the execution report lists."""
    return and_(CountingRule.of(contract).clause(), Visit.visited_at >= local_day_start(start),
                Visit.visited_at < local_day_start(end + timedelta(days=1)))


def count_counted_visits(contract: Contract, start: date, end: date,
                         community_codes=None) -> int:
    """Visits that count toward the contract between two local dates (inclusive)."""
    query = select(func.count()).select_from(Visit).where(counted_visits(contract, start, end))
    if community_codes is not None:
        query = query.where(Visit.community_code.in_(community_codes))
    return db.session.scalar(query) or 0


def coverage_rows(as_of: date, *, street_code: str | None = None,
                  community_codes=None) -> list[CoverageRow]:
    """Per community: visits in the contract up to as_of, the last one, and whether overdue;
    most overdue first. One query for all the communities asked for."""
    contract = current_contract()
    window_end = local_day_start(min(as_of, contract.end_date) + timedelta(days=1))
    counted = and_(Visit.community_code == Community.code, CountingRule.of(contract).clause(),
                   Visit.visited_at >= local_day_start(contract.start_date),
                   Visit.visited_at < window_end)
    query = (select(Community.code, Community.name, Community.street_code,
                    func.count(Visit.id), func.max(Visit.visited_at), Community.latitude,
                    Community.longitude, Community.radius_m)
             .outerjoin(Visit, counted)
             .group_by(Community.code, Community.name, Community.street_code,
                       Community.latitude, Community.longitude, Community.radius_m))
    if street_code:
        get_street(street_code)
        query = query.where(Community.street_code == street_code)
    if community_codes is not None:
        query = query.where(Community.code.in_(community_codes))
    overdue_days = overdue_after_days(contract)
    liaisons = liaison_names_by_community(as_of)
    rows = []
    for code, name, street, visits, last, lat, lon, radius in db.session.execute(query):
        last = _aware(last)
        days = (as_of - local_date(last)).days if last else None
        rows.append(CoverageRow(code, name, street, visits, last, days,
                                overdue=days is None or days >= overdue_days,
                                latitude=lat, longitude=lon, radius_m=radius,
                                liaisons=liaisons.get(code, [])))
    # Never visited first, then the longest since the last visit; code breaks ties.
    rows.sort(key=lambda r: (r.days_since_last is not None, -(r.days_since_last or 0),
                             r.community_code))
    return rows


def overdue_after_days(contract: Contract) -> int:
    """Days without a visit after which a community is overdue for one."""
    return contract.rules.get("overdue_after_days", DEFAULT_OVERDUE_DAYS)


@reader
def coverage(*, actor: User, as_of: date | None = None, street_code: str | None = None,
             username: str | None = None, district: str | None = None, page: int = 1,
             per_page: int = 500) -> Page:
    """Coverage as a liaison opens it in the morning: their own communities by default. By
    default it is taken today, or at the contract's end once the contract is over (days since
    the last visit stop growing with it)."""
    as_of = as_of or min(local_date(now_utc()), current_contract().end_date)
    if actor.role == Role.LIAISON:
        if username not in (None, actor.username):
            raise PermissionDeniedError("只能查看自己负责社区的走访覆盖情况")
        username = actor.username
    codes = (assigned_community_codes(get_user_by_username(username), as_of)
             if username else None)
    if actor.role == Role.COMMUNITY:  # its own community only, whatever was asked
        codes = [actor.community_code]
    if (district := district_asked(actor, district)) is not None:  # a district official's own
        require_in_district(district, street_code=street_code)
        in_district = community_codes_of(district)
        codes = in_district if codes is None else in_district.where(Community.code.in_(codes))
    return page_of_rows(coverage_rows(as_of, street_code=street_code, community_codes=codes),
                        page, per_page)


def _aware(moment: datetime | None) -> datetime | None:
    # Aggregates bypass the column type, so SQLite hands back naive UTC or a string.
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _suggestions(community_codes) -> dict[str, dict]:
    """A robust centre (the median) of each community's `ok` visits, with how many are
    behind it, for the communities asked for (a list or a query of codes): one query."""
    rows = db.session.execute(
        select(Visit.community_code, Visit.latitude, Visit.longitude)
        .where(Visit.community_code.in_(community_codes), Visit.deleted_at.is_(None),
               Visit.location_check == "ok", Visit.review_status != "rejected",
               not_(Visit.latitude.is_(None)), not_(Visit.longitude.is_(None))))
    points: dict[str, list] = {}
    for code, lat, lon in rows:
        points.setdefault(code, []).append((lat, lon))
    return {code: {"community_code": code,
                   "latitude": round(statistics.median(p[0] for p in found), 6),
                   "longitude": round(statistics.median(p[1] for p in found), 6),
                   "visits": len(found)}
            for code, found in points.items()}


def _no_suggestion(code: str) -> dict:
    return {"community_code": code, "latitude": None, "longitude": None, "visits": 0}


@reader
def suggested_location(community_code: str) -> dict:
    """A robust centre (the median) of a community's `ok` visits, with how many are behind it."""
    community = get_community(community_code)
    return _suggestions([community.code]).get(community.code) or _no_suggestion(community.code)


@reader
def suggested_locations(*, street_code: str | None = None, has_point: bool | None = None,
                        page: int = 1, per_page: int = 50) -> Page:
    """The suggested location of each community (in code order, by street and by whether
    its point is known), with how many `ok` visits support it: what an admin places points
    from."""
    query = select(Community.code).order_by(Community.code)
    if street_code:
        get_street(street_code)
        query = query.where(Community.street_code == street_code)
    if has_point is not None:
        query = query.where(point_known(has_point))
    codes = list(db.session.scalars(query))
    found = _suggestions(query.order_by(None))
    return page_of_rows([found.get(code) or _no_suggestion(code) for code in codes],
                        page, per_page)


@reader
def location_reference() -> dict:
    """What a phone needs to judge a position as the server will before it sends a visit:
    every street's boundary (a community without a point is checked against its street,
    with the margin plus the fix's accuracy) and how old a fix may be."""
    names = dict(db.session.execute(select(Street.code, Street.name)).all())
    return {"street_margin_m": STREET_EDGE_MARGIN_M,
            "stale_after_s": int(STALE_AFTER.total_seconds()),
            "streets": [{"code": code, "name": names.get(code, code), "rings": rings}
                        for code, rings in sorted(street_rings().items())]}
