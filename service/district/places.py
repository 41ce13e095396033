"""Districts, their streets and communities: loading them from their files and reading them."""

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Select, and_, func, not_, or_, select

from models import Assignment, Community, District, Street, User, db
from models.district import district_code_of
from service import audit
from service.errors import NotFoundError, RuleViolationError, named_in_body
from service.pagination import Page, page_of_rows, paginate
from service.rules import require_whole_position
from service.transaction import reader, writer

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "district"

# A district's directory: one file of each kind, found by how its name ends.
DISTRICT_FILE, STREETS_FILE, COMMUNITIES_FILE = "district.csv", "streets.csv", "communities.csv"
COLUMNS = {
    DISTRICT_FILE: ("district_code", "district_name"),
    STREETS_FILE: ("street_code", "street_name", "latitude", "longitude"),
    COMMUNITIES_FILE: ("street_code", "community_code", "community_name", "latitude",
                       "longitude"),
}
CODE = re.compile(r"\d{12}")


@dataclass
class SeedResult:
    districts: int
    streets: int
    communities: int
    changed: int


def held_districts() -> list[District]:
    """The districts held, in code order."""
    return list(db.session.scalars(select(District).order_by(District.code)))


@reader
def district_codes() -> list[str]:
    """The codes of the districts held, in code order (the schedule makes a set for each)."""
    return list(db.session.scalars(select(District.code).order_by(District.code)))


@dataclass
class _Row:
    """A row of a file, with where it is for messages that name it."""
    path: Path
    line: int
    values: dict

    def fault(self, message: str) -> RuleViolationError:
        return RuleViolationError(f"文件 {self.path.name} 第 {self.line} 行：{message}",
                                  {"file": [f"{self.path}:{self.line}"]})

    def code(self, column: str) -> str:
        value = (self.values.get(column) or "").strip()
        if not CODE.fullmatch(value):
            raise self.fault(f"{column} 应为 12 位数字的统计编码，而不是“{value}”")
        return value

    def text(self, column: str) -> str:
        value = (self.values.get(column) or "").strip()
        if not value or len(value) > 100:
            raise self.fault(f"{column} 不能为空，也不能超过 100 个字")
        return value

    def number(self, column: str) -> float | None:
        value = (self.values.get(column) or "").strip()
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            raise self.fault(f"{column} 应为数字，而不是“{value}”") from None


def _file_of(directory: Path, suffix: str) -> Path:
    found = sorted(directory.glob(f"*{suffix}")) if directory.is_dir() else []
    if len(found) != 1:
        problem = "找不到" if not found else f"有 {len(found)} 个"
        raise RuleViolationError(f"目录 {directory} 中{problem}以 {suffix} 结尾的文件",
                                 {"file": [str(directory)]})
    return found[0]


def _read_rows(path: Path, suffix: str) -> list[_Row]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS[suffix] if c not in (reader.fieldnames or [])]
            if missing:
                raise RuleViolationError(f"文件 {path.name} 第 1 行：缺少列 {'、'.join(missing)}",
                                         {"file": [f"{path}:1"]})
            return [_Row(path, reader.line_num, row) for row in reader]
    except UnicodeDecodeError:
        raise RuleViolationError(f"文件 {path.name} 不是 UTF-8 编码的文本",
                                 {"file": [str(path)]}) from None


class _Rows:
    """The rows read so far, by kind, refusing a code met twice."""

    def __init__(self):
        self.by_kind: dict[str, dict[str, dict]] = {"district": {}, "street": {}, "community": {}}

    def add(self, kind: str, row: _Row, values: dict) -> None:
        seen = self.by_kind[kind]
        if values["code"] in seen:
            raise row.fault(f"编码 {values['code']} 重复出现")
        seen[values["code"]] = values


def _read_district(directory: Path, rows: _Rows) -> None:
    """One district's directory, checked: its streets under its code, its communities under
    streets of its own file."""
    district_file = _file_of(directory, DISTRICT_FILE)
    district_rows = _read_rows(district_file, DISTRICT_FILE)
    if len(district_rows) != 1:
        raise RuleViolationError(f"文件 {district_file.name} 应恰有一行数据",
                                 {"file": [str(directory)]})
    head = district_rows[0]
    district = {"code": head.code("district_code"), "name": head.text("district_name")}
    if district["code"] != district_code_of(district["code"]):
        raise head.fault(f"区的编码 {district['code']} 应以 000000 结尾")
    rows.add("district", head, district)
    streets = set()
    for row in _read_rows(_file_of(directory, STREETS_FILE), STREETS_FILE):
        code = row.code("street_code")
        if district_code_of(code) != district["code"]:
            raise row.fault(f"街道编码 {code} 不在区 {district['code']} 之下")
        rows.add("street", row, {"code": code, "district_code": district["code"],
                                 "name": row.text("street_name"),
                                 "latitude": row.number("latitude"),
                                 "longitude": row.number("longitude")})
        streets.add(code)
    for row in _read_rows(_file_of(directory, COMMUNITIES_FILE), COMMUNITIES_FILE):
        street = row.code("street_code")
        if street not in streets:
            raise row.fault(f"社区所属的街道 {street} 不在本区的街道文件中")
        rows.add("community", row, {"code": row.code("community_code"), "street_code": street,
                                    "name": row.text("community_name"),
                                    "latitude": row.number("latitude"),
                                    "longitude": row.number("longitude")})


def _upsert(model, key: str, rows: list[dict]) -> int:
    """Insert missing rows and update differing ones; returns how many rows changed."""
    existing = {getattr(obj, key): obj for obj in db.session.scalars(select(model))}
    changed = 0
    for values in rows:
        obj = existing.get(values[key])
        if obj is None:
            db.session.add(model(**values))
            changed += 1
            continue
        for name, value in values.items():
            # Coordinates set by an admin survive a re-seed that knows none.
            if value is None and name in ("latitude", "longitude"):
                continue
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed += 1
    return changed


@writer
def seed_district(*directories: Path) -> SeedResult:
    """Load one or more districts' directories (a city: several; none given: the shipped
    district) in one go: every file is checked first, and a fault anywhere stores nothing.
    Idempotent: loading the same files again changes nothing."""
    rows = _Rows()
    for directory in directories or (DATA_DIR,):
        _read_district(Path(directory), rows)
    districts, streets, communities = (list(rows.by_kind[k].values())
                                       for k in ("district", "street", "community"))
    changed = _upsert(District, "code", districts)
    db.session.flush()
    changed += _upsert(Street, "code", streets)
    db.session.flush()
    changed += _upsert(Community, "code", communities)
    return SeedResult(districts=len(districts), streets=len(streets),
                      communities=len(communities), changed=changed)


@dataclass
class DistrictRow:
    code: str
    name: str
    street_count: int
    community_count: int


@reader
def list_districts(*, page: int = 1, per_page: int = 50) -> Page:
    """The districts held with their numbers of streets and communities, in code order."""
    streets = (select(Street.district_code, func.count().label("n"))
               .group_by(Street.district_code).subquery())
    communities = (select(Street.district_code, func.count().label("n"))
                   .join(Community, Community.street_code == Street.code)
                   .group_by(Street.district_code).subquery())
    query = (select(District.code, District.name, func.coalesce(streets.c.n, 0),
                    func.coalesce(communities.c.n, 0))
             .outerjoin(streets, streets.c.district_code == District.code)
             .outerjoin(communities, communities.c.district_code == District.code)
             .order_by(District.code))
    return page_of_rows([DistrictRow(*row) for row in db.session.execute(query)], page,
                        per_page)


@dataclass
class StreetRow:
    code: str
    district_code: str
    name: str
    latitude: float | None
    longitude: float | None
    community_count: int


@reader
def list_streets(*, page: int = 1, per_page: int = 50) -> Page:
    """Streets with their number of communities, in code order."""
    counts = (select(Community.street_code, func.count().label("n"))
              .group_by(Community.street_code).subquery())
    query = (select(Street.code, Street.district_code, Street.name, Street.latitude,
                    Street.longitude, func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c.street_code == Street.code)
             .order_by(Street.code))
    return page_of_rows([StreetRow(*row) for row in db.session.execute(query)], page,
                        per_page)


def get_street(code: str) -> Street:
    street = db.session.get(Street, code)
    if street is None:
        raise NotFoundError(f"街道不存在：{code}", {"street_code": [f"未知街道编码：{code}"]})
    return street


def get_community(code: str) -> Community:
    community = db.session.get(Community, code)
    if community is None:
        raise NotFoundError(f"社区不存在：{code}", {"community_code": [f"未知社区编码：{code}"]})
    return community


def referenced_street(code: str, field: str = "street_code") -> Street:
    """A street named in a request's body (an unknown code is a fault of that field)."""
    with named_in_body(field):
        return get_street(code)


def referenced_community(code: str, field: str = "community_code") -> Community:
    """A community named in a request's body (an unknown code is a fault of that field)."""
    with named_in_body(field):
        return get_community(code)


def community_codes_in(street_code: str) -> Select:
    """A query of the codes of a street's communities (for IN clauses); the street must exist."""
    get_street(street_code)
    return select(Community.code).where(Community.street_code == street_code)


@reader
def list_communities(*, street_code: str | None = None, q: str | None = None,
                     has_point: bool | None = None, page: int = 1,
                     per_page: int = 50) -> Page:
    """Communities in code order, filtered by street, by part of the name and by whether
    their point is known."""
    query = select(Community).join(Community.street).order_by(Community.code)
    if street_code:
        get_street(street_code)
        query = query.where(Community.street_code == street_code)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Community.name.like(pattern), Community.code.like(pattern)))
    if has_point is not None:
        query = query.where(point_known(has_point))
    return paginate(query, page, per_page)


def point_known(known: bool = True):
    """A clause: the community's point is known (or, with known=False, still to be placed)."""
    located = and_(Community.latitude.is_not(None), Community.longitude.is_not(None))
    return located if known else not_(located)


def current_liaisons(community: Community, today: date) -> list[User]:
    """Liaisons assigned on `today` to the community directly or through its street."""
    query = (select(User).join(Assignment, Assignment.user_id == User.id)
             .where(or_(Assignment.community_code == community.code,
                        Assignment.street_code == community.street_code),
                    Assignment.in_force_on(today), User.active.is_(True))
             .distinct().order_by(User.username))
    return list(db.session.scalars(query))


@dataclass
class CommunityDetail:
    community: Community
    liaisons: list[User]


@reader
def community_detail(code: str, *, today: date) -> CommunityDetail:
    """A community with the liaisons assigned to it on `today`."""
    community = get_community(code)
    return CommunityDetail(community, current_liaisons(community, today))


@writer
def update_community(code: str, *, actor: User, **changes) -> Community:
    """Set a community's point (WGS-84) and check radius (admins); recorded."""
    community = get_community(code)
    fields = ["latitude", "longitude", "radius_m"]
    merged = {name: changes.get(name, getattr(community, name)) for name in fields}
    require_whole_position(merged["latitude"], merged["longitude"])
    before = audit.snapshot(community, fields)
    for name, value in changes.items():
        setattr(community, name, value)
    changed = audit.diff(before, audit.snapshot(community, fields))
    if changed:
        audit.record("community", community.code, "update", actor, changed)
    return community
