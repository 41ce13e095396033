"""The district's streets and communities: loading the official list and reading it."""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Select, and_, func, not_, or_, select

from models import Assignment, Community, Street, User, db
from service import audit
from service.errors import NotFoundError, named_in_body
from service.pagination import Page, page_of_rows, paginate
from service.rules import require_whole_position
from service.transaction import reader, writer

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "district"


@dataclass
class SeedResult:
    streets: int
    communities: int
    changed: int


@dataclass(frozen=True)
class District:
    code: str
    name: str


def the_district(data_dir: Path = DATA_DIR) -> District:
    """The district itself (its statistical code and name), from the shipped data."""
    row = _read_csv(data_dir / "xicheng_district.csv")[0]
    return District(row["district_code"], row["district_name"])


def _optional_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


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
def seed_district(data_dir: Path = DATA_DIR) -> SeedResult:
    """Load the 15 streets and 263 communities from the shipped CSV files (idempotent)."""
    streets = [
        {"code": r["street_code"], "name": r["street_name"],
         "latitude": _optional_float(r["latitude"]), "longitude": _optional_float(r["longitude"])}
        for r in _read_csv(data_dir / "xicheng_streets.csv")
    ]
    communities = [
        {"code": r["community_code"], "street_code": r["street_code"],
         "name": r["community_name"], "latitude": _optional_float(r["latitude"]),
         "longitude": _optional_float(r["longitude"])}
        for r in _read_csv(data_dir / "xicheng_communities.csv")
    ]
    changed = _upsert(Street, "code", streets)
    db.session.flush()
    changed += _upsert(Community, "code", communities)
    return SeedResult(streets=len(streets), communities=len(communities), changed=changed)


@dataclass
class StreetRow:
    code: str
    name: str
    latitude: float | None
    longitude: float | None
    community_count: int


@reader
def list_streets(*, page: int = 1, per_page: int = 50) -> Page:
    """Streets with their number of communities, in code order."""
    counts = (select(Community.street_code, func.count().label("n"))
              .group_by(Community.street_code).subquery())
    query = (select(Street.code, Street.name, Street.latitude, Street.longitude,
                    func.coalesce(counts.c.n, 0))
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
