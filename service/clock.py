"""Time rules: stored in UTC, read in Asia/Shanghai, weeks are ISO weeks."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now_utc() -> datetime:
    return datetime.now(UTC)


def local_date(moment: datetime) -> date:
    """The calendar day in Asia/Shanghai on which an aware moment falls."""
    return moment.astimezone(SHANGHAI).date()


def local_today(now: datetime | None = None) -> date:
    return local_date(now or now_utc())


def local_day_start(day: date) -> datetime:
    """The first moment of a calendar day in Asia/Shanghai (aware)."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


# The years a contract of this service can fall in: dates outside are refused at the door,
# before they reach arithmetic (a day after 9999-12-31) or a time-zone shift that overflows.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


def in_service_years(value: date) -> bool:
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR
