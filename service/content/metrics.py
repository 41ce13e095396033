"""Channel metrics of a content contract (issue #18 point 2): each channel's daily snapshot
(followers; the day's new followers, unfollows, reads, shares, interactions) and each
publication's (its reads, shares and likes so far), entered by hand or imported from the
platforms' exports, and read back as series and as the latest figures per publication.

Who writes: admins and the contract's editors' lead (编辑组长), who holds the platforms' back
ends; every other member reads. A snapshot written again for the same channel (or publication)
and day replaces the older one: the platform's later export is the better figure. The record
of each write (`MetricImport`) keeps who wrote what when and from which file, and the audit
keeps every replaced snapshot's figures (entity `channel_metric` / `publication_metric`, id
`<channel or publication id>/<day>`). Imports are all or nothing with the refused rows listed,
by the user-count import's machinery (its file reader, its refusals)."""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, delete, func, insert, or_, select

from exports.metrics_file import (
    CHANNEL_FILE,
    PUBLICATION_FILE,
    MetricRow,
    parse_metric_file,
)
from exports.user_count_file import FileLimitError, RowError, UnreadableFileError, shown
from models import (
    ChannelMetric,
    Content,
    Contract,
    ContractChannel,
    MetricImport,
    Publication,
    PublicationMetric,
    User,
    db,
)
from models.metrics import CHANNEL_FIGURES, FOLLOWER_SOURCES, PUBLICATION_FIGURES
from service import audit
from service.clock import local_today
from service.content.channels import member_channel
from service.district.contract_members import (
    MemberRole,
    member_record,
    require_contract_role,
    require_member,
)
from service.district.contracts import find_contract
from service.errors import RuleViolationError, field_error, named_in_body
from service.pagination import Page, paginate
from service.progress.user_counts import (
    MAX_LISTED_ERRORS,
    RowsRejectedError,
    UnreadableUploadError,
    UploadRefusedError,
)
from service.transaction import conflicts_as, lock_for_writing, reader, writer

# Who may write metrics besides admins: the editors' lead, who holds the platforms' back ends.
METRIC_WRITERS = (MemberRole.EDITOR_LEAD,)
# How a period of a series takes its figures from the daily snapshots. A stock (followers) is
# a level: the period's value is its last day's (the latest snapshot on or before the period's
# last day). A flow (reads, …) happens day by day: the period's value is the sum of its days.
STOCK_FIGURES = ("followers",)
FLOW_FIGURES = ("new_followers", "unfollows", "reads", "shares", "interactions")
STEPS = ("day", "week", "month")
# The sources of new followers (FOLLOWER_SOURCES), as people read them.
SOURCE_LABELS = {"search": "搜一搜", "qr_code": "扫描二维码", "article": "图文页",
                 "card": "名片分享", "video": "视频号", "other": "其他"}
# A series answers at most this many days (the term is a year).
MAX_SERIES_DAYS = 800


@dataclass(frozen=True)
class Snapshot:
    """One channel's (or publication's) figures on one day, to be stored."""

    owner_id: int  # the channel's or the publication's id
    day: date
    figures: dict[str, int]
    row: int | None = None  # the file's row it came from


@dataclass
class MetricsWrite:
    """What a write (or a dry run) stores: how many snapshots, how many replace older ones,
    and the first of those with their figures before and after."""

    kind: str
    rows: int
    snapshots: int
    replaced: int
    dry_run: bool
    import_id: int | None = None
    replacements: list[dict] = field(default_factory=list)


# ---------------------------------------------------------------- storing snapshots

@dataclass(frozen=True)
class _Store:
    """Where one kind of snapshot lives."""

    kind: str
    model: type
    owner: str  # the owner's column
    figures: tuple[str, ...]
    entity: str

    def whole(self, snapshot: Snapshot) -> dict:
        """The snapshot's figures, those it need not give (the follower sources) as None."""
        return {**dict.fromkeys(self.figures), **snapshot.figures}


# The follower sources are kept with a channel's figures (and replaced with them).
CHANNEL_STORE = _Store("channel", ChannelMetric, "channel_id",
                       (*CHANNEL_FIGURES, "follower_sources"), "channel_metric")
PUBLICATION_STORE = _Store("publication", PublicationMetric, "publication_id",
                           PUBLICATION_FIGURES, "publication_metric")


def _held(store: _Store, snapshots: list[Snapshot]) -> dict[tuple[int, date], object]:
    """The snapshots already stored for the same owners and days."""
    if not snapshots:
        return {}
    owner = getattr(store.model, store.owner)
    keys = {(s.owner_id, s.day) for s in snapshots}
    owners = {owner_id for owner_id, _ in keys}
    days = [day for _, day in keys]
    rows = db.session.scalars(select(store.model).where(
        owner.in_(owners), store.model.day >= min(days), store.model.day <= max(days)))
    return {(getattr(r, store.owner), r.day): r for r in rows
            if (getattr(r, store.owner), r.day) in keys}


def _replacements(store: _Store, snapshots: list[Snapshot], held: dict) -> list[dict]:
    listed = []
    for snapshot in snapshots:
        before = held.get((snapshot.owner_id, snapshot.day))
        if before is not None:
            listed.append({"owner_id": snapshot.owner_id, "day": snapshot.day,
                           "row": snapshot.row,
                           "before": {name: getattr(before, name) for name in store.figures},
                           "after": store.whole(snapshot)})
    return listed


def store_snapshots(store: _Store, *, contract: Contract, actor: User | None,
                    snapshots: list[Snapshot], source: str, filename: str | None = None,
                    checksum: str | None = None, dry_run: bool = False,
                    now: datetime | None = None) -> MetricsWrite:
    """Store snapshots (replacing those of the same owner and day), recorded as one import;
    a replaced snapshot's figures go to the audit. The caller declares the transaction."""
    if not dry_run:
        # What is replaced must be what is there when the rows go in: read under the lock.
        lock_for_writing()
    held = _held(store, snapshots)
    replacements = _replacements(store, snapshots, held)
    result = MetricsWrite(kind=store.kind, rows=len(snapshots), snapshots=len(snapshots),
                          replaced=len(replacements), dry_run=dry_run,
                          replacements=replacements[:MAX_LISTED_ERRORS])
    if dry_run:
        return result
    record = MetricImport(contract_id=contract.id, kind=store.kind, source=source,
                          filename=filename, checksum=checksum, rows=len(snapshots),
                          replaced=len(replacements), actor_id=actor.id if actor else None)
    if now is not None:
        record.at = now
    db.session.add(record)
    db.session.flush()
    # PostgreSQL: another write of the same day committed meanwhile is refused, not merged.
    with conflicts_as("同一天的数据刚被另一次录入或导入写入，请重试"):
        if held:
            db.session.execute(delete(store.model).where(
                store.model.id.in_([row.id for row in held.values()])))
        if snapshots:
            db.session.execute(insert(store.model), [
                {store.owner: s.owner_id, "day": s.day, "import_id": record.id,
                 **store.whole(s)} for s in snapshots])
    for replaced in replacements:
        changes = audit.diff(replaced["before"], replaced["after"])
        audit.record(store.entity, f"{replaced['owner_id']}/{replaced['day'].isoformat()}",
                     "replace", actor, {"import_id": record.id, **changes}, now)
    result.import_id = record.id
    return result


def _writable_contract(actor: User, contract: Contract) -> None:
    require_contract_role(actor, contract, *METRIC_WRITERS)


def refusal(field: str, message: str, location: str) -> RuleViolationError:
    """A rule violation naming a field sent in the query or the path, not the body."""
    error = field_error(field, message)
    error.location = location
    return error


def _check_day(contract: Contract, day: date, today: date) -> None:
    """The day of a channel's snapshot (in the path): within the term, not after today."""
    if day > today:
        raise refusal("date", f"日期不能晚于今天（{today.isoformat()}）", "path")
    if not contract.start_date <= day <= contract.end_date:
        raise refusal("date", f"日期不在合同期内（{contract.start_date} 至 "
                              f"{contract.end_date}）", "path")


@writer
def enter_channel_metrics(*, actor: User, channel_id: int, day: date, figures: dict,
                          today: date | None = None, now: datetime | None = None) -> dict:
    """A channel's figures of one day entered by hand (admins, the editors' lead); a snapshot
    of that day already stored is replaced (its figures kept in the audit)."""
    channel = member_channel(channel_id, actor)
    _writable_contract(actor, channel.contract)
    _check_day(channel.contract, day, today or local_today())
    excess = sources_excess(figures)
    if excess:
        raise field_error("follower_sources", excess)
    write = store_snapshots(CHANNEL_STORE, contract=channel.contract, actor=actor,
                            snapshots=[Snapshot(channel.id, day, figures)], source="api",
                            now=now)
    return {"channel_id": channel.id, "day": day, **CHANNEL_STORE.whole(
        Snapshot(channel.id, day, figures)), "import_id": write.import_id,
            "replaced": bool(write.replaced)}


@writer
def enter_publication_metrics(*, actor: User, publication_id: int, day: date, figures: dict,
                              today: date | None = None, now: datetime | None = None) -> dict:
    """A publication's figures as the platform showed them on one day, entered by hand
    (admins, the editors' lead); a snapshot of that day already stored is replaced."""
    publication = _publication(publication_id, actor)
    contract = publication.content.contract
    _writable_contract(actor, contract)
    today = today or local_today()
    if day > today:
        raise refusal("date", f"日期不能晚于今天（{today.isoformat()}）", "path")
    if day < publication.published_on:
        raise refusal("date", f"日期早于发布日期（{publication.published_on}）", "path")
    write = store_snapshots(PUBLICATION_STORE, contract=contract, actor=actor,
                            snapshots=[Snapshot(publication.id, day, figures)], source="api",
                            now=now)
    return {"publication_id": publication.id, "day": day, **figures,
            "import_id": write.import_id, "replaced": bool(write.replaced)}


def _publication(publication_id: int, viewer: User) -> Publication:
    return member_record(Publication, publication_id, viewer,
                         f"发布记录不存在：{publication_id}", lambda p: p.content.contract)


# ---------------------------------------------------------------- importing files

def _parsed(data: bytes, filename: str, kind):
    try:
        return parse_metric_file(data, filename, kind)
    except UnreadableFileError as error:
        raise UnreadableUploadError(str(error), {"file": [str(error)]}) from None
    except FileLimitError as error:
        raise UploadRefusedError(str(error)) from None


class _ChannelIndex:
    """Finds a contract's channel from a file row: by key (wechat) or platform (微信公众号);
    a file of one platform's export names its channel in the form instead."""

    def __init__(self, contract: Contract, default: str | None):
        self.by_name = {}
        for channel in contract.channels:
            self.by_name[channel.key.lower()] = channel
            self.by_name[channel.platform] = channel
        self.default = None
        if default is not None:
            self.default = self.by_name.get(default.lower()) or self.by_name.get(default)
            if self.default is None:
                keys = "、".join(c.key for c in contract.channels)
                raise refusal("channel", f"该合同没有渠道：{default}（可用：{keys}）", "form")

    def find(self, row: MetricRow) -> tuple[ContractChannel | None, RowError | None]:
        named = row.texts.get("channel")
        if named is None:
            if self.default is None:
                return None, RowError(row.row, "渠道", "缺少渠道（或在导入时指定渠道）")
            return self.default, None
        channel = self.by_name.get(named.lower()) or self.by_name.get(named)
        if channel is None:
            return None, RowError(row.row, "渠道", f"该合同没有此渠道：{shown(named)}")
        if self.default is not None and channel.id != self.default.id:
            return None, RowError(row.row, "渠道", f"与导入时指定的渠道（{self.default.key}）"
                                                   f"不同：{shown(named)}")
        return channel, None


def _snapshots_of(rows: Iterable[MetricRow], errors: list[RowError], owner_of,
                  day_error) -> list[Snapshot]:
    """A snapshot per good row; a row naming the same owner and day as an earlier one is
    refused (which of the two is right cannot be told)."""
    bad_rows = {e.row for e in errors}
    snapshots, first_row_of = [], {}
    for row in rows:
        owner, error = owner_of(row)
        if error is None and row.day is not None:
            error = day_error(row, owner)
        if error:
            errors.append(error)
            continue
        if owner is None or row.day is None:
            continue
        key = (owner.id, row.day)
        if key in first_row_of:
            errors.append(RowError(row.row, "日期", f"同一日期重复出现（第 {first_row_of[key]} "
                                                   "行已有）"))
            continue
        first_row_of[key] = row.row
        if row.row not in bad_rows:
            snapshots.append(Snapshot(owner.id, row.day, dict(row.figures), row.row))
    return snapshots


def sources_excess(figures: dict) -> str | None:
    """Why the follower sources of a day cannot be its new followers' (their sum is more)."""
    sources = figures.get("follower_sources") or {}
    total = sum(sources.values())
    if total > figures["new_followers"]:
        return f"关注来源合计 {total:,} 超过当日新增关注 {figures['new_followers']:,}"
    return None


def _refuse_bad_rows(errors: list[RowError]) -> None:
    if errors:
        raise RowsRejectedError(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))


def _channel_row(contract: Contract, today: date):
    """A channel row's day within the term, and its follower sources within its new
    followers."""
    in_term = _day_in_term(contract, today)

    def check(row: MetricRow, owner) -> RowError | None:
        excess = None if row.figures["new_followers"] is None else sources_excess(row.figures)
        return in_term(row, owner) or (RowError(row.row, "关注来源", excess) if excess else None)
    return check


def _day_in_term(contract: Contract, today: date):
    def check(row: MetricRow, _owner) -> RowError | None:
        if row.day > today:
            return RowError(row.row, "日期", f"日期晚于今天：{row.day.isoformat()}")
        if not contract.start_date <= row.day <= contract.end_date:
            return RowError(row.row, "日期", f"日期不在合同期内：{row.day.isoformat()}")
        return None
    return check


def _held_contract(actor: User, contract_key: str) -> Contract:
    with named_in_body("contract"):
        contract = find_contract(contract_key)
        require_member(actor, contract)
    _writable_contract(actor, contract)
    return contract


@writer
def import_channel_metrics(*, actor: User, contract: str, data: bytes, filename: str,
                           channel: str | None = None, dry_run: bool = False,
                           today: date | None = None, now: datetime | None = None
                           ) -> MetricsWrite:
    """Check a platforms' statistics export of channels' daily figures and, unless a row is
    bad or this is a dry run, store every row (all or nothing; a dry run refuses exactly what
    the import would). Rows name their channel, or `channel` names it for the whole file."""
    held = _held_contract(actor, contract)
    channels = _ChannelIndex(held, channel)
    parsed = _parsed(data, filename, CHANNEL_FILE)
    errors = list(parsed.errors)
    snapshots = _snapshots_of(parsed.rows, errors, channels.find,
                              _channel_row(held, today or local_today()))
    _refuse_bad_rows(errors)
    return store_snapshots(CHANNEL_STORE, contract=held, actor=actor, snapshots=snapshots,
                           source="file", filename=filename,
                           checksum=hashlib.sha256(data).hexdigest(), dry_run=dry_run,
                           now=now)


class _PublicationIndex:
    """Finds a contract's publication from a file row: by its number, else by its link (a
    link published twice needs the number)."""

    def __init__(self, contract: Contract):
        rows = db.session.execute(select(Publication.id, Publication.url,
                                         Publication.published_on)
                                  .where(Publication.contract_id == contract.id)).all()
        self.by_id = {pid: _Published(pid, published_on) for pid, _, published_on in rows}
        self.by_url: dict[str, list[_Published]] = {}
        for pid, url, published_on in rows:
            self.by_url.setdefault(url.strip(), []).append(_Published(pid, published_on))

    def find(self, row: MetricRow):
        number, url = row.texts.get("publication_id"), row.texts.get("url")
        if number is not None:
            number = number.removesuffix(".0")  # a number cell of Excel reads as 12.0
            found = self.by_id.get(int(number)) if number.isdigit() else None
            if found is None:
                return None, RowError(row.row, "发布记录编号",
                                      f"该合同没有此发布记录：{shown(number)}")
            return found, None
        if url is None:
            return None, RowError(row.row, "链接", "缺少链接或发布记录编号")
        candidates = self.by_url.get(url, [])
        if len(candidates) == 1:
            return candidates[0], None
        if not candidates:
            return None, RowError(row.row, "链接", f"该合同没有以此链接登记的发布：{shown(url)}")
        return None, RowError(row.row, "链接", "该链接对应多条发布记录，请填写发布记录编号")


@dataclass(frozen=True)
class _Published:
    id: int
    published_on: date


def _publication_day(today: date):
    def check(row: MetricRow, published: _Published) -> RowError | None:
        if row.day > today:
            return RowError(row.row, "日期", f"日期晚于今天：{row.day.isoformat()}")
        if row.day < published.published_on:
            return RowError(row.row, "日期", f"日期早于发布日期（{published.published_on}）")
        return None
    return check


@writer
def import_publication_metrics(*, actor: User, contract: str, data: bytes, filename: str,
                               dry_run: bool = False, today: date | None = None,
                               now: datetime | None = None) -> MetricsWrite:
    """Check a statistics export of publications' figures (by link or number) and, unless a
    row is bad or this is a dry run, store every row (all or nothing)."""
    held = _held_contract(actor, contract)
    index = _PublicationIndex(held)
    parsed = _parsed(data, filename, PUBLICATION_FILE)
    errors = list(parsed.errors)
    snapshots = _snapshots_of(parsed.rows, errors, index.find,
                              _publication_day(today or local_today()))
    _refuse_bad_rows(errors)
    return store_snapshots(PUBLICATION_STORE, contract=held, actor=actor, snapshots=snapshots,
                           source="file", filename=filename,
                           checksum=hashlib.sha256(data).hexdigest(), dry_run=dry_run,
                           now=now)


# ---------------------------------------------------------------- series

@dataclass(frozen=True)
class Period:
    label: str
    first: date
    last: date


def _period_of(day: date, step: str) -> tuple[str, date, date]:
    """The period (label, first and last day) a day falls in: the day, its ISO week, or its
    calendar month."""
    if step == "day":
        return day.isoformat(), day, day
    if step == "week":
        year, week, weekday = day.isocalendar()
        monday = day - timedelta(days=weekday - 1)
        return f"{year}-W{week:02d}", monday, monday + timedelta(days=6)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return f"{day.year}-{day.month:02d}", first, following - timedelta(days=1)


def periods(start: date, end: date, step: str) -> Iterator[Period]:
    """The periods covering start → end, each cut to that range."""
    day = start
    while day <= end:
        label, _, last = _period_of(day, step)
        yield Period(label, day, min(last, end))
        day = last + timedelta(days=1)


def _series_range(contract: Contract, start: date | None, end: date | None,
                  today: date) -> tuple[date, date]:
    start = start or contract.start_date
    end = end or max(start, min(today, contract.end_date))
    if end < start:
        raise refusal("to", "结束日期不能早于开始日期", "query")
    if (end - start).days >= MAX_SERIES_DAYS:
        raise refusal("from", f"时间范围不能超过 {MAX_SERIES_DAYS} 天", "query")
    return start, end


def series_points(rows: list[ChannelMetric], start: date, end: date, step: str) -> list[dict]:
    """A channel's figures per period from its snapshots (ordered by day, any before `start`
    included for the stock carried in): STOCK_FIGURES take the latest snapshot on or before
    the period's last day, FLOW_FIGURES add up the period's days."""
    points, index, latest = [], 0, None
    for period in periods(start, end, step):
        flows = dict.fromkeys(FLOW_FIGURES, 0)
        recorded, sources = 0, {}
        while index < len(rows) and rows[index].day <= period.last:
            row = rows[index]
            latest = row
            if row.day >= period.first:
                recorded += 1
                for name in FLOW_FIGURES:
                    flows[name] += getattr(row, name)
                for source, count in (row.follower_sources or {}).items():
                    sources[source] = sources.get(source, 0) + count
            index += 1
        stock = {name: getattr(latest, name) if latest else None for name in STOCK_FIGURES}
        points.append({"period": period.label, "from": period.first, "to": period.last,
                       "days_recorded": recorded, **stock,
                       "followers_on": latest.day if latest else None, **flows,
                       "follower_sources": _in_order(sources)})
    return points


def _in_order(sources: dict[str, int]) -> dict[str, int]:
    return {key: sources[key] for key in FOLLOWER_SOURCES if key in sources}


@reader
def channel_series(viewer: User, channel_id: int, *, start: date | None = None,
                   end: date | None = None, step: str = "day",
                   today: date | None = None) -> dict:
    """A channel's figures per day, ISO week or calendar month over from → to (default: the
    term up to today), with its baseline (the snapshot of the term's first day)."""
    channel = member_channel(channel_id, viewer)
    contract = channel.contract
    start, end = _series_range(contract, start, end, today or local_today())
    rows = list(db.session.scalars(
        select(ChannelMetric).where(ChannelMetric.channel_id == channel.id,
                                    ChannelMetric.day <= end).order_by(ChannelMetric.day)))
    baseline = next((r for r in rows if r.day >= contract.start_date), None)
    return {"channel": channel, "step": step, "from": start, "to": end,
            "stock_figures": list(STOCK_FIGURES), "flow_figures": list(FLOW_FIGURES),
            "baseline": None if baseline is None else {
                "day": baseline.day, **{n: getattr(baseline, n) for n in CHANNEL_FIGURES}},
            "items": series_points(rows, start, end, step)}


# ---------------------------------------------------------------- publications

def premium_condition(contract: Contract):
    """What the contract counts as premium content (rules.growth.premium_content): original
    work, and the kinds it lists."""
    rule = (contract.rules.get("growth") or {}).get("premium_content") or {}
    conditions = []
    if rule.get("original"):
        conditions.append(Content.original.is_(True))
    if rule.get("kinds"):
        conditions.append(Content.kind.in_(list(rule["kinds"])))
    return or_(*conditions) if conditions else Content.id.is_(None)


def latest_publication_metrics(contract: Contract, as_of: date | None = None):
    """A query of each publication's latest snapshot on or before `as_of` (any day without
    it): (PublicationMetric, Publication, Content)."""
    latest = select(PublicationMetric.publication_id,
                    func.max(PublicationMetric.day).label("day"))
    if as_of is not None:
        latest = latest.where(PublicationMetric.day <= as_of)
    latest = latest.group_by(PublicationMetric.publication_id).subquery()
    return (select(PublicationMetric, Publication, Content)
            .join(latest, and_(latest.c.publication_id == PublicationMetric.publication_id,
                               latest.c.day == PublicationMetric.day))
            .join(Publication, Publication.id == PublicationMetric.publication_id)
            .join(Content, Content.id == Publication.content_id)
            .where(Publication.contract_id == contract.id))


@reader
def publication_metrics(viewer: User, *, contract: str, channel: str | None = None,
                        premium: bool | None = None, page: int = 1,
                        per_page: int = 50) -> dict:
    """Each publication's latest snapshot (most read first), optionally of one channel or of
    premium content only, with the premium content's page views in total."""
    held = find_contract(contract)
    require_member(viewer, held)
    is_premium = premium_condition(held)
    query = latest_publication_metrics(held).add_columns(is_premium.label("premium"))
    if channel:
        query = query.where(Publication.channel == channel)
    if premium is not None:
        query = query.where(is_premium if premium else ~is_premium)
    query = query.order_by(PublicationMetric.reads.desc(), Publication.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    items = [{"publication_id": p.id, "content_id": c.id, "title": c.title, "kind": c.kind,
              "original": c.original, "premium": bool(is_p), "channel": p.channel,
              "published_on": p.published_on, "url": p.url, "day": m.day, "reads": m.reads,
              "shares": m.shares, "likes": m.likes} for m, p, c, is_p in rows]
    return {"items": items, "total": total or 0, "page": page, "per_page": per_page,
            "premium_page_views": premium_page_views(held)}


def premium_page_views(contract: Contract, as_of: date | None = None) -> int:
    """The premium content's page views: each premium publication's latest reads on or
    before `as_of`, added up."""
    latest = latest_publication_metrics(contract, as_of).where(
        premium_condition(contract)).subquery()
    return int(db.session.scalar(select(func.coalesce(func.sum(latest.c.reads), 0))))


@reader
def list_imports(viewer: User, *, contract: str, page: int = 1, per_page: int = 50) -> Page:
    """Every write of a contract's metrics, newest first: who, when, which file, how many
    snapshots, how many replaced."""
    held = find_contract(contract)
    require_member(viewer, held)
    query = (select(MetricImport).where(MetricImport.contract_id == held.id)
             .order_by(MetricImport.at.desc(), MetricImport.id.desc()))
    return paginate(query, page, per_page)
