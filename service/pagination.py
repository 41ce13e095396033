"""One way to page through any list: a stable order, a total, and a bounded page size."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from models import db


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int


def page_of_rows(rows: list, page: int, per_page: int) -> Page:
    """One page of rows already computed in full (ordered in Python, or few and aggregated)."""
    start = (page - 1) * per_page
    return Page(items=rows[start:start + per_page], total=len(rows), page=page,
                per_page=per_page)


def paginate(query: Select, page: int, per_page: int) -> Page:
    """Run `query` (already ordered) for one page, with the total count of matching rows."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=list(items), total=total or 0, page=page, per_page=per_page)
