"""Registered and verified users per community: storing the platform's counts (by API or file,
all or nothing), and the figures of streets and the district — each community's latest count
on or before a date, summed."""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Date, bindparam, case, delete, func, insert, select
from sqlalchemy.orm import aliased, selectinload

from exports.user_count_file import MAX_COUNT as MAX_COUNT  # the API's schemas take it here
from exports.user_count_file import (
    FileLimitError,
    ParsedFile,
    RawRow,
    RowError,
    UnreadableFileError,
    normalize_community_name,
    normalize_street_name,
    parse_user_count_file,
    shown,
)
from models import (
    Community,
    Contract,
    District,
    Street,
    StreetCountChange,
    User,
    UserCount,
    UserCountImport,
    db,
)
from service.clock import now_utc
from service.district.contracts import current_contract
from service.district.places import get_street
from service.district.scope import (
    communities_in,
    community_codes_of,
    district_asked,
    require_in_district,
    street_codes_of,
)
from service.errors import NotFoundError, RuleViolationError, UnreadableInputError, field_error
from service.pagination import Page, paginate
from service.progress.pace import elapsed_fraction, expected_level
from service.progress.pace import status as pace_status
from service.transaction import reader, writer

TARGET_KEY = "verified_users"
# An import records its totals in 32-bit integer columns (PostgreSQL's integer).
MAX_TOTAL = 2**31 - 1
# Rows listed in a refusal: enough to fix a file by, small enough to answer (a whole file of
# bad rows once made a 41 MB answer); the refusal also says how many there are.
MAX_LISTED_ERRORS = 100


@dataclass(frozen=True)
class CountItem:
    community_code: str
    registered: int
    verified: int


@dataclass
class ImportResult:
    date: date
    rows: int
    communities: int
    registered: int
    verified: int
    dry_run: bool
    import_id: int | None = None
    differences: list[dict] = field(default_factory=list)
    # Rows left out when the importer chose to store the rest (skip_refused), with why.
    refused_rows: int = 0
    refused: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Counts:
    registered: int = 0
    verified: int = 0


@dataclass(frozen=True)
class CommunityFigures:
    code: str
    name: str
    street_code: str
    now: Counts
    week_ago: Counts
    four_weeks_ago: Counts


class RowsRejectedError(RuleViolationError):
    """A file or batch with bad rows: the first bad rows are listed, with the number of
    errors, and nothing is stored."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"有 {len({e.row for e in errors})} 行数据有误，未导入任何数据",
                         {"rows": [{"row": e.row, "column": e.column, "reason": e.reason}
                                   for e in errors[:MAX_LISTED_ERRORS]],
                          "errors_total": len(errors)})

    location = "files"


class UploadRefusedError(RuleViolationError):
    """A spreadsheet past a limit (size, rows, cell length, totals): nothing is stored."""

    def __init__(self, message: str):
        super().__init__(message, {"file": [message]})

    location = "files"


class UnreadableUploadError(UnreadableInputError):
    """The upload is not a spreadsheet at all."""


# ---------------------------------------------------------------- storing counts

def _total_error(items: list[CountItem]) -> str | None:
    """Why the totals of these counts cannot be recorded, if they cannot."""
    for label, total in (("注册用户数", sum(i.registered for i in items)),
                         ("实名认证用户数", sum(i.verified for i in items))):
        if total > MAX_TOTAL:
            return f"{label}合计 {total:,} 超出可保存的范围（最多 {MAX_TOTAL:,}）"
    return None


def _replace(day: date, items: list[CountItem], record: UserCountImport,
             whole_date: bool) -> None:
    codes = [item.community_code for item in items]
    held_that_day = select(UserCount.community_code).where(UserCount.date == day)
    touched = set(codes) | (set(db.session.scalars(held_that_day)) if whole_date else set())
    stale = delete(UserCount).where(UserCount.date == day)
    db.session.execute(stale if whole_date else stale.where(UserCount.community_code.in_(codes)))
    db.session.execute(insert(UserCount), [
        {"community_code": i.community_code, "date": day, "registered": i.registered,
         "verified": i.verified, "import_id": record.id} for i in items])
    _refresh_street_changes(day, touched)


# ---------------------------------------------------------------- street summaries

def _refresh_street_changes(day: date, touched: set[str]) -> None:
    """Recount, from the raw counts, the street changes a write of `day` for these communities
    can move: on `day` itself, and on each one's next count date (whose previous count it
    was). Counted from the rows, never adjusted by difference, so a summary cannot drift."""
    if not touched:
        return
    pairs = {(day, street) for street in db.session.scalars(
        select(Community.street_code).distinct().where(Community.code.in_(touched)))}
    following = (select(UserCount.community_code, func.min(UserCount.date).label("next_day"))
                 .where(UserCount.community_code.in_(touched), UserCount.date > day)
                 .group_by(UserCount.community_code)).subquery()
    pairs |= set(db.session.execute(
        select(following.c.next_day, Community.street_code)
        .join(Community, Community.code == following.c.community_code)).all())
    by_day: dict[date, set[str]] = {}
    for when, street in pairs:
        by_day.setdefault(when, set()).add(street)
    for when, streets in by_day.items():
        db.session.execute(delete(StreetCountChange).where(
            StreetCountChange.date == when, StreetCountChange.street_code.in_(streets)))
        rows = [{"street_code": street, "date": when, "registered": registered,
                 "verified": verified}
                for street, registered, verified in db.session.execute(
                    _street_changes_on(when).where(Community.street_code.in_(streets)))]
        if rows:
            db.session.execute(insert(StreetCountChange), rows)


def _street_changes_on(day: date):
    """Per street, the change of its sum of latest counts on `day` (one index seek per
    community with a count that day for its previous count)."""
    previous = aliased(UserCount)
    previous_id = (select(previous.id)
                   .where(previous.community_code == UserCount.community_code,
                          previous.date < day)
                   .order_by(previous.date.desc()).limit(1)
                   .correlate(UserCount).scalar_subquery())
    before = aliased(UserCount)
    return (select(Community.street_code,
                   func.sum(UserCount.registered - func.coalesce(before.registered, 0)),
                   func.sum(UserCount.verified - func.coalesce(before.verified, 0)))
            .join(Community, Community.code == UserCount.community_code)
            .outerjoin(before, before.id == previous_id)
            .where(UserCount.date == day)
            .group_by(Community.street_code))


def rebuild_street_changes() -> int:
    """Every street change recounted from all the raw counts (after a bulk load that did not
    go through the import, e.g. a benchmark's); the caller declares the transaction."""
    db.session.execute(delete(StreetCountChange))
    changes = _community_changes().subquery()
    rows = db.session.execute(
        select(Community.street_code, changes.c.day, func.sum(changes.c.registered),
               func.sum(changes.c.verified))
        .join(Community, Community.code == changes.c.community_code)
        .group_by(Community.street_code, changes.c.day)).all()
    if rows:
        db.session.execute(insert(StreetCountChange), [
            {"street_code": street, "date": day, "registered": registered, "verified": verified}
            for street, day, registered, verified in rows])
    return len(rows)


def _community_changes():
    """Each count minus the community's previous one (so a missing date simply carries the
    last count forward)."""
    previous = func.lag(UserCount.registered, 1, 0).over(
        partition_by=UserCount.community_code, order_by=UserCount.date)
    previous_verified = func.lag(UserCount.verified, 1, 0).over(
        partition_by=UserCount.community_code, order_by=UserCount.date)
    return select(UserCount.community_code, UserCount.date.label("day"),
                  (UserCount.registered - previous).label("registered"),
                  (UserCount.verified - previous_verified).label("verified"))


def store_counts(*, actor: User | None, day: date, items: list[CountItem], source: str,
                 filename: str | None = None, checksum: str | None = None,
                 whole_date: bool = False, now: datetime | None = None,
                 refused_rows: int = 0, refusals: list[dict] | None = None
                 ) -> UserCountImport:
    """Store one date's counts (replacing what that date had), recorded as an import."""
    record = UserCountImport(date=day, source=source, filename=filename, checksum=checksum,
                             rows=len(items), registered=sum(i.registered for i in items),
                             verified=sum(i.verified for i in items),
                             refused_rows=refused_rows, refusals=refusals,
                             actor_id=actor.id if actor else None, at=now or now_utc())
    db.session.add(record)
    db.session.flush()
    _replace(day, items, record, whole_date)
    return record


@writer
def post_counts(*, actor: User, day: date, items: list[dict], source: str = "api",
                now: datetime | None = None) -> UserCountImport:
    """Counts sent over the API (or made for the demo year): each named community's count on
    the date is replaced."""
    known = set(db.session.scalars(select(Community.code)))
    errors, seen = {}, set()
    for index, item in enumerate(items):
        code = item["community_code"]
        if code not in known:
            errors[f"items.{index}.community_code"] = [f"未知社区编码：{code}"]
        elif code in seen:
            errors[f"items.{index}.community_code"] = [f"社区重复：{code}"]
        if item["verified"] > item["registered"]:
            errors[f"items.{index}.verified"] = ["实名认证用户数不能大于注册用户数"]
        seen.add(code)
    if errors:
        raise RuleViolationError("数据有误，未保存任何数据", errors)
    counts = [CountItem(i["community_code"], i["registered"], i["verified"]) for i in items]
    if message := _total_error(counts):
        raise field_error("items", message)
    return store_counts(actor=actor, day=day, source=source, items=counts, now=now)


# ---------------------------------------------------------------- importing files

class _CommunityIndex:
    """Finds a community from a file row: by code, else by name (within the street when the
    name alone is ambiguous)."""

    def __init__(self):
        rows = db.session.execute(
            select(Community.code, Community.name, Street.name).join(Community.street)).all()
        self.codes = {code for code, _, _ in rows}
        self.by_name: dict[str, list[tuple[str, str]]] = {}
        for code, name, street in rows:
            self.by_name.setdefault(normalize_community_name(name), []).append(
                (code, normalize_street_name(street)))

    def find(self, row: RawRow) -> tuple[str | None, RowError | None]:
        if row.community_code:
            if row.community_code in self.codes:
                return row.community_code, None
            return None, RowError(row.row, "社区编码", f"未知社区编码：{shown(row.community_code)}")
        candidates = self.by_name.get(normalize_community_name(row.community or ""), [])
        if row.street and len(candidates) > 1:
            street = normalize_street_name(row.street)
            candidates = [c for c in candidates if c[1] == street]
        if len(candidates) == 1:
            return candidates[0][0], None
        if not candidates:
            return None, RowError(row.row, "社区", f"找不到社区：{shown(row.community)}")
        return None, RowError(row.row, "社区",
                              f"社区名称不唯一，请填写街道或社区编码：{shown(row.community)}")


def match_rows(parsed: ParsedFile, progress: Callable[[Iterable], Iterable] = iter
               ) -> tuple[list[CountItem], list[RowError]]:
    """Count items for the parsed rows, and every row that cannot be taken."""
    index = _CommunityIndex()
    errors = list(parsed.errors)
    bad_rows = {e.row for e in errors}
    items, first_row_of = [], {}
    for row in progress(parsed.rows):
        code, error = index.find(row)
        if error:
            errors.append(error)
            continue
        if code in first_row_of:
            errors.append(RowError(row.row, "社区",
                                   f"社区重复出现（第 {first_row_of[code]} 行已有）"))
            continue
        first_row_of[code] = row.row
        if row.row not in bad_rows:
            items.append(CountItem(code, row.registered, row.verified))
    return items, sorted(errors, key=lambda e: (e.row or 0, e.column or ""))


def _differences(day: date, items: list[CountItem]) -> list[dict]:
    """The communities whose counts the import changes, the largest change (of verified
    users, then of registered users) first."""
    before = latest_counts(day)
    names = dict(db.session.execute(select(Community.code, Community.name)).all())
    changes = [{"community_code": i.community_code, "community_name": names[i.community_code],
                "registered_before": before.get(i.community_code, Counts()).registered,
                "registered": i.registered,
                "verified_before": before.get(i.community_code, Counts()).verified,
                "verified": i.verified}
               for i in items
               if before.get(i.community_code) != Counts(i.registered, i.verified)]
    return sorted(changes, key=lambda c: (-abs(c["verified"] - c["verified_before"]),
                                          -abs(c["registered"] - c["registered_before"]),
                                          c["community_code"]))


@writer
def import_file(*, actor: User | None, data: bytes, filename: str, day: date | None = None,
                dry_run: bool = False, skip_refused: bool = False, source: str = "file",
                progress: Callable[[Iterable], Iterable] = iter,
                now: datetime | None = None) -> ImportResult:
    """Check a platform export and, unless it has any bad row or this is a dry run, store it
    as the date's counts. All or nothing: a dry run refuses exactly what an import would.
    With `skip_refused` the bad rows are listed instead and the good ones stored (replacing
    only their communities' counts on the date, since the file no longer speaks for the
    whole district); the import keeps the list. The file is read, matched and compared
    before anything is written: the write lock is held only for storing the rows."""
    try:
        parsed = parse_user_count_file(data, filename)
    except UnreadableFileError as error:
        raise UnreadableUploadError(str(error), {"file": [str(error)]}) from None
    except FileLimitError as error:
        raise UploadRefusedError(str(error)) from None
    day = day or parsed.stated_date
    if day is None:
        raise field_error("date", "文件中没有统计日期，请填写 date")
    contract = current_contract()
    if day < contract.start_date - timedelta(days=366) or day > (now or now_utc()).date() + \
            timedelta(days=1):
        raise field_error("date", f"统计日期不合理：{day.isoformat()}")
    items, errors = match_rows(parsed, progress)
    if errors and not skip_refused:
        raise RowsRejectedError(errors)
    if errors and not items:
        raise UploadRefusedError("文件中没有可以导入的行，请看每一行的原因")
    if message := _total_error(items):
        raise UploadRefusedError(message)
    refused = [{"row": e.row, "column": e.column, "reason": e.reason}
               for e in errors[:MAX_LISTED_ERRORS]]
    refused_rows = len({e.row for e in errors})
    result = ImportResult(date=day, rows=len(parsed.rows), communities=len(items),
                          registered=sum(i.registered for i in items),
                          verified=sum(i.verified for i in items), dry_run=dry_run,
                          differences=_differences(day, items), refused_rows=refused_rows,
                          refused=refused)
    if not dry_run:
        record = store_counts(actor=actor, day=day, items=items, source=source,
                              filename=filename, checksum=hashlib.sha256(data).hexdigest(),
                              whole_date=not errors, now=now, refused_rows=refused_rows,
                              refusals=refused or None)
        result.import_id = record.id
    return result


@reader
def list_imports(*, page: int = 1, per_page: int = 50) -> Page:
    query = (select(UserCountImport).options(selectinload(UserCountImport.actor))
             .order_by(UserCountImport.at.desc(), UserCountImport.id.desc()))
    return paginate(query, page, per_page)


@reader
def import_detail(import_id: int) -> dict:
    """One import: who, when, which file, its totals, the rows it skipped, and the counts it
    stored per community (those still held: a later import of the same date replaces them)."""
    record = db.session.get(UserCountImport, import_id)
    if record is None:
        raise NotFoundError(f"导入记录不存在：{import_id}")
    counts = db.session.execute(
        select(UserCount.community_code, Community.name, Street.name, UserCount.registered,
               UserCount.verified)
        .join(Community, Community.code == UserCount.community_code)
        .join(Street, Street.code == Community.street_code)
        .where(UserCount.import_id == record.id).order_by(UserCount.community_code)).all()
    return {"record": record, "refusals": record.refusals or [],
            "counts": [{"community_code": code, "community_name": name, "street_name": street,
                        "registered": registered, "verified": verified}
                       for code, name, street, registered, verified in counts]}


# ---------------------------------------------------------------- figures

def _latest_id_on(day: date, counts=UserCount):
    """Correlated: the id of a community's latest count on or before `day` (an index seek on
    (community_code, date) per community)."""
    return (select(counts.id)
            .where(counts.community_code == Community.code, counts.date <= day)
            .order_by(counts.date.desc()).limit(1)
            .correlate(Community).scalar_subquery())


def _latest_rows_statement(*, filtered: bool):
    """Each community's latest count on or before :day (of the :codes when `filtered`): the
    counts of the latest day with any count on or before :day (nobody has a later one, so
    theirs is each one's latest) from one covering index range, then, for the communities
    without one that day, an index seek back through their earlier counts. Built once: the
    dashboard reads it four times a request."""
    day = bindparam("day", type_=Date)
    columns = (UserCount.community_code, UserCount.date, UserCount.registered,
               UserCount.verified)
    # Not :day itself: before a day's export arrives (or after the counts end), that day
    # has no counts and every community was sought one by one (58 ms at 3,400 communities).
    last_day = (select(UserCount.date).where(UserCount.date <= day)
                .order_by(UserCount.date.desc()).limit(1).scalar_subquery())
    that_day = select(*columns).where(UserCount.date == last_day)
    none_that_day = ~select(UserCount.id).where(UserCount.community_code == Community.code,
                                                UserCount.date == last_day).exists()
    # The latest id per community first, then the rows by primary key: joined directly on
    # the correlated id, PostgreSQL hashes the whole table (2.3 s at 1.2 million rows).
    earlier = (select(Community.code.label("code"), _latest_id_on(day).label("latest_id"))
               .where(none_that_day))
    if filtered:
        codes = bindparam("codes", expanding=True)
        that_day = that_day.where(UserCount.community_code.in_(codes))
        earlier = earlier.where(Community.code.in_(codes))
    earlier = earlier.subquery()
    return that_day.union_all(select(*columns).join(earlier,
                                                    UserCount.id == earlier.c.latest_id))


_LATEST_ROWS = {filtered: _latest_rows_statement(filtered=filtered) for filtered in (False, True)}


def _latest_rows(day: date, community_codes: Iterable[str] | None = None
                 ) -> dict[str, tuple[date, int, int]]:
    """Each community's latest count on or before `day` as (date, registered, verified),
    communities without one left out. Counts come daily, so only the communities without a
    count that day are sought one by one: a seek for every community was most of the
    dashboard's time at 3,400."""
    filtered = community_codes is not None
    params = {"day": day, **({"codes": sorted(set(community_codes))} if filtered else {})}
    return {code: (when, r, v) for code, when, r, v
            in db.session.execute(_LATEST_ROWS[filtered], params)}


def latest_counts(day: date, community_codes: Iterable[str] | None = None) -> dict[str, Counts]:
    """Each community's latest count on or before `day` (communities without one left out)."""
    return {code: Counts(r, v) for code, (_when, r, v)
            in _latest_rows(day, community_codes).items()}


def latest_count_rows(day: date) -> list[tuple]:
    """Each community's latest count on or before `day` with its date, by street and community
    code: (street code, community code, community name, date, registered, verified); their sum
    is district_totals_on's."""
    latest = _latest_rows(day)
    places = db.session.execute(select(Community.street_code, Community.code, Community.name)
                                .order_by(Community.street_code, Community.code))
    return [(street, code, name, *latest[code]) for street, code, name in places
            if code in latest]


def district_totals_on(day: date) -> Counts:
    """Every held district's registered and verified users on `day` (the sum of the latest
    counts), added up from the street summaries the imports keep: one pass over a row per
    street and day with counts, not a seek per community (twice a request in targets)."""
    registered, verified = db.session.execute(
        select(func.coalesce(func.sum(StreetCountChange.registered), 0),
               func.coalesce(func.sum(StreetCountChange.verified), 0))
        .where(StreetCountChange.date <= day)).one()
    return Counts(int(registered), int(verified))


def community_figures(day: date) -> dict[str, CommunityFigures]:
    """Every community's counts on `day`, 7 days and 28 days before (zero where none)."""
    now, week, month = (latest_counts(when) for when in
                        (day, day - timedelta(days=7), day - timedelta(days=28)))
    nothing = Counts(0, 0)
    return {code: CommunityFigures(code, name, street, now.get(code, nothing),
                                   week.get(code, nothing), month.get(code, nothing))
            for code, name, street in db.session.execute(
                select(Community.code, Community.name, Community.street_code)
                .order_by(Community.code))}


def apportion(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split a whole number by weights so the parts add up exactly (largest remainder)."""
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        return {key: 0 for key in weights}
    exact = {key: total * w / weight_sum for key, w in weights.items()}
    parts = {key: int(value) for key, value in exact.items()}
    short = total - sum(parts.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - parts[k]), k))[:short]:
        parts[key] += 1
    return parts


def _target_shares(contract: Contract, rule: str, community_counts: dict[str, int],
                   total: int | None) -> dict[str, int]:
    """Each place's share of the verified-users target (or of `total`): the contract's own
    split (`rules.<rule>`), else proportional to its number of communities."""
    given = (contract.rules.get(rule) or {}).get(TARGET_KEY)
    if given:
        return {code: int(given.get(code, 0)) for code in community_counts}
    if total is None:
        target = contract.target(TARGET_KEY)
        total = int(target.target) if target else 0
    return apportion(total, community_counts)


def street_targets(contract: Contract, community_counts: dict[str, int],
                   total: int | None = None) -> dict[str, int]:
    """Each street's share of the verified-users target (or of `total`, its district's)."""
    return _target_shares(contract, "street_shares", community_counts, total)


# ---------------------------------------------------------------- dashboard

@dataclass
class Pace:
    """Where places stood at the contract's start and how much of it has gone by."""
    baselines: dict[str, Counts]
    fraction: float

    def of(self, codes: Iterable[str], verified: int, target: int) -> dict:
        """A community's or street's expected level by now and its status against its own
        target."""
        baseline = sum(self.baselines[code].verified for code in codes if code in self.baselines)
        return self.from_baseline(baseline, verified, target)

    def from_baseline(self, baseline: int, verified: int, target: int) -> dict:
        """A place's expected level by now and its status, from its verified users at the
        contract's start."""
        expected = expected_level(baseline, target, self.fraction)
        return {"target": target, "progress": _progress(verified, target),
                "expected": expected, "pace": pace_status(verified, target, expected)}


def _ranked(figures: list[CommunityFigures], street_target: int, pace: Pace) -> list[dict]:
    """A street's communities, most verified users first, each with its even share of the
    street's target (the same rule that shares the district's target among streets)."""
    ordered = sorted(figures, key=lambda f: (-f.now.verified, f.code))
    shares = apportion(street_target, {f.code: 1 for f in figures})
    return [{"code": f.code, "name": f.name, "rank": rank, "verified": f.now.verified,
             "registered": f.now.registered,
             "growth_1w": f.now.verified - f.week_ago.verified,
             **pace.of([f.code], f.now.verified, shares[f.code])}
            for rank, f in enumerate(ordered, start=1)]


def _progress(actual: int, target: int) -> float | None:
    return round(actual / target, 4) if target else None


def _needed_weekly(remaining: int, as_of: date, end: date) -> int | None:
    if remaining <= 0:
        return 0
    days_left = (end - as_of).days
    return -(-remaining * 7 // days_left) if days_left > 0 else None


def _projected_date(verified: int, target: int, growth_4w: int, as_of: date) -> date | None:
    if target and verified >= target:
        return as_of
    if growth_4w <= 0:
        return None
    return as_of + timedelta(days=-(-(target - verified) * 28 // growth_4w))


def _district_rows() -> list[tuple[str, str, int]]:
    """Every district held: (code, name, number of communities), in code order."""
    counts = (select(Street.district_code, func.count(Community.code).label("n"))
              .join(Community, Community.street_code == Street.code)
              .group_by(Street.district_code).subquery())
    return [(code, name, int(n)) for code, name, n in db.session.execute(
        select(District.code, District.name, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.district_code == District.code).order_by(District.code))]


def district_targets(contract: Contract, community_counts: dict[str, int]) -> dict[str, int]:
    """Each district's share of the verified-users target (all of it when one district is
    held)."""
    return _target_shares(contract, "district_shares", community_counts, None)


def district_share(contract: Contract, district_code: str) -> int:
    """One district's share of the verified-users target (what its overview and its weekly
    workbook measure it against)."""
    return district_targets(contract, {code: n for code, _name, n in _district_rows()}
                            ).get(district_code, 0)


@dataclass
class _Headline:
    """What the top of a dashboard says about a place against its target."""
    as_of: date
    contract: Contract
    target: int
    now: Counts
    week_ago: int
    four_weeks_ago: int

    def figures(self) -> dict:
        verified = self.now.verified
        growth_4w = verified - self.four_weeks_ago
        return {"as_of": self.as_of, "verified": verified, "registered": self.now.registered,
                "target": self.target, "progress": _progress(verified, self.target),
                "growth_1w": verified - self.week_ago, "growth_4w": growth_4w,
                "needed_weekly": _needed_weekly(self.target - verified, self.as_of,
                                                self.contract.end_date),
                "projected_date": _projected_date(verified, self.target, growth_4w,
                                                  self.as_of),
                "contract_end": self.contract.end_date}


def _street_sums(days: list[date]) -> dict[str, list[Counts]]:
    """Each street's sum of latest counts on each of `days`, added up from the street
    summaries the imports keep (one pass over them, not over every community's counts)."""
    columns = []
    for day in days:
        within = StreetCountChange.date <= day
        columns += [func.sum(case((within, StreetCountChange.registered), else_=0)),
                    func.sum(case((within, StreetCountChange.verified), else_=0))]
    query = (select(StreetCountChange.street_code, *columns)
             .where(StreetCountChange.date <= max(days))
             .group_by(StreetCountChange.street_code))
    return {row[0]: [Counts(int(row[1 + 2 * i]), int(row[2 + 2 * i]))
                     for i in range(len(days))]
            for row in db.session.execute(query)}


def _city_dashboard(contract: Contract, as_of: date, target: int,
                    rows: list[tuple[str, str, int]], shares: dict[str, int]) -> dict:
    """The city's overview: every district rolled up from its streets' summaries, the way a
    district's overview rolls up its streets (no communities: a district is opened for
    those)."""
    days = [as_of, as_of - timedelta(days=7), as_of - timedelta(days=28), contract.start_date]
    sums = _street_sums(days)
    nothing = [Counts(0, 0)] * len(days)
    by_district: dict[str, list[list[Counts]]] = {}
    for street, district in db.session.execute(select(Street.code, Street.district_code)):
        by_district.setdefault(district, []).append(sums.get(street, nothing))
    pace = Pace({}, elapsed_fraction(contract, as_of))

    def total(district: str, when: int, attr: str) -> int:
        return sum(getattr(street[when], attr) for street in by_district.get(district, []))
    city = [sum(total(code, when, attr) for code, _n, _c in rows)
            for when in range(len(days)) for attr in ("registered", "verified")]
    verified = city[1]
    districts = []
    for code, name, communities in rows:
        district_verified = total(code, 0, "verified")
        districts.append({
            "code": code, "name": name, "communities": communities,
            "streets": len(by_district.get(code, [])),
            "verified": district_verified, "registered": total(code, 0, "registered"),
            "growth_1w": district_verified - total(code, 1, "verified"),
            "growth_4w": district_verified - total(code, 2, "verified"),
            "share": round(district_verified / verified, 4) if verified else 0.0,
            **pace.from_baseline(total(code, 3, "verified"), district_verified,
                                 shares[code])})
    headline = _Headline(as_of, contract, target, Counts(city[0], verified), city[3], city[5])
    return {"scope": "city", "district": None, **headline.figures(), "districts": districts,
            "streets": []}


def _district_dashboard(contract: Contract, as_of: date, district: District,
                        target: int, several: bool) -> dict:
    """A district's overview: each street with its communities ranked. With several
    districts held, only this one's communities are read."""
    codes = (db.session.scalars(community_codes_of(district.code)).all() if several else None)
    now, week, month = (latest_counts(when, codes) for when in
                        (as_of, as_of - timedelta(days=7), as_of - timedelta(days=28)))
    nothing = Counts(0, 0)
    query = (select(Community.code, Community.name, Community.street_code)
             .order_by(Community.code))
    if several:
        query = query.where(communities_in(district.code))
    figures = [CommunityFigures(code, name, street, now.get(code, nothing),
                                week.get(code, nothing), month.get(code, nothing))
               for code, name, street in db.session.execute(query)]
    streets = db.session.execute(select(Street.code, Street.name)
                                 .where(Street.district_code == district.code)
                                 .order_by(Street.code)).all()
    by_street: dict[str, list[CommunityFigures]] = {code: [] for code, _ in streets}
    for figure in figures:
        by_street[figure.street_code].append(figure)
    shares = street_targets(contract, {code: len(items) for code, items in by_street.items()},
                            total=target)
    pace = Pace(latest_counts(contract.start_date, codes), elapsed_fraction(contract, as_of))

    def total(items, attr, counts):
        return sum(getattr(getattr(f, counts), attr) for f in items)
    verified = total(figures, "verified", "now")
    street_items = []
    for code, name in streets:
        items = by_street[code]
        street_verified = total(items, "verified", "now")
        street_items.append({
            "code": code, "name": name, "verified": street_verified,
            "registered": total(items, "registered", "now"),
            "growth_1w": street_verified - total(items, "verified", "week_ago"),
            "growth_4w": street_verified - total(items, "verified", "four_weeks_ago"),
            "share": round(street_verified / verified, 4) if verified else 0.0,
            **pace.of([f.code for f in items], street_verified, shares[code]),
            "communities": _ranked(items, shares[code], pace)})
    headline = _Headline(as_of, contract, target,
                         Counts(total(figures, "registered", "now"), verified),
                         total(figures, "verified", "week_ago"),
                         total(figures, "verified", "four_weeks_ago"))
    return {"scope": "district", "district": {"code": district.code, "name": district.name},
            **headline.figures(), "streets": street_items}


@reader
def users_dashboard(as_of: date | None, *, today: date | None = None,
                    actor: User | None = None, district: str | None = None) -> dict:
    """Where a district stands on verified users against its target, how fast it moves, and
    every street with its communities ranked; or, when several districts are held and none
    is asked for, the city's overview with every district. Without as_of: today, or the
    contract's last day once it has ended. An official scoped to a district reads theirs."""
    district_code = district_asked(actor, district) if actor else district
    contract = current_contract()
    as_of = as_of or min(today or now_utc().date(), contract.end_date)
    rows = _district_rows()
    if not rows:
        raise NotFoundError("尚未载入区的数据（flask seed-district）")
    shares = district_targets(contract, {code: n for code, _name, n in rows})
    if district_code is None and len(rows) > 1:
        target_row = contract.target(TARGET_KEY)
        return _city_dashboard(contract, as_of, int(target_row.target) if target_row else 0,
                               rows, shares)
    district = db.session.get(District, district_code or rows[0][0])
    return _district_dashboard(contract, as_of, district, shares[district.code],
                               several=len(rows) > 1)


def _daily_changes(to_date: date, *, street_code: str | None = None,
                   community_code: str | None = None, district_code: str | None = None
                   ) -> list[tuple[date, int, int]]:
    """Per date, how much the sum of latest counts moves: a community's from its own counts,
    a street's, a district's and the city's from the street summaries the imports keep."""
    if community_code:
        changes = _community_changes().where(UserCount.community_code == community_code,
                                             UserCount.date <= to_date).subquery()
        query = select(changes.c.day, changes.c.registered, changes.c.verified)
    else:
        query = (select(StreetCountChange.date, func.sum(StreetCountChange.registered),
                        func.sum(StreetCountChange.verified))
                 .where(StreetCountChange.date <= to_date)
                 .group_by(StreetCountChange.date))
        if street_code:
            query = query.where(StreetCountChange.street_code == street_code)
        elif district_code:
            query = query.where(StreetCountChange.street_code.in_(street_codes_of(district_code)))
    query = query.order_by(query.selected_columns[0])
    return [(day, int(r), int(v)) for day, r, v in db.session.execute(query)]


@reader
def users_series(*, today: date, from_date: date | None = None, to_date: date | None = None,
                 step: str = "day", street_code: str | None = None,
                 community_code: str | None = None, actor: User | None = None,
                 district: str | None = None) -> list[dict]:
    """Registered and verified over time (the sum-of-latest rule at each date) for every
    district held, one district, a street or a community; by default over the contract up
    to today. An official scoped to a district reads their district's places only."""
    district_code = district_asked(actor, district) if actor else district
    require_in_district(district_code, street_code=street_code, community_code=community_code)
    contract = current_contract()
    from_date = from_date or contract.start_date
    to_date = to_date or min(today, contract.end_date)
    if to_date < from_date:
        raise field_error("to", "结束日期不能早于开始日期")
    if (to_date - from_date).days > 366 * 5:
        raise field_error("from", "时间范围不能超过 5 年")
    if street_code and not community_code:
        get_street(street_code)
    changes = iter(_daily_changes(to_date, street_code=street_code,
                                  community_code=community_code, district_code=district_code))
    pending = next(changes, None)
    registered = verified = 0
    points, day = [], from_date
    stride = timedelta(days=7 if step == "week" else 1)
    while day <= to_date:
        while pending is not None and pending[0] <= day:
            registered, verified = registered + pending[1], verified + pending[2]
            pending = next(changes, None)
        points.append({"date": day, "registered": registered, "verified": verified})
        day += stride
    return points
