"""The promotion work registry: one set of use cases (create, list, get, update, soft delete,
all recorded and scoped) serving every kind of record, with each kind's own rules. The monthly
topics and WeChat articles are recorded through the content model instead
(service/progress/articles.py), behind the same kind of endpoints."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, or_, select, union
from sqlalchemy.orm import selectinload

from models import (
    Case,
    Community,
    DemoCommunity,
    Event,
    InteractionDay,
    Role,
    ServiceGroup,
    Street,
    Training,
    User,
    db,
)
from models.registry import training_communities, training_streets
from service import audit
from service.clock import now_utc
from service.district.assignments import may_act_in, may_act_in_street
from service.district.contracts import current_contract
from service.district.places import community_codes_in
from service.district.scope import community_codes_of, own_district, street_codes_of
from service.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    field_error,
)
from service.pagination import Page, paginate
from service.rules import require_one_place
from service.transaction import conflicts_as, reader, writer


class OnePlace:
    """Records placed in at most one street or one community (columns street_code and/or
    community_code; a kind without them is district-wide)."""

    def touched(self, data: dict, record) -> tuple[list[Street], list[Community]]:
        street = data.get("street_code", getattr(record, "street_code", None))
        community = data.get("community_code", getattr(record, "community_code", None))
        return (_known(Street, [street], "street_code") if street else [],
                _known(Community, [community], "community_code") if community else [])

    def apply(self, record, streets: list[Street], communities: list[Community]) -> None:
        """Nothing beyond the columns the data already set."""

    def filterable(self, model) -> bool:
        return hasattr(model, "community_code")

    def in_street(self, model, street_code: str):
        clauses = [model.community_code.in_(community_codes_in(street_code))]
        if hasattr(model, "street_code"):
            clauses.append(model.street_code == street_code)
        return or_(*clauses)

    def in_community(self, model, community_code: str):
        return model.community_code == community_code

    def in_district(self, model, district_code: str):
        """Placed in the district's streets or communities, or nowhere (district-wide)."""
        clauses = [model.community_code.in_(community_codes_of(district_code))]
        if hasattr(model, "street_code"):
            clauses.append(model.street_code.in_(street_codes_of(district_code)))
            clauses.append(and_(model.street_code.is_(None), model.community_code.is_(None)))
        else:
            clauses.append(model.community_code.is_(None))
        return or_(*clauses)

    def loading(self) -> list:
        return []


class ListedPlaces:
    """Records that list any number of streets and communities (a training's)."""

    def touched(self, data: dict, record) -> tuple[list[Street], list[Community]]:
        return (_known(Street, data.get("street_codes", record.street_codes if record else []),
                       "street_codes"),
                _known(Community, data.get("community_codes",
                                           record.community_codes if record else []),
                       "community_codes"))

    def apply(self, record, streets: list[Street], communities: list[Community]) -> None:
        record.streets, record.communities = streets, communities

    def filterable(self, model) -> bool:
        return True

    def in_street(self, model, street_code: str):
        return or_(
            model.id.in_(select(training_streets.c.training_id)
                         .where(training_streets.c.street_code == street_code)),
            model.id.in_(select(training_communities.c.training_id).where(
                training_communities.c.community_code.in_(community_codes_in(street_code)))))

    def in_community(self, model, community_code: str):
        return model.id.in_(select(training_communities.c.training_id).where(
            training_communities.c.community_code == community_code))

    def in_district(self, model, district_code: str):
        """Listing one of the district's streets or communities, or no place at all."""
        placed = union(select(training_streets.c.training_id),
                       select(training_communities.c.training_id))
        return or_(
            model.id.in_(select(training_streets.c.training_id).where(
                training_streets.c.street_code.in_(street_codes_of(district_code)))),
            model.id.in_(select(training_communities.c.training_id).where(
                training_communities.c.community_code.in_(community_codes_of(district_code)))),
            model.id.not_in(placed))

    def loading(self) -> list:
        return [selectinload(Training.streets), selectinload(Training.communities)]


@dataclass(frozen=True)
class Kind:
    name: str  # the audit entity type
    label: str  # for people
    model: type
    date_field: str  # what date ranges and the contract period apply to
    fields: list[str]  # what is recorded in the history
    admin_only: bool = False  # district-wide records: only admins write them
    extra_dates: list[str] = field(default_factory=list)
    validate: Callable[[dict, object | None], None] | None = None
    places: OnePlace | ListedPlaces = OnePlace()

    @property
    def writer_roles(self) -> tuple[Role, ...]:
        """Who may write records of this kind at all (scope is checked per record)."""
        return (Role.ADMIN,) if self.admin_only else (Role.ADMIN, Role.LIAISON)

    def require_writer_role(self, actor: User) -> None:
        """Checked before anything is looked up, so a refusal reveals nothing of the data."""
        if actor.role not in self.writer_roles:
            raise PermissionDeniedError(f"没有权限记录{self.label}")


def _one_place(data: dict, record) -> None:
    require_one_place(data.get("street_code", getattr(record, "street_code", None)),
                      data.get("community_code", getattr(record, "community_code", None)))


def _closed_after_created(data: dict, record) -> None:
    created = data.get("created_on", getattr(record, "created_on", None))
    closed = data.get("closed_on", getattr(record, "closed_on", None))
    if closed is not None and created is not None and closed < created:
        raise field_error("closed_on", "关闭日期不能早于建群日期")


def _group_rules(data: dict, record) -> None:
    _one_place(data, record)
    _closed_after_created(data, record)


def _not_already_designated(data: dict, record) -> None:
    code = data.get("community_code")
    if record is None and code and db.session.scalar(
            select(DemoCommunity.id).where(DemoCommunity.community_code == code,
                                           DemoCommunity.undesignated_on.is_(None),
                                           DemoCommunity.deleted_at.is_(None))):
        raise ConflictError("该社区已是示范社区", {"community_code": ["该社区已是示范社区"]})
    designated = data.get("designated_on", getattr(record, "designated_on", None))
    ended = data.get("undesignated_on", getattr(record, "undesignated_on", None))
    if ended is not None and designated is not None and ended < designated:
        raise field_error("undesignated_on", "取消日期不能早于认定日期")


KINDS = {
    "training": Kind("training", "培训", Training, "date",
                     ["date", "title", "trainer", "attendees", "street_codes",
                      "community_codes"], places=ListedPlaces()),
    "event": Kind("event", "线下推广活动", Event, "date",
                  ["date", "title", "street_code", "community_code", "participants",
                   "signups_registered", "signups_verified"], validate=_one_place),
    "service_group": Kind("service_group", "在线服务群组", ServiceGroup, "created_on",
                          ["name", "channel", "street_code", "community_code", "members",
                           "created_on", "closed_on"], extra_dates=["closed_on"],
                          validate=_group_rules),
    "case": Kind("case", "典型案例", Case, "published_on",
                 ["title", "community_code", "published_on", "url", "summary"]),
    "demo_community": Kind("demo_community", "示范社区", DemoCommunity, "designated_on",
                           ["community_code", "designated_on", "undesignated_on", "note"],
                           admin_only=True, extra_dates=["undesignated_on"],
                           validate=_not_already_designated),
    "interaction": Kind("interaction", "互动量", InteractionDay, "date",
                        ["date", "views", "likes", "comments"], admin_only=True),
}


def _known(model, codes: list[str], field_name: str) -> list:
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise field_error(field_name, f"编码重复：{', '.join(repeated)}")
    found = {obj.code: obj for obj in db.session.scalars(
        select(model).where(model.code.in_(codes)))} if codes else {}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise field_error(field_name, f"未知编码：{', '.join(unknown)}")
    return [found[c] for c in codes]


def _places(kind: Kind, data: dict, record) -> tuple[list[Street], list[Community]]:
    """The streets and communities a record touches (validated), for the scope rule."""
    return kind.places.touched(data, record)


def _check_dates(kind: Kind, data: dict) -> None:
    contract = current_contract()
    for name in [kind.date_field, *kind.extra_dates]:
        value = data.get(name)
        if isinstance(value, date) and not contract.start_date <= value <= contract.end_date:
            raise field_error(name, f"日期应在合同期内（{contract.start_date.isoformat()} 至 "
                                    f"{contract.end_date.isoformat()}）")


def _require_in_scope(kind: Kind, actor: User, streets, communities, day: date) -> None:
    """A liaison writes only in their streets and communities (the role was checked first)."""
    if actor.role == Role.ADMIN:
        return
    if not streets and not communities:
        raise PermissionDeniedError(f"全区范围的{kind.label}只能由管理员记录")
    if not all(may_act_in_street(actor, s.code, day) for s in streets) or not all(
            may_act_in(actor, c, day) for c in communities):
        raise PermissionDeniedError(f"只能在自己负责的街道和社区记录{kind.label}")


def _record_day(kind: Kind, record_or_data) -> date:
    return (record_or_data.get(kind.date_field) if isinstance(record_or_data, dict)
            else getattr(record_or_data, kind.date_field))


def _apply(kind: Kind, record, data: dict, streets, communities) -> None:
    for name, value in data.items():
        if name not in ("street_codes", "community_codes"):
            setattr(record, name, value)
    kind.places.apply(record, streets, communities)


def _prepare(kind: Kind, actor: User, data: dict, record=None):
    if kind.validate:
        kind.validate(data, record)
    _check_dates(kind, data)
    streets, communities = _places(kind, data, record)
    merged_day = _record_day(kind, data) if data.get(kind.date_field) else (
        _record_day(kind, record) if record is not None else None)
    _require_in_scope(kind, actor, streets, communities, merged_day or now_utc().date())
    return streets, communities


@writer
def create_record(kind: Kind, *, actor: User, data: dict, now: datetime | None = None):
    """Create a record of a kind (scoped, validated, recorded)."""
    now = now or now_utc()
    kind.require_writer_role(actor)
    streets, communities = _prepare(kind, actor, data)
    record = kind.model(created_by_id=actor.id, created_at=now, updated_at=now)
    with conflicts_as(f"与已有的{kind.label}冲突", kind.date_field):
        _apply(kind, record, data, streets, communities)
        db.session.add(record)
        db.session.flush()
        audit.record(kind.name, record.id, "create", actor,
                     audit.snapshot(record, kind.fields), now=now)
    return record


@reader
def get_record(kind: Kind, record_id: int, *, actor: User | None = None):
    return _live_record(kind, record_id, actor)


def _in_readers_district(kind: Kind, query, actor: User | None):
    """A district official's records: those placed in their district, or nowhere."""
    district = own_district(actor) if actor is not None else None
    if district is None or not kind.places.filterable(kind.model):
        return query
    return query.where(kind.places.in_district(kind.model, district))


def _live_record(kind: Kind, record_id: int, actor: User | None = None):
    query = select(kind.model).where(kind.model.id == record_id,
                                     kind.model.deleted_at.is_(None))
    record = db.session.scalar(_in_readers_district(kind, query, actor))
    if record is None:
        raise NotFoundError(f"{kind.label}不存在：{record_id}")
    return record


@writer
def update_record(kind: Kind, record_id: int, *, actor: User, data: dict,
                  now: datetime | None = None):
    """Change a record (scoped before and after the change, recorded)."""
    now = now or now_utc()
    kind.require_writer_role(actor)
    if not data:
        raise field_error("_schema", "请至少修改一个字段")
    record = _live_record(kind, record_id)
    _require_in_scope(kind, actor, *_places(kind, {}, record), _record_day(kind, record))
    streets, communities = _prepare(kind, actor, data, record)
    before = audit.snapshot(record, kind.fields)
    with conflicts_as(f"与已有的{kind.label}冲突", kind.date_field):
        _apply(kind, record, data, streets, communities)
        record.updated_at = now
        changed = audit.diff(before, audit.snapshot(record, kind.fields))
        if changed:
            audit.record(kind.name, record.id, "update", actor, changed, now=now)
    return record


@writer
def delete_record(kind: Kind, record_id: int, *, actor: User,
                  now: datetime | None = None) -> None:
    """Soft-delete a record: it stays in the history and no longer counts."""
    now = now or now_utc()
    kind.require_writer_role(actor)
    record = _live_record(kind, record_id)
    _require_in_scope(kind, actor, *_places(kind, {}, record), _record_day(kind, record))
    record.deleted_at = now
    audit.record(kind.name, record.id, "delete", actor, {}, now=now)


@reader
def record_history(kind: Kind, record_id: int):
    _live_record(kind, record_id)
    return audit.history(kind.name, record_id)


@reader
def list_records(kind: Kind, *, from_date: date | None = None, to_date: date | None = None,
                 street_code: str | None = None, community_code: str | None = None,
                 actor: User | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Records of a kind, newest first, by date range, street and community (a district
    official's: those of their district)."""
    model = kind.model
    column = getattr(model, kind.date_field)
    query = _in_readers_district(kind, select(model).where(model.deleted_at.is_(None))
                                 .order_by(column.desc(), model.id.desc()), actor)
    query = query.options(*kind.places.loading())
    if from_date:
        query = query.where(column >= from_date)
    if to_date:
        query = query.where(column <= to_date)
    if street_code and kind.places.filterable(model):
        query = query.where(kind.places.in_street(model, street_code))
    if community_code and kind.places.filterable(model):
        query = query.where(kind.places.in_community(model, community_code))
    return paginate(query, page, per_page)


@writer
def post_interactions(*, actor: User, days: list[dict],
                      now: datetime | None = None) -> list[InteractionDay]:
    """Daily interaction totals; a date posted again replaces its figures. All or nothing."""
    kind = KINDS["interaction"]
    now = now or now_utc()
    kind.require_writer_role(actor)
    _require_in_scope(kind, actor, [], [], now.date())
    seen = set()
    for index, day in enumerate(days):
        if day["date"] in seen:
            raise field_error(f"days.{index}.date", f"日期重复：{day['date'].isoformat()}")
        seen.add(day["date"])
        _check_dates(kind, day)
    existing = {row.date: row for row in db.session.scalars(
        select(InteractionDay).where(InteractionDay.date.in_(seen),
                                     InteractionDay.deleted_at.is_(None)))}
    stored = []
    for day in days:
        row = existing.get(day["date"])
        if row is None:
            row = InteractionDay(created_by_id=actor.id, created_at=now)
            db.session.add(row)
        before = audit.snapshot(row, kind.fields) if row.id else {}
        _apply(kind, row, day, [], [])
        row.updated_at = now
        db.session.flush()
        audit.record(kind.name, row.id, "update" if before else "create", actor,
                     audit.diff(before, audit.snapshot(row, kind.fields)), now=now)
        stored.append(row)
    return stored
