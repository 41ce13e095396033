"""ISO weeks as the weekly spreadsheets name them: 2022-W20 is Monday 16 to Sunday 22 May."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from service.clock import EARLIEST_YEAR, LATEST_YEAR, SHANGHAI, in_service_years, local_today
from service.errors import field_error

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Week:
    label: str
    start: date
    end: date

    @property
    def utc_range(self) -> tuple[datetime, datetime]:
        return (datetime.combine(self.start, time.min, tzinfo=SHANGHAI),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=SHANGHAI))



def parse_week(label: str) -> Week:
    """An ISO week such as 2022-W20: Monday to Sunday."""
    match = WEEK_PATTERN.match(label or "")
    try:
        start = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except (AttributeError, ValueError):
        raise field_error("week", f"周次应为 ISO 周，例如 2022-W20：{label}") from None
    if not in_service_years(start):
        raise field_error("week", f"周次应在 {EARLIEST_YEAR}–{LATEST_YEAR} 年之间：{label}")
    return Week(label, start, start + timedelta(days=6))


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_complete_week(today: date | None = None) -> str:
    today = today or local_today()
    return week_label(today - timedelta(days=today.isoweekday()))

