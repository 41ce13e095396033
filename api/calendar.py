"""The working-day calendar of a contract's term, frozen from the official holiday notices,
and an admin's correction of one day."""

import datetime

from api.auth import admin_only, current_user
from api.blueprint import Blueprint
from api.schemas.common import AuditEntrySchema
from api.schemas.contracts import (
    CalendarArgs,
    CalendarDaySchema,
    CalendarDayUpdateSchema,
    CalendarSchema,
    ContractArgs,
)
from service.clock import EARLIEST_YEAR, LATEST_YEAR, in_service_years
from service.district import working_days
from service.errors import RuleViolationError

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar",
                description="Working days, weekends, holidays and days worked in lieu (调休)")

DAY = "<regex('[0-9]{4}-[0-9]{2}-[0-9]{2}'):date>"


def path_date(text: str) -> datetime.date:
    """The date of the path, refused (422 naming `date`) unless a real day of the years a
    contract can use."""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not in_service_years(day):
        message = f"日期应为 {EARLIEST_YEAR}–{LATEST_YEAR} 年间的有效日期（YYYY-MM-DD）：{text}"
        error = RuleViolationError(message, {"date": [message]})
        error.location = "path"
        raise error
    return day


@blp.route("")
@blp.arguments(CalendarArgs, location="query")
@blp.response(200, CalendarSchema)
def calendar(args):
    """Each day from `from` to `to` (at most 400) of a contract's term with its kind; a day
    outside the term or not yet known is refused (422), never guessed."""
    contract, days = working_days.calendar(args["from_"], args["to"], args.get("contract"),
                                           viewer=current_user())
    return {"contract": contract, "items": days,
            "working_days": sum(day.is_working_day for day in days)}


@blp.route(f"/{DAY}", methods=["PUT"])
@admin_only
@blp.arguments(ContractArgs, location="query")
@blp.arguments(CalendarDayUpdateSchema)
@blp.response(200, CalendarDaySchema)
def override_day(args, data, date):
    """Set one day's kind by hand (admins), e.g. after a State Council notice the package does
    not know yet; allowed within the contract's term, recorded with the reason."""
    return working_days.override_day(path_date(date), actor=current_user(),
                                     contract_key=args.get("contract"), **data)


@blp.route(f"/{DAY}/history")
@blp.arguments(ContractArgs, location="query")
@blp.response(200, AuditEntrySchema(many=True))
def day_history(args, date):
    """Who changed the day, when, from what to what and why, oldest first."""
    return working_days.day_history(path_date(date), args.get("contract"),
                                    viewer=current_user())
