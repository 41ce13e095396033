"""Which district a reader's figures cover. An official scoped to a district reads that
district only; an official of the city (no district) and an admin read every district, or the
one they ask for. Liaisons and community accounts are scoped by their places elsewhere."""

from sqlalchemy import ColumnElement, select

from models import Community, District, Role, Street, User, db
from service.errors import NotFoundError, PermissionDeniedError, field_error


def get_district(code: str, field: str = "district") -> District:
    district = db.session.get(District, code)
    if district is None:
        raise NotFoundError(f"区不存在：{code}", {field: [f"未知区编码：{code}"]})
    return district


def own_district(actor: User) -> str | None:
    """The district an account is bound to (a district official's), else None."""
    return actor.district_code if actor.role == Role.OFFICIAL else None


def district_asked(actor: User, asked: str | None) -> str | None:
    """The district a read covers: the one asked for (which must exist), an official's own
    when they name none, or None for every district held. A district official asking for
    another district is refused."""
    own = own_district(actor)
    if own is not None:
        if asked not in (None, own):
            raise PermissionDeniedError("只能查看本区的数据", {"district": ["只能查看本区的数据"]})
        return own
    if asked is not None:
        get_district(asked)
    return asked


def one_district(actor: User | None, asked: str | None) -> District:
    """The one district a piece of work or a read of it is about (a weekly set): the one
    asked for, a district official's own, or the only one held. With several held and none
    named, the caller must say which (422 naming `district`)."""
    code = district_asked(actor, asked) if actor is not None else asked
    if code is not None:
        return get_district(code)
    held = db.session.scalars(select(District).order_by(District.code).limit(2)).all()
    if not held:
        raise NotFoundError("尚未载入区的数据（flask seed-district）")
    if len(held) > 1:
        raise field_error("district", "已载入多个区，请指明是哪一个区（district）")
    return held[0]


def district_of(*, street_code: str | None = None,
                community_code: str | None = None) -> str | None:
    """The district a street or community lies in (None: no such place)."""
    query = select(Street.district_code)
    if community_code is not None:
        query = query.join(Community, Community.street_code == Street.code).where(
            Community.code == community_code)
    else:
        query = query.where(Street.code == street_code)
    return db.session.scalar(query)


def require_in_district(district_code: str | None, *, street_code: str | None = None,
                        community_code: str | None = None) -> None:
    """Refuse a street or community outside the district a read is scoped to (403: it is
    there, but not the reader's)."""
    if district_code is None or (street_code is None and community_code is None):
        return
    held_in = district_of(street_code=street_code, community_code=community_code)
    if held_in is not None and held_in != district_code:  # unknown: the read answers 404
        raise PermissionDeniedError("只能查看本区的街道和社区")


def street_codes_of(district_code: str):
    """A query of a district's street codes (for IN clauses)."""
    return select(Street.code).where(Street.district_code == district_code)


def community_codes_of(district_code: str):
    """A query of a district's community codes (for IN clauses)."""
    return select(Community.code).join(Street, Community.street_code == Street.code).where(
        Street.district_code == district_code)


def communities_in(district_code: str | None) -> ColumnElement | None:
    """A condition on Community.street_code keeping a district's communities (None: all)."""
    if district_code is None:
        return None
    return Community.street_code.in_(street_codes_of(district_code))
