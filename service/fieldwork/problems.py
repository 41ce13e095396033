"""Problems taken from communities (问题对接): opened, worked on, resolved, all recorded."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Community, Problem, Role, User, db
from service import audit
from service.clock import local_date, local_today, now_utc
from service.district.assignments import assigned_community_codes, require_may_act_in
from service.district.places import community_codes_in, referenced_community
from service.district.scope import community_codes_of, own_district
from service.errors import NotFoundError, PermissionDeniedError, field_error, named_in_body
from service.fieldwork.visits import visible_visit
from service.pagination import Page, paginate
from service.transaction import reader, writer

STATUSES = {"open": "待处理", "in_progress": "处理中", "resolved": "已解决"}
# Problems move forward only: open → in_progress → resolved.
ORDER = ["open", "in_progress", "resolved"]
AUDIT_FIELDS = ["community_code", "visit_id", "title", "description", "category", "status",
                "resolution"]


def _require_writer(actor: User, community: Community, now: datetime) -> None:
    if actor.role == Role.OFFICIAL:
        raise PermissionDeniedError("区、街道账号只能查看")
    require_may_act_in(actor, community, local_date(now))


@writer
def create_problem(*, actor: User, title: str, category: str, community_code: str | None = None,
                   visit_id: int | None = None, description: str = "",
                   now: datetime | None = None) -> Problem:
    """Open a problem in a community, optionally from a visit (which gives the community)."""
    now = now or now_utc()
    if visit_id is not None:
        with named_in_body("visit_id"):
            visit = visible_visit(visit_id, actor)
        if community_code and community_code != visit.community_code:
            raise field_error("community_code", "社区与走访记录的社区不一致")
        community_code = visit.community_code
    if not community_code:
        raise field_error("community_code", "请填写社区编码或关联的走访记录")
    community = referenced_community(community_code)
    _require_writer(actor, community, now)
    problem = Problem(community=community, community_code=community.code, visit_id=visit_id,
                      title=title, description=description or "", category=category,
                      status="open", created_by_id=actor.id, created_at=now, updated_at=now)
    db.session.add(problem)
    db.session.flush()
    audit.record("problem", problem.id, "create", actor, audit.snapshot(problem, AUDIT_FIELDS),
                 now=now)
    return problem


def _visible(actor: User):
    query = select(Problem).where(Problem.deleted_at.is_(None))
    if actor.role == Role.LIAISON:
        query = query.where(Problem.community_code.in_(
            assigned_community_codes(actor, local_today())))
    elif actor.role == Role.COMMUNITY:
        query = query.where(Problem.community_code == actor.community_code)
    elif (district := own_district(actor)) is not None:
        query = query.where(Problem.community_code.in_(community_codes_of(district)))
    return query


@reader
def get_problem(problem_id: int, *, actor: User) -> Problem:
    return _visible_problem(problem_id, actor)


def _visible_problem(problem_id: int, actor: User) -> Problem:
    problem = db.session.scalar(_visible(actor).where(Problem.id == problem_id))
    if problem is None:
        raise NotFoundError(f"问题不存在：{problem_id}")
    return problem


@reader
def list_problems(*, actor: User, status: str | None = None, community_code: str | None = None,
                  street_code: str | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Problems newest first; a liaison sees those in their communities."""
    query = (_visible(actor).options(selectinload(Problem.community),
                                     selectinload(Problem.created_by))
             .order_by(Problem.created_at.desc(), Problem.id.desc()))
    if status:
        query = query.where(Problem.status == status)
    if community_code:
        query = query.where(Problem.community_code == community_code)
    if street_code:
        query = query.where(Problem.community_code.in_(community_codes_in(street_code)))
    return paginate(query, page, per_page)


@writer
def update_problem(problem_id: int, *, actor: User, now: datetime | None = None,
                   **changes) -> Problem:
    """Move a problem forward or edit it; resolving needs a resolution note. Recorded."""
    now = now or now_utc()
    problem = _visible_problem(problem_id, actor)
    _require_writer(actor, problem.community, now)
    before = audit.snapshot(problem, AUDIT_FIELDS)
    status = changes.pop("status", None)
    for name, value in changes.items():
        setattr(problem, name, value)
    if status is not None and status != problem.status:
        if ORDER.index(status) < ORDER.index(problem.status):
            raise field_error("status", f"问题状态不能从“{STATUSES[problem.status]}”退回到"
                                        f"“{STATUSES[status]}”")
        if status == "resolved":
            if not (problem.resolution or "").strip():
                raise field_error("resolution", "标记为已解决时必须填写解决情况")
            problem.resolved_at = now
        problem.status = status
    problem.updated_at = now
    changed = audit.diff(before, audit.snapshot(problem, AUDIT_FIELDS))
    if changed:
        audit.record("problem", problem.id, "update", actor, changed, now=now)
    return problem


@reader
def problem_history(problem_id: int, *, actor: User):
    """Every change of a problem the actor may see."""
    return audit.history("problem", _visible_problem(problem_id, actor).id)
