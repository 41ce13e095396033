"""Assignments of liaisons to streets and communities, and the scope rule every feature uses."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import CompoundSelect, and_, exists, or_, select
from sqlalchemy.orm import selectinload

from models import Assignment, Community, Role, Street, User, db
from service import audit
from service.clock import local_today
from service.district.accounts import referenced_user
from service.district.places import get_community, referenced_community, referenced_street
from service.errors import NotFoundError, PermissionDeniedError, field_error
from service.pagination import Page, paginate
from service.rules import require_one_place
from service.transaction import lock_for_writing, reader, writer

AUDIT_FIELDS = ["user_id", "street_code", "community_code", "start_date", "end_date"]


@writer
def create_assignment(*, actor: User | None, username: str, start_date: date,
                      street_code: str | None = None, community_code: str | None = None,
                      end_date: date | None = None) -> Assignment:
    """Assign a liaison to a street or to a community for a period."""
    user = referenced_user(username)
    if user.role != Role.LIAISON:
        raise field_error("username", "只能为联络员分配街道或社区")
    require_one_place(street_code, community_code)
    if street_code:
        referenced_street(street_code)
    if community_code:
        referenced_community(community_code)
    if end_date is not None and end_date < start_date:
        raise field_error("end_date", "结束日期不能早于开始日期")
    assignment = Assignment(user_id=user.id, street_code=street_code or None,
                            community_code=community_code or None,
                            start_date=start_date, end_date=end_date)
    db.session.add(assignment)
    db.session.flush()
    audit.record("assignment", assignment.id, "create", actor,
                 audit.snapshot(assignment, AUDIT_FIELDS))
    return assignment


@writer
def end_assignment(assignment_id: int, *, actor: User, today: date) -> Assignment:
    """End an assignment so that it is no longer in force from `today` (the row stays, so
    history survives)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFoundError(f"分配记录不存在：{assignment_id}")
    end = max(today - timedelta(days=1), assignment.start_date)
    if assignment.end_date is None or assignment.end_date > end:
        before = audit.snapshot(assignment, ["end_date"])
        assignment.end_date = end
        audit.record("assignment", assignment.id, "end", actor,
                     audit.diff(before, audit.snapshot(assignment, ["end_date"])))
    return assignment


@writer
def hand_over(assignment_id: int, *, actor: User, last_day: date, username: str) -> dict:
    """End an assignment on `last_day` and give its street or community to another liaison
    from the next day (until the first one's end, if it had one), in one step."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFoundError(f"分配记录不存在：{assignment_id}")
    # Checked against what is stored under the lock (the row locked on PostgreSQL): two
    # handovers of one assignment at the same moment cannot both start a successor.
    lock_for_writing()
    db.session.refresh(assignment, with_for_update=True)
    if username == assignment.user.username:
        raise field_error("username", "接手的联络员不能是原来的联络员")
    if last_day < assignment.start_date:
        raise field_error("last_day", "交接日期不能早于这项分工的开始日期"
                          f"（{assignment.start_date.isoformat()}）")
    if assignment.end_date is not None and last_day >= assignment.end_date:
        raise field_error("last_day", "这项分工在交接日期之前已经结束"
                          f"（{assignment.end_date.isoformat()}）")
    successor = create_assignment(actor=actor, username=username,
                                  street_code=assignment.street_code,
                                  community_code=assignment.community_code,
                                  start_date=last_day + timedelta(days=1),
                                  end_date=assignment.end_date)
    before = audit.snapshot(assignment, ["end_date"])
    assignment.end_date = last_day
    changes = audit.diff(before, audit.snapshot(assignment, ["end_date"]))
    audit.record("assignment", assignment.id, "hand_over", actor,
                 {**changes, "successor": successor.id, "username": username})
    return {"ended": assignment, "started": successor}


@reader
def district_cover(day: date) -> dict:
    """The 15 streets on `day`: the liaisons of each street, and each community with who
    covers it (through its street or on its own); communities nobody covers are marked."""
    in_force = db.session.scalars(
        select(Assignment).options(selectinload(Assignment.user))
        .where(Assignment.in_force_on(day)).order_by(Assignment.start_date, Assignment.id)).all()
    by_street: dict[str, list[dict]] = {}
    by_community: dict[str, list[dict]] = {}
    for assignment in in_force:
        who = {"assignment_id": assignment.id, "username": assignment.user.username,
               "display_name": assignment.user.display_name,
               "start_date": assignment.start_date, "end_date": assignment.end_date}
        if assignment.street_code:
            by_street.setdefault(assignment.street_code, []).append(who)
        else:
            by_community.setdefault(assignment.community_code, []).append(who)
    streets = db.session.scalars(
        select(Street).options(selectinload(Street.communities)).order_by(Street.code)).all()
    answer = []
    for street in streets:
        liaisons = by_street.get(street.code, [])
        communities = [{"code": c.code, "name": c.name,
                        "liaisons": by_community.get(c.code, []),
                        "covered": bool(liaisons or by_community.get(c.code))}
                       for c in street.communities]
        answer.append({"code": street.code, "name": street.name, "liaisons": liaisons,
                       "communities": communities,
                       "uncovered": sum(not c["covered"] for c in communities)})
    return {"date": day, "streets": answer, "uncovered": sum(s["uncovered"] for s in answer)}


@reader
def list_assignments(*, actor: User, username: str | None = None,
                     street_code: str | None = None, community_code: str | None = None,
                     active: bool | None = None, today: date | None = None, page: int = 1,
                     per_page: int = 50) -> Page:
    """Assignments, newest first; `active` keeps those in force (or not) on `today`. A liaison
    sees only their own."""
    if actor.role == Role.LIAISON:
        username = actor.username
    query = (select(Assignment).options(selectinload(Assignment.user),
                                        selectinload(Assignment.street),
                                        selectinload(Assignment.community))
             .order_by(Assignment.start_date.desc(), Assignment.id.desc()))
    if username:
        query = query.join(Assignment.user).where(User.username == username)
    if street_code:
        query = query.where(Assignment.street_code == street_code)
    if community_code:
        community = get_community(community_code)
        query = query.where(or_(Assignment.community_code == community_code,
                                Assignment.street_code == community.street_code))
    if active is not None:
        in_force = Assignment.in_force_on(today or local_today())
        query = query.where(in_force if active else ~in_force)
    return paginate(query, page, per_page)


def liaison_names_by_community(day: date) -> dict[str, list[str]]:
    """Display names of the active liaisons covering each community on `day`, directly or
    through its street, for every community: one query for the district."""
    rows = db.session.execute(
        select(User.display_name, Assignment.street_code, Assignment.community_code)
        .join(Assignment, Assignment.user_id == User.id)
        .where(User.active.is_(True), User.role == Role.LIAISON,
               Assignment.in_force_on(day))).all()
    by_street, by_community = defaultdict(set), defaultdict(set)
    for name, street, community in rows:
        (by_street[street] if street else by_community[community]).add(name)
    result = {}
    for code, street in db.session.execute(select(Community.code, Community.street_code)):
        result[code] = sorted(by_street[street] | by_community[code])
    return result


def assigned_community_codes(user: User, day: date) -> CompoundSelect:
    """A query of the codes of the communities a liaison covers on `day` (for IN clauses)."""
    in_force = and_(Assignment.user_id == user.id, Assignment.in_force_on(day))
    streets = select(Assignment.street_code).where(in_force, Assignment.street_code.is_not(None))
    direct = select(Assignment.community_code).where(in_force,
                                                     Assignment.community_code.is_not(None))
    # A union, not `street IN (…) OR code IN (…)`: PostgreSQL cannot estimate the OR and
    # counted every visit of the city before keeping the liaison's (24 ms against 0.8 ms).
    return select(Community.code).where(Community.street_code.in_(streets)).union(direct)


def covers_community(user_id, community_code, street_code, day):
    """An EXISTS clause: the liaison is assigned on `day` to the community or its street
    (each argument may be a value, a column or a bind parameter, so it can be part of a larger
    or a prebuilt query)."""
    return exists().where(
        Assignment.user_id == user_id, Assignment.in_force_on(day),
        or_(Assignment.community_code == community_code,
            Assignment.street_code == street_code))


def may_act_in(user: User, community: Community, day: date) -> bool:
    """May this user write in this community on this date? Admins anywhere; liaisons in scope."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.LIAISON:
        return False
    return bool(db.session.scalar(
        select(covers_community(user.id, community.code, community.street_code, day))))


def require_may_act_in(user: User, community: Community, day: date,
                       allowed: bool | None = None) -> None:
    """Raise PermissionDeniedError unless `may_act_in` (or `allowed`, when already known)."""
    if not (may_act_in(user, community, day) if allowed is None else allowed):
        raise PermissionDeniedError(
            f"您在 {day.isoformat()} 未被分配到{community.name}，无权在此记录")


def may_act_in_street(user: User, street_code: str, day: date) -> bool:
    """May this user write for a whole street on this date (street-level assignment needed)?"""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.LIAISON:
        return False
    query = select(Assignment.id).where(
        Assignment.user_id == user.id, Assignment.in_force_on(day),
        Assignment.street_code == street_code).limit(1)
    return db.session.scalar(query) is not None
