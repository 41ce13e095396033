"""A contract's monthly themes (每月一题): one a month within the contract's term, with its
content, format and responsible departments; each goes planned → in_production → delivered,
and a theme whose month has ended undelivered is missed. Members read; admins, the editors'
lead and the client's reviewer and approver plan and move them; every change is recorded."""

from datetime import date, datetime

from sqlalchemy import and_, not_, or_, select
from sqlalchemy.orm import selectinload

from models import Content, Contract, Publication, Role, Theme, ThemeStatus, User, db
from service import audit
from service.clock import local_today, now_utc
from service.content.channels import member_contract_ids
from service.district.contract_members import (
    MemberRole,
    member_record,
    require_contract_role,
    require_member,
)
from service.district.contracts import find_contract
from service.errors import ConflictError, field_error, named_in_body
from service.pagination import Page, paginate
from service.transaction import conflicts_as, reader, writer

# Who plans themes besides admins: the editors' lead, and the client's reviewer and approver
# (the client sets the month's theme with the contractor: 每月一题 is the client's agenda).
THEME_PLANNERS = (MemberRole.EDITOR_LEAD, MemberRole.CLIENT_REVIEWER,
                  MemberRole.CLIENT_APPROVER)
# The way forward, one step at a time; anything else (back, a skip, a change after the month
# ended) only an admin may make, with a reason.
FORWARD = {ThemeStatus.PLANNED: ThemeStatus.IN_PRODUCTION,
           ThemeStatus.IN_PRODUCTION: ThemeStatus.DELIVERED}
STORED = (ThemeStatus.PLANNED, ThemeStatus.IN_PRODUCTION, ThemeStatus.DELIVERED)
STATUS_LABELS = {ThemeStatus.PLANNED: "计划中", ThemeStatus.IN_PRODUCTION: "制作中",
                 ThemeStatus.DELIVERED: "已交付", ThemeStatus.MISSED: "未完成"}
AUDITED = ["month", "title", "description", "format", "departments", "status"]
ENTITY = "theme"


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def published_in_month(which) -> set[int]:
    """Of the themes `which` (a condition on Theme) selects, those with a publication of
    content linked to them that went out in the theme's own month (Asia/Shanghai day): one
    query."""
    rows = db.session.execute(
        select(Theme.id, Theme.month, Publication.published_on)
        .join(Content, Content.theme_id == Theme.id)
        .join(Publication, Publication.content_id == Content.id)
        .where(which)).all()
    return {row.id for row in rows if month_of(row.published_on) == row.month}


def theme_status(theme: Theme, today: date, published: bool | None = None) -> str:
    """The theme's status as shown on `today` (Asia/Shanghai). `delivered` stays delivered.
    Once its month has ended: `delivered` when content linked to it was published in its
    month (the month's theme went out: what the contract asks, and what compliance counts),
    `missed` when nothing of it was published. While its month runs: what is stored, even
    with a publication (the planners may still be producing more for it). `published`: whether
    such a publication exists (looked up when not given)."""
    if theme.status == ThemeStatus.DELIVERED or theme.month >= month_of(today):
        return theme.status
    if published is None:
        published = theme.id in published_in_month(Theme.id == theme.id)
    return ThemeStatus.DELIVERED.value if published else ThemeStatus.MISSED.value


def _status_is(status: str, today: date, published: set[int]):
    """The list's `status` filter: theme_status() as a condition, `published` the ids of the
    candidate themes published in their month."""
    ended = Theme.month < month_of(today)
    delivered = Theme.status == ThemeStatus.DELIVERED.value
    went_out = Theme.id.in_(published)
    if status == ThemeStatus.MISSED:
        return and_(ended, not_(delivered), not_(went_out))
    if status == ThemeStatus.DELIVERED:
        return or_(delivered, and_(ended, went_out))
    return and_(Theme.status == status, not_(ended))


def _shown(theme: Theme, today: date, published: set[int] | None = None) -> Theme:
    theme.shown_status = theme_status(
        theme, today, None if published is None else theme.id in published)
    return theme


def _within_term(contract: Contract, month: str) -> None:
    first = date.fromisoformat(f"{month}-01")
    if month < month_of(contract.start_date) or first > contract.end_date:
        raise field_error("month", f"月份应在合同期内（{month_of(contract.start_date)} 至 "
                                   f"{month_of(contract.end_date)}）：{month}")


@reader
def list_themes(viewer: User, contract_key: str | None = None, *, from_month: str | None = None,
                to_month: str | None = None, status: str | None = None,
                today: date | None = None, page: int = 1, per_page: int = 50) -> Page:
    """The themes of a contract, or of every contract the viewer belongs to, by month."""
    today = today or local_today()
    ids = member_contract_ids(viewer, contract_key)
    query = (select(Theme).where(Theme.contract_id.in_(ids))
             .options(selectinload(Theme.contract))
             .order_by(Theme.month, Theme.contract_id, Theme.id))
    if from_month:
        query = query.where(Theme.month >= from_month)
    if to_month:
        query = query.where(Theme.month <= to_month)
    published = published_in_month(Theme.contract_id.in_(ids))
    if status:
        query = query.where(_status_is(status, today, published))
    result = paginate(query, page, per_page)
    result.items = [_shown(theme, today, published) for theme in result.items]
    return result


def _theme(theme_id: int, viewer: User) -> Theme:
    return member_record(Theme, theme_id, viewer, f"主题不存在：{theme_id}")


@reader
def get_theme(theme_id: int, viewer: User, today: date | None = None) -> Theme:
    """One theme, to the members of its contract, with the content linked to it."""
    theme = _shown(_theme(theme_id, viewer), today or local_today())
    theme.linked_content = list(db.session.scalars(
        select(Content).where(Content.theme_id == theme.id).order_by(Content.id)))
    return theme


def _clean_departments(departments: list[str]) -> list[str]:
    cleaned = []
    for name in departments:
        name = name.strip()
        if not name:
            raise field_error("departments", "责任部门名称不能为空")
        if name not in cleaned:
            cleaned.append(name)
    return cleaned


@writer
def create_theme(*, actor: User, contract: str, month: str, title: str, description: str = "",
                 format: str = "", departments: list[str] | None = None,
                 now: datetime | None = None) -> Theme:
    """Plan a month's theme (admins, the editors' lead, the client's reviewer and approver):
    one a month, within the contract's term; it starts `planned`. Recorded."""
    now = now or now_utc()
    with named_in_body("contract"):
        held = find_contract(contract)
        require_member(actor, held)
    require_contract_role(actor, held, *THEME_PLANNERS)
    _within_term(held, month)
    if not title.strip():
        raise field_error("title", "主题不能为空")
    theme = Theme(contract_id=held.id, month=month, title=title, description=description,
                  format=format, departments=_clean_departments(departments or []),
                  status=ThemeStatus.PLANNED.value, created_by_id=actor.id, created_at=now,
                  updated_at=now)
    message = f"该合同 {month} 已有主题"
    with conflicts_as(message, "month"):
        db.session.add(theme)
        db.session.flush()
    audit.record(ENTITY, theme.id, "create", actor,
                 {"contract": held.key, **audit.snapshot(theme, AUDITED)}, now=now)
    return _shown(theme, local_today(now))


def _admin_with_reason(actor: User, refusal: str, field: str, reason: str | None) -> None:
    if actor.role != Role.ADMIN:
        raise ConflictError(refusal, {field: [refusal]})
    if not reason or not reason.strip():
        raise field_error("reason", "管理员进行此更改须说明原因（reason）")


def _check_change(theme: Theme, data: dict, *, actor: User, reason: str | None,
                  today: date) -> None:
    """A theme shown as missed is settled: only an admin changes it, with a reason. Its
    status moves forward one step at a time; anything else (back, a skip) is an admin's,
    with a reason."""
    new = data.get("status")
    if new == ThemeStatus.MISSED:
        raise field_error("status",
                          "「未完成」（missed）在月份结束且未交付时自动显示，不能手动设置")
    if theme_status(theme, today) == ThemeStatus.MISSED:
        _admin_with_reason(actor, f"该主题的月份（{theme.month}）已结束且未交付，只有管理员"
                                  f"可以更改（须说明原因）", "_schema", reason)
        return
    if new is None or new == theme.status or FORWARD.get(ThemeStatus(theme.status)) == new:
        return
    _admin_with_reason(actor, f"主题状态不能从「{STATUS_LABELS[ThemeStatus(theme.status)]}」"
                              f"改为「{STATUS_LABELS[ThemeStatus(new)]}」：须按 计划中 → 制作中 "
                              f"→ 已交付 依次推进，其他更改只有管理员可以进行（须说明原因）",
                       "status", reason)


@writer
def update_theme(theme_id: int, *, actor: User, data: dict,
                 now: datetime | None = None) -> Theme:
    """Change a theme's month, title, content, format, departments or status (those who plan
    themes): its status moves forward one step at a time; going back, skipping a step or
    changing a theme whose month has ended is an admin's, with a reason. Recorded."""
    now = now or now_utc()
    today = local_today(now)
    theme = _theme(theme_id, actor)
    require_contract_role(actor, theme.contract, *THEME_PLANNERS)
    data = dict(data)
    reason = data.pop("reason", None)
    if not data:
        raise field_error("_schema", "请至少修改一个字段")
    if "month" in data:
        _within_term(theme.contract, data["month"])
    if "title" in data and not data["title"].strip():
        raise field_error("title", "主题不能为空")
    if "departments" in data:
        data["departments"] = _clean_departments(data["departments"])
    _check_change(theme, data, actor=actor, reason=reason, today=today)
    before = audit.snapshot(theme, AUDITED)
    for name, value in data.items():
        setattr(theme, name, value)
    changes = audit.diff(before, audit.snapshot(theme, AUDITED))
    if not changes:
        raise field_error("_schema", "没有任何修改")
    theme.updated_at = now
    if reason:
        changes["reason"] = reason
    with conflicts_as(f"该合同 {theme.month} 已有主题", "month"):
        db.session.flush()
    audit.record(ENTITY, theme.id, "update", actor, changes, now=now)
    return _shown(theme, today)


@reader
def theme_history(theme_id: int, viewer: User) -> list:
    """Who planned and changed the theme, when, from what to what and why; oldest first."""
    _theme(theme_id, viewer)
    return audit.history(ENTITY, theme_id)
