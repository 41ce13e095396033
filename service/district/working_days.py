"""The working-day calendar of each contract's term: frozen from the `chinesecalendar` package
(the State Council's holiday notices, 调休 included) when the contract is loaded, and
corrected by an admin where a notice came before the package. A day nobody knows is refused,
never guessed: the contracts' daily and weekly floors depend on it."""

from dataclasses import dataclass
from datetime import date, timedelta
from importlib.metadata import version

import chinese_calendar
from sqlalchemy import delete, insert, select

from models import Contract, ContractDay, User, db
from service import audit
from service.district.contract_members import require_member
from service.errors import NotFoundError, RuleViolationError
from service.transaction import conflicts_as, lock_for_writing, reader, writer

WORKDAY, ADJUSTED_WORKDAY, WEEKEND, HOLIDAY = "workday", "adjusted_workday", "weekend", "holiday"
KINDS = (WORKDAY, ADJUSTED_WORKDAY, WEEKEND, HOLIDAY)
WORKING_KINDS = frozenset({WORKDAY, ADJUSTED_WORKDAY})
KIND_LABELS = {WORKDAY: "工作日", ADJUSTED_WORKDAY: "调休上班", WEEKEND: "周末",
               HOLIDAY: "节假日"}
OVERRIDE = "override"
PACKAGE = "chinesecalendar"
MAX_RANGE_DAYS = 400
# The package answers English names; people read the Chinese ones it also carries, in the
# full form the State Council's notices use (中秋节, not 中秋).
_FULL_NAMES = {"中秋": "中秋节", "端午": "端午节", "清明": "清明节"}
_CHINESE_NAMES = {holiday.value: _FULL_NAMES.get(holiday.chinese, holiday.chinese)
                  for holiday in chinese_calendar.Holiday}


class UnknownDayError(RuleViolationError):
    """A day whose kind nobody knows yet (beyond the package's years, not entered by an
    admin) or outside the contract's term: refused rather than guessed."""


# Where each field of these use cases is sent (the error names it there).
_LOCATIONS = {"from": "query", "to": "query", "contract": "query", "date": "path",
              "kind": "json", "reason": "json", "name": "json"}


def _refusal(field: str, message: str, cls: type[RuleViolationError] = UnknownDayError
             ) -> RuleViolationError:
    error = cls(message, {field: [message]})
    error.location = _LOCATIONS.get(field, "json")
    return error


def package_source() -> str:
    """What froze a day: the package and its installed version, e.g. chinesecalendar 1.11.0."""
    return f"{PACKAGE} {version(PACKAGE)}"


def official_day(day: date) -> tuple[str, str] | None:
    """The day's kind and holiday name as the package knows it, or None beyond its years."""
    try:
        off, holiday = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # the package's way of saying the year is not published yet
        return None
    weekend = day.isoweekday() >= 6
    name = _CHINESE_NAMES.get(holiday, holiday or "")
    if off:
        return (HOLIDAY if holiday else WEEKEND), name
    return (ADJUSTED_WORKDAY if weekend else WORKDAY), name


def _term_days(contract: Contract):
    day = contract.start_date
    while day <= contract.end_date:
        yield day
        day += timedelta(days=1)


def freeze_term(contract: Contract) -> int:
    """Write the days of the contract's term that the package knows and the contract does not
    hold yet, in the caller's transaction; days already held (frozen before, or entered by an
    admin) stay as they are, days no longer in the term go. Answers how many were added."""
    db.session.execute(delete(ContractDay).where(
        ContractDay.contract_id == contract.id,
        (ContractDay.day < contract.start_date) | (ContractDay.day > contract.end_date)))
    held = set(db.session.scalars(select(ContractDay.day)
                                  .where(ContractDay.contract_id == contract.id)))
    source = package_source()
    rows = []
    for day in _term_days(contract):
        known = None if day in held else official_day(day)
        if known is not None:
            rows.append({"contract_id": contract.id, "day": day, "kind": known[0],
                         "name": known[1], "source": source})
    if rows:
        db.session.execute(insert(ContractDay), rows)
    return len(rows)


@writer
def freeze_missing_days() -> int:
    """Every contract's term, completed with what the installed package knows (a contract
    loaded before calendars were frozen, or a newer package that knows another year)."""
    return sum(freeze_term(contract) for contract in db.session.scalars(select(Contract)))


@dataclass(frozen=True)
class CalendarDay:
    date: date
    kind: str
    name: str
    source: str

    @property
    def is_working_day(self) -> bool:
        return self.kind in WORKING_KINDS


def _unknown_message(day: date) -> str:
    return (f"{day.year} 年的官方节假日安排尚未知晓（{day.isoformat()}），系统不作推测；"
            f"管理员可按国务院办公厅通知逐日录入")


def _check_in_term(contract: Contract, day: date, field: str) -> None:
    if not contract.start_date <= day <= contract.end_date:
        raise _refusal(field, f"{day.isoformat()} 不在合同「{contract.name}」的期限内"
                              f"（{contract.start_date.isoformat()} 至 "
                              f"{contract.end_date.isoformat()}）")


def days_between(contract: Contract, start: date, end: date, *,
                 fields: tuple[str, str] = ("from", "to")) -> list[CalendarDay]:
    """Every day from start to end (inclusive) with its kind, in one query; a range that
    runs outside the term or over a day nobody knows is refused, naming the field."""
    if end < start:
        raise _refusal(fields[1], "结束日期不能早于开始日期")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise _refusal(fields[1], f"一次最多查询 {MAX_RANGE_DAYS} 天")
    _check_in_term(contract, start, fields[0])
    _check_in_term(contract, end, fields[1])
    rows = db.session.execute(
        select(ContractDay.day, ContractDay.kind, ContractDay.name, ContractDay.source)
        .where(ContractDay.contract_id == contract.id, ContractDay.day >= start,
               ContractDay.day <= end)
        .order_by(ContractDay.day)).all()
    expected = start
    for row in rows:
        if row.day != expected:
            break
        expected += timedelta(days=1)
    if expected <= end:
        raise _refusal(fields[0] if expected == start else fields[1], _unknown_message(expected))
    return [CalendarDay(row.day, row.kind, row.name, row.source) for row in rows]


def day_kind(contract: Contract, day: date) -> str:
    """The kind of one day of the contract's term (workday, adjusted_workday, weekend,
    holiday), read in the caller's transaction."""
    return days_between(contract, day, day, fields=("date", "date"))[0].kind


def is_working_day(contract: Contract, day: date) -> bool:
    return day_kind(contract, day) in WORKING_KINDS


def working_days(contract: Contract, start: date, end: date) -> list[date]:
    """The working days (adjusted ones included) from start to end, inclusive."""
    return [d.date for d in days_between(contract, start, end) if d.is_working_day]


# How far past a day the next working day is looked for: the longest run of days off in the
# State Council's notices is nine (Spring Festival with its weekends).
NEXT_WORKING_DAY_SEARCH = 31


def kind_beyond_term(contract: Contract, day: date, field: str = "date") -> str:
    """The kind of any day: the contract's frozen calendar within its term, the package's
    beyond it (a deadline may fall after the term's last day); a day nobody knows is refused,
    naming `field`."""
    if contract.start_date <= day <= contract.end_date:
        return days_between(contract, day, day, fields=(field, field))[0].kind
    known = official_day(day)
    if known is None:
        raise _refusal(field, _unknown_message(day))
    return known[0]


def next_working_day(contract: Contract, day: date, field: str = "date") -> date:
    """The first working day after `day` on the contract's calendar (adjusted working days,
    调休, included)."""
    for offset in range(1, NEXT_WORKING_DAY_SEARCH + 1):
        candidate = day + timedelta(days=offset)
        if kind_beyond_term(contract, candidate, field) in WORKING_KINDS:
            return candidate
    raise _refusal(field, f"{day.isoformat()} 之后 {NEXT_WORKING_DAY_SEARCH} 天内没有工作日")


def contract_by_key(key: str | None) -> Contract:
    """The contract named (a key nobody loaded is a fault of the `contract` parameter), or
    the one in force when none is."""
    from service.district.contracts import current_contract, find_contract
    if not key:
        return current_contract()
    try:
        return find_contract(key)
    except NotFoundError as error:
        raise _refusal("contract", error.message, RuleViolationError) from None


@reader
def calendar(start: date, end: date, contract_key: str | None = None, *,
             viewer: User) -> tuple[Contract, list[CalendarDay]]:
    """The days from start to end of a contract (the one in force by default) the viewer
    belongs to."""
    contract = contract_by_key(contract_key)
    require_member(viewer, contract)
    return contract, days_between(contract, start, end)


def _held_day(contract: Contract, day: date) -> ContractDay | None:
    return db.session.get(ContractDay, (contract.id, day))


@writer
def override_day(day: date, *, kind: str, reason: str, actor: User | None,
                 contract_key: str | None = None, name: str | None = None) -> CalendarDay:
    """Set one day's kind by hand (an admin, after a State Council notice the package does
    not have yet), within the contract's term; recorded with the reason."""
    if kind not in KINDS:
        raise _refusal("kind", f"日期类型未知：{kind}（可用：{'、'.join(KINDS)}）",
                       RuleViolationError)
    if not reason.strip():
        raise _refusal("reason", "请填写修改原因", RuleViolationError)
    contract = contract_by_key(contract_key)
    _check_in_term(contract, day, "date")
    lock_for_writing()
    held = _held_day(contract, day)
    before = ({"kind": held.kind, "name": held.name, "source": held.source}
              if held else None)
    if held is None:
        held = ContractDay(contract_id=contract.id, day=day, name="")
    held.kind, held.source = kind, OVERRIDE
    if name is not None:
        held.name = name
    # Two admins entering the same unknown day at once: the database decides, the second
    # is told to try again (PostgreSQL; SQLite's write lock already orders them).
    with conflicts_as("这一天正在被另一位管理员修改，请刷新后重试", "date"):
        db.session.add(held)
        db.session.flush()
    audit.record("contract_day", _entity_id(contract, day), "override", actor, {
        "contract": contract.key, "date": day.isoformat(), "before": before,
        "after": {"kind": kind, "name": held.name, "source": OVERRIDE}, "reason": reason})
    return CalendarDay(held.day, held.kind, held.name, held.source)


def _entity_id(contract: Contract, day: date) -> str:
    # audit_entries.entity_id holds 32 characters: the contract's id, not its key.
    return f"{contract.id}:{day.isoformat()}"


@reader
def day_history(day: date, contract_key: str | None = None, *, viewer: User) -> list:
    """The overrides of one day of a contract, oldest first."""
    contract = contract_by_key(contract_key)
    require_member(viewer, contract)
    return audit.history("contract_day", _entity_id(contract, day))

