"""How many community-weeks got their workbook delivered in time: the weekly_reports target
counts them from the deliveries made when each week's set was finished."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, select

from models import Delivery, db
from service.clock import SHANGHAI


def delivered_community_weeks(start: date, as_of: date) -> int:
    """Community-weeks (weeks ended since `start` and before `as_of`) whose workbook was
    delivered to the community's accounts by the end of `as_of` (Asia/Shanghai): a workbook
    cannot count before anyone at the community could open it."""
    return db.session.scalar(select(func.count()).select_from(Delivery).where(
        delivered_by(start, as_of))) or 0


def delivered_by(start: date, as_of: date):
    """The weekly_reports target's rule: what it counts and the execution report lists."""
    produced_by = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    return and_(Delivery.period_end >= start, Delivery.period_end < as_of,
                Delivery.made_available_at < produced_by)
