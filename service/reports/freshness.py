"""Whether a week's figures changed after its spreadsheets were made: a late offline visit, a
corrected count, a record added or edited for a day of the week or before it (figures are
cumulative, so a change before the week changes the week's totals too)."""

from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select

from models import (
    Assignment,
    Case,
    Content,
    Contract,
    DemoCommunity,
    Event,
    InteractionDay,
    Problem,
    Publication,
    ServiceGroup,
    Theme,
    Training,
    UserCountImport,
    Visit,
    db,
)
from service.progress.articles import ARTICLES_CHANNEL
from service.reports.calendar import Week

# A write that was under way when the figures were read may carry a time just before the
# snapshot yet not be in it; changes this close before the snapshot count as after it.
IN_FLIGHT = timedelta(seconds=2)

# Each record kind's day (what week it falls in) and when it was last written.
_REGISTRY_DAYS = [(Training, Training.date), (Event, Event.date),
                  (ServiceGroup, ServiceGroup.created_on), (Case, Case.published_on),
                  (DemoCommunity, DemoCommunity.designated_on),
                  (InteractionDay, InteractionDay.date)]


def _changes(week: Week, since: datetime) -> list:
    week_ends = week.utc_range[1]
    conditions = [
        exists().where(Visit.updated_at > since, Visit.visited_at < week_ends),
        exists().where(Problem.updated_at > since, Problem.created_at < week_ends),
        exists().where(UserCountImport.at > since, UserCountImport.date <= week.end),
        exists().where(Assignment.created_at > since, Assignment.start_date <= week.end),
    ]
    for model, day in _REGISTRY_DAYS:
        conditions.append(exists().where(model.updated_at > since, day <= week.end))
    # The contract's articles (its content on its WeChat channel, by the day published) and
    # topics (its themes, whatever their month, as before).
    in_force = select(Contract.id).where(Contract.active.is_(True))
    conditions.append(exists().where(
        Content.updated_at > since, Content.contract_id.in_(in_force),
        Publication.content_id == Content.id, Publication.channel == ARTICLES_CHANNEL,
        Publication.published_on <= week.end))
    conditions.append(exists().where(Theme.updated_at > since,
                                     Theme.contract_id.in_(in_force)))
    return conditions


def changed_since(week: Week, snapshot_at: datetime) -> bool:
    """True when records that the week's spreadsheets show were written after `snapshot_at`
    (in the caller's transaction)."""
    since = snapshot_at - IN_FLIGHT
    return bool(db.session.scalar(select(or_(*_changes(week, since)))))


def stale_weeks(sets: list[tuple[Week, datetime]]) -> set[str]:
    """Of many weeks with the moment their latest set was read, those whose records changed
    since: one statement for all of them (in the caller's transaction)."""
    if not sets:
        return set()
    columns = [or_(*_changes(week, snapshot_at - IN_FLIGHT)).label(f"w{index}")
               for index, (week, snapshot_at) in enumerate(sets)]
    row = db.session.execute(select(*columns)).one()
    return {week.label for (week, _), changed in zip(sets, row, strict=True) if changed}
