"""When a message must be answered.

The contract: 因消息有互动时间限制，所以需做到一个工作日回复 — a reply within one working day.
Read as a client checking it would: **one whole working day of time, counted only on the
contract's working days (Asia/Shanghai)**. A message received at 10:00 on a working day is
due at 10:00 on the next working day (a Thursday's before a holiday: on the first working
day after it, a 调休 Saturday included); one received on a day off has its clock start at the
beginning of the next working day and is due at that day's end (24:00, shown as 00:00 of the
following day). With `due_working_days` n the same is done n times.

A platform's own reply window (WeChat: 48 hours after a private message) runs in plain
hours, holidays included; a message whose window closes before its due time is flagged, to
be answered first."""

from datetime import datetime, timedelta

from models import Contract
from service.clock import SHANGHAI, local_day_start
from service.district.working_days import WORKING_KINDS, kind_beyond_term, next_working_day
from service.messages.rules import MessageRules

FIELD = "received_at"


def due_at(contract: Contract, rules: MessageRules, received_at: datetime) -> datetime:
    """The moment a reply is due (aware, Asia/Shanghai)."""
    local = received_at.astimezone(SHANGHAI)
    day = local.date()
    if kind_beyond_term(contract, day, FIELD) in WORKING_KINDS:
        clock = local.timetz().replace(tzinfo=None)
        for _ in range(rules.due_working_days):
            day = next_working_day(contract, day, FIELD)
        return datetime.combine(day, clock, tzinfo=SHANGHAI)
    for _ in range(rules.due_working_days):
        day = next_working_day(contract, day, FIELD)
    return local_day_start(day + timedelta(days=1))


def window_closes_at(rules: MessageRules, channel: str, kind: str,
                     received_at: datetime) -> datetime | None:
    """When the platform stops letting the account reply, or None when it does not."""
    hours = rules.window_hours(channel, kind)
    return None if hours is None else received_at + timedelta(hours=hours)
