"""Demo year of the 2023 content contract `planning-media-2023` (a step of `demo-data`, after
the 2022 year): its team, twelve monthly themes, and a year of content reviewed at five levels
and published on five channels — most obligations met, a few missed on purpose.

Accounts, memberships and themes go through the service's use cases. The year's ~2,250 pieces,
~2,270 versions, ~11,300 signatures and ~3,900 publications do not: a use case per row takes
minutes, so they are added as model rows in two flushes, each row what the use case writes —
the version's SHA-256 from `review.version_sha256`, the findings from the real checker, five
signatures by the right members in order before publication, a returned version's signatures
voided by the next version, the status `refresh_status` would set, and the audit entries each
use case records.

The demo's "today" for this contract is the term's end (2024-06-30): a few pieces made in the
term's last days are still in review or approved, waiting to go out in July.

Deliberate misses (found by `service.content.compliance.evaluate`): five working days with
only one WeChat article, the Spring Festival week 2024-W07 under 10 items on every platform,
fewer originals in the third quarter of the contract (2024-01 → 03, the year's floor still
met), Weibo under the advised 5 on some working days, and two themes not delivered."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from models import (
    AuditEntry,
    Content,
    ContentReview,
    ContentVersion,
    Contract,
    Publication,
    Role,
    Theme,
    User,
    db,
)
from service import audit
from service.clock import SHANGHAI, local_date
from service.content import checks, themes
from service.content.review import version_sha256
from service.demo import content_text as words
from service.district.contract_members import set_member
from service.district.working_days import days_between

CONTRACT_KEY = "planning-media-2023"
# username, member role, display name
TEAM = [("bianji1", "editor", "刘畅（编辑）"), ("bianji2", "editor", "孙悦（编辑）"),
        ("bianji3", "editor", "何佳（编辑）"), ("zuzhang", "editor_lead", "郭晨（编辑组长）"),
        ("zhixing", "client_reviewer", "马丽（宣传中心）"),
        ("zhuguan", "client_approver", "罗建国（中心主管领导）")]
# The year has its own generator (as the workbook openings do): the same content whatever the
# 2022 steps drew before it, on a first run or after an interrupted one.
CONTENT_SEED = 2023
CROSS_POSTED = {"toutiao": (10, 12), "beijing_hao": (10, 11), "baijiahao": (10, 11)}
SPRING_FESTIVAL_WEEK = (2024, 7)
SHORT_WECHAT_DAYS = 5
# Originals per quarter of the contract: the third (2024-01 → 03) falls a little short.
ORIGINALS_PER_QUARTER = (30, 30, 20, 30)
RETURNS = {"second": 5, "fourth": 3}
# How many levels each piece still in review at the term's end has passed (5: approved).
IN_PROGRESS = (0, 1, 2, 3, 4, 5)
WECHAT_WINDOWS = [(8, 0), (11, 0), (18, 0), (20, 30)]
WEIBO_WINDOWS = [(9, 60), (16, 120), (21, 170)]  # (hour, minutes the window lasts)
URLS = {"wechat": "https://mp.weixin.qq.com/s/{token}",
        "weibo": "https://weibo.com/bjghzy/{token}",
        "toutiao": "https://www.toutiao.com/article/{number}/",
        "beijing_hao": "https://bj.bjd.com.cn/5b165687a010550e5ddc0e6a/contentShare/{token}.html",
        "baijiahao": "https://baijiahao.baidu.com/s?id={number}"}


@dataclass
class Signature:
    level: dict
    signer: User
    at: datetime
    decision: str = "pass"
    notes: str = ""


@dataclass
class VersionPlan:
    title: str
    body: str
    author: User
    created_at: datetime
    signatures: list[Signature] = field(default_factory=list)


@dataclass
class PiecePlan:
    kind: str
    original: bool
    column: str
    channels: list[str]
    versions: list[VersionPlan]
    publications: list[tuple[str, datetime]] = field(default_factory=list)


@dataclass
class Team:
    editors: list[User]
    lead: User
    reviewer: User
    approver: User


@dataclass
class _Year:
    """What the year's helpers take of the demo context: a generator and the summary."""

    rng: random.Random
    summary: dict


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


# --- the team and the themes (through the use cases) ------------------------------------------

def create_demo_content_team(ctx) -> Team | None:
    """The contract's six content accounts and the district official as a reader."""
    from service.demo import _user
    contract = db.session.scalar(select(Contract).where(Contract.key == CONTRACT_KEY))
    if contract is None:
        return None
    people = {}
    for username, role, name in TEAM:
        user, _new = _user(username, Role.CONTENT, name)
        set_member(CONTRACT_KEY, user.id, role, actor=ctx.admin)
        people[username] = user
    official, _new = _user("official", Role.OFFICIAL, "区民政局")
    set_member(CONTRACT_KEY, official.id, "official", actor=ctx.admin)
    ctx.summary["content_team"] = len(people) + 1
    return Team([people["bianji1"], people["bianji2"], people["bianji3"]], people["zuzhang"],
                people["zhixing"], people["zhuguan"])


def create_demo_themes(ctx, team: Team) -> None:
    """One theme a month, planned by the editors' lead before the month, produced and
    delivered in it; two stay in production and show as missed once their month ends."""
    contract = db.session.scalar(select(Contract).where(Contract.key == CONTRACT_KEY))
    if db.session.scalar(select(func.count()).select_from(Theme)
                         .where(Theme.contract_id == contract.id)):
        return
    for month, (title, description, form, departments) in words.THEMES.items():
        first = date.fromisoformat(month + "-01")
        theme = themes.create_theme(
            actor=team.lead, contract=CONTRACT_KEY, month=month, title=title,
            description=description, format=form, departments=departments,
            now=_local(first - timedelta(days=ctx.rng.randint(5, 12)), 15, 0))
        themes.update_theme(theme.id, actor=team.lead, data={"status": "in_production"},
                            now=_local(first + timedelta(days=ctx.rng.randint(1, 5)), 10, 0))
        if month not in words.MISSED_THEMES:
            themes.update_theme(theme.id, actor=team.lead, data={"status": "delivered"},
                                now=_local(first + timedelta(days=ctx.rng.randint(18, 26)),
                                           17, 0))
    ctx.summary["content_themes"] = len(words.THEMES)


# --- planning the year ---------------------------------------------------------------------

def _wechat_counts(ctx, calendar) -> dict[date, int]:
    """Articles per day: 2–3 on working days, 1 on other days (2 when a holiday week would
    otherwise fall under the weekly 10: prepared ahead, 可提前编辑), except the planted short
    days and the thin Spring Festival week."""
    rng = ctx.rng
    working_in_week: dict[tuple, int] = {}
    for day in calendar:
        key = day.date.isocalendar()[:2]
        working_in_week[key] = working_in_week.get(key, 0) + day.is_working_day
    counts = {}
    for day in calendar:
        week = day.date.isocalendar()[:2]
        if week == SPRING_FESTIVAL_WEEK:
            counts[day.date] = 2 if day.is_working_day else 1
        elif day.is_working_day:
            counts[day.date] = rng.choice([2, 3, 3, 3, 3])
        else:
            counts[day.date] = 2 if working_in_week[week] < 5 else 1
    middle = [d.date for d in calendar[60:-60] if d.is_working_day
              and working_in_week[d.date.isocalendar()[:2]] == 5]
    for day in rng.sample(middle, SHORT_WECHAT_DAYS):
        counts[day] = 1
    return counts


def _weibo_counts(ctx, calendar) -> dict[date, int]:
    """Posts per day: about 5 on working days (some fewer than the advised 5), 1–2 on other
    days, 2 on the term's first weekend (a partial week owes 3), thin at Spring Festival."""
    rng = ctx.rng
    counts = {}
    for index, day in enumerate(calendar):
        if day.date.isocalendar()[:2] == SPRING_FESTIVAL_WEEK:
            counts[day.date] = 3 if day.is_working_day else 1
        elif day.is_working_day:
            counts[day.date] = rng.choice([3, 4, 5, 5, 5, 6, 6, 7])
        else:
            counts[day.date] = 2 if index < 2 else rng.choice([1, 2])
    return counts


def _quarter(contract: Contract, day: date) -> int:
    months = (day.year - contract.start_date.year) * 12 + day.month - contract.start_date.month
    return months // 3


def _body(rng, day: date, subject: str) -> str:
    middles = rng.sample(words.MIDDLES, 2)
    return (f"{rng.choice(words.OPENINGS)}{subject}相关工作取得新进展。{day.month}月{day.day}日，"
            f"{middles[0]}{middles[1]}{rng.choice(words.CLOSINGS)}")


def _signed(rng, team: Team, chain: list[dict], author: User, start: datetime,
            levels: int, returned_at: str | None = None) -> list[Signature]:
    """Signatures of `levels` levels in the chain's order, a few minutes to a few hours
    apart, 一审 by the author, 二审 by another editor; `returned_at`: the level that returns
    the version (its signature is the last)."""
    second = rng.choice([e for e in team.editors if e.id != author.id])
    signers = {"first": author, "second": second, "third": team.lead,
               "fourth": team.reviewer, "final": team.approver}
    gaps = {"first": (10, 40), "second": (20, 100), "third": (20, 150), "fourth": (30, 200),
            "final": (20, 150)}
    signatures, at = [], start
    for level in chain[:levels]:
        at += timedelta(minutes=rng.randint(*gaps[level["key"]]))
        if level["key"] == returned_at:
            signatures.append(Signature(level, signers[level["key"]], at, "return",
                                        rng.choice(words.RETURN_NOTES[returned_at])))
            break
        signatures.append(Signature(level, signers[level["key"]], at))
    return signatures


def _published_piece(ctx, team, chain, kind, original, column, channels, title, body,
                     published_at) -> PiecePlan:
    """A piece whose only version passed all five levels the day before it went out."""
    rng = ctx.rng
    author = rng.choice(team.editors)
    created = published_at - timedelta(hours=rng.randint(14, 26), minutes=rng.randint(0, 59))
    version = VersionPlan(title, body, author, created,
                          _signed(rng, team, chain, author, created, len(chain)))
    return PiecePlan(kind, original, column, channels, [version],
                     [(channels[0], published_at)])


def _wechat_times(rng, day: date, count: int, working: bool) -> list[datetime]:
    if not working:
        return [_local(day, 10 + slot * 6, rng.randint(0, 50)) for slot in range(count)]
    return [_local(day, hour, minute + rng.randint(0, 25))
            for hour, minute in WECHAT_WINDOWS[:count]]


def _wechat_year(ctx, team, chain, contract, calendar) -> list[PiecePlan]:
    rng = ctx.rng
    counts = _wechat_counts(ctx, calendar)
    columns = list(words.SUBJECTS)
    pieces = []
    for day in calendar:
        for at in _wechat_times(rng, day.date, counts[day.date], day.is_working_day):
            column = rng.choice(columns)
            subject = rng.choice(words.SUBJECTS[column])
            reposted = rng.random() < 0.3
            kind = "repost" if reposted else "article"
            title = (f"转载｜{rng.choice(words.REPOST_SOURCES)}：{subject}" if reposted
                     else subject)
            pieces.append(_published_piece(
                ctx, team, chain, kind, False, column, ["wechat", *CROSS_POSTED], title,
                _body(rng, day.date, subject), at))
    _mark_originals(ctx, contract, pieces)
    return pieces


def _mark_originals(ctx, contract: Contract, pieces: list[PiecePlan]) -> None:
    """Originals (the contractor's own writing), so many per quarter of the contract."""
    by_quarter: dict[int, list[PiecePlan]] = {}
    for piece in pieces:
        if piece.kind == "article":
            day = local_date(piece.publications[0][1])
            by_quarter.setdefault(_quarter(contract, day), []).append(piece)
    for quarter, quota in enumerate(ORIGINALS_PER_QUARTER):
        for piece in ctx.rng.sample(by_quarter[quarter], quota):
            piece.original = True
            piece.versions[0].title = f"【{piece.column}】{piece.versions[0].title}"


def _cross_post(ctx, pieces: list[PiecePlan]) -> None:
    """Each week, 10 to 12 of the week's WeChat articles also go out on 头条号, 北京号 and
    百家号 (the weekly 10 of each), an hour or two after WeChat, the same day. The others
    stay WeChat only."""
    rng = ctx.rng
    by_week: dict[tuple, list[PiecePlan]] = {}
    for piece in pieces:
        day = local_date(piece.publications[0][1])
        by_week.setdefault(day.isocalendar()[:2], []).append(piece)
    chosen = {id(piece): [] for piece in pieces}
    for week in by_week.values():
        for channel, (low, high) in CROSS_POSTED.items():
            for piece in rng.sample(week, min(len(week), rng.randint(low, high))):
                chosen[id(piece)].append(channel)
    for piece in pieces:
        piece.channels = ["wechat", *chosen[id(piece)]]
        wechat_at = piece.publications[0][1]
        last = _local(local_date(wechat_at), 23, 40)
        for channel in chosen[id(piece)]:
            at = min(wechat_at + timedelta(minutes=rng.randint(30, 150)), last)
            piece.publications.append((channel, at))


def _weibo_year(ctx, team, chain, calendar) -> list[PiecePlan]:
    rng = ctx.rng
    counts = _weibo_counts(ctx, calendar)
    pieces = []
    for day in calendar:
        moments = []
        for _ in range(counts[day.date]):
            hour, length = rng.choice(WEIBO_WINDOWS)
            minutes = rng.randint(0, length - 1)
            moments.append(_local(day.date, hour, 0) + timedelta(minutes=minutes))
        for at in sorted(moments):
            tag, line = rng.choice(words.WEIBO_TAGS), rng.choice(words.WEIBO_LINES)
            reposted = rng.random() < 0.45
            title = f"{tag}{line}"[:60]
            body = (f"//@{rng.choice(words.REPOST_SOURCES)}：{tag}{line}" if reposted
                    else f"{tag}{line}{day.date.month}月{day.date.day}日")
            pieces.append(_published_piece(ctx, team, chain, "repost" if reposted else "article",
                                           False, "", ["weibo"], title, body, at))
    return pieces


def _media_year(ctx, team, chain, contract, calendar) -> list[PiecePlan]:
    """一图读懂, posters, videos and H5/SVG spread over the term, at noon of a working day,
    on WeChat only: the engine counts each publication of a product, so a second channel
    would count it twice towards its yearly floor."""
    rng = ctx.rng
    working = [d.date for d in calendar if d.is_working_day]
    pieces = []
    for kind, titles in words.MEDIA.items():
        for index, title in enumerate(titles):
            day = working[int((index + 0.5) * len(working) / len(titles))]
            at = _local(day, 12, rng.randint(0, 50))
            body = f"{title}。{_body(rng, day, title)}"
            piece = _published_piece(ctx, team, chain, kind, True, rng.choice(
                list(words.SUBJECTS)), ["wechat"], title, body, at)
            pieces.append(piece)
    return pieces


def _plant_returns(ctx, team, chain, pieces: list[PiecePlan]) -> None:
    """Some originals came back at 二审 or 四审: their first version carries the slip, is
    returned, and a corrected second version passes all five levels before publication."""
    rng = ctx.rng
    originals = [p for p in pieces if p.original and p.kind == "article"]
    picked = rng.sample(originals, sum(RETURNS.values()))
    levels = [level for level, count in RETURNS.items() for _ in range(count)]
    for piece, level in zip(picked, levels, strict=True):
        passed = piece.versions[0]
        first_at = passed.created_at - timedelta(days=2, hours=rng.randint(0, 6))
        slipped = passed.body.replace("。", f"{words.SLIP}。", 1) if level == "second" \
            else passed.body.replace("。", "（数据截至上月底）。", 1)
        position = [lv["key"] for lv in chain].index(level) + 1
        first = VersionPlan(passed.title, slipped, passed.author, first_at,
                            _signed(rng, team, chain, passed.author, first_at, position,
                                    returned_at=level))
        piece.versions.insert(0, first)


def _in_progress(ctx, team, chain, contract) -> list[PiecePlan]:
    """Pieces made in the term's last days for July, at every stage of the chain."""
    rng = ctx.rng
    pieces = []
    for levels in IN_PROGRESS:
        column = rng.choice(list(words.SUBJECTS))
        subject = rng.choice(words.SUBJECTS[column])
        author = rng.choice(team.editors)
        created = _local(contract.end_date - timedelta(days=rng.randint(0, 2)), 9,
                         rng.randint(0, 59))
        version = VersionPlan(f"【{column}】{subject}", _body(rng, contract.end_date, subject),
                              author, created, _signed(rng, team, chain, author, created, levels))
        pieces.append(PiecePlan("article", True, column, ["wechat", *CROSS_POSTED], [version]))
    return pieces


# --- writing the rows ----------------------------------------------------------------------

def _status(piece: PiecePlan, chain: list[dict]) -> tuple[str, dict | None]:
    """What `review.chain_state` says of the piece's current version."""
    signatures = piece.versions[-1].signatures
    if any(s.decision == "return" for s in signatures):
        return "returned", None
    if len(signatures) >= len(chain):
        return ("published" if piece.publications else "approved"), None
    return ("in_review" if signatures else "draft"), chain[len(signatures)]


def _content_rows(contract: Contract, chain: list[dict], pieces: list[PiecePlan]):
    """Content and version rows as `create_content` and `add_version` make them."""
    rows = []
    for piece in pieces:
        status, level = _status(piece, chain)
        last = piece.versions[-1]
        times = [v.created_at for v in piece.versions]
        times += [s.at for v in piece.versions for s in v.signatures]
        # A publication is recorded a few minutes after it went out (`created_at`).
        times += [at + timedelta(minutes=7) for _channel, at in piece.publications]
        content = Content(contract=contract, title=last.title, kind=piece.kind,
                          original=piece.original, column=piece.column, channels=piece.channels,
                          author_id=piece.versions[0].author.id, status=status,
                          next_level=level["key"] if level else None,
                          next_role=level["role"] if level else None,
                          created_at=piece.versions[0].created_at, updated_at=max(times))
        versions = []
        for number, plan in enumerate(piece.versions, start=1):
            versions.append(ContentVersion(
                content=content, number=number, sha256=version_sha256(plan.title, plan.body, None),
                title=plan.title, body=plan.body, author_id=plan.author.id,
                created_at=plan.created_at, checker=checks.CHECKER_VERSION,
                checked_at=plan.created_at, findings=checks.check_version(plan.title, plan.body)))
        rows.append((piece, content, versions))
    return rows


def _checklist(level: dict, decision: str) -> list[dict]:
    # A return leaves the level's last item unconfirmed: the reason it came back.
    items = level["checklist"]
    return [{"item": item, "checked": decision == "pass" or index < len(items) - 1}
            for index, item in enumerate(items)]


def _audit(entity: str, entity_id: int, action: str, actor: User, changes: dict,
           at: datetime) -> dict:
    return {"entity_type": entity, "entity_id": str(entity_id), "action": action,
            "actor_id": actor.id, "changes": changes, "at": at}


def _signature_rows(piece, content, versions, entries) -> list[ContentReview]:
    reviews = []
    for plan, version in zip(piece.versions, versions, strict=True):
        later = next((v for v in versions if v.number == version.number + 1), None)
        for signature in plan.signatures:
            level = signature.level
            reviews.append(ContentReview(
                version_id=version.id, level=level["key"], level_name=level["name"],
                position=level["position"], signer_id=signature.signer.id, role=level["role"],
                decision=signature.decision, notes=signature.notes,
                checklist=_checklist(level, signature.decision), signed_at=signature.at,
                voided_at=later.created_at if later else None,
                voided_by_version_id=later.id if later else None))
            entries.append(_audit("content", content.id, "review", signature.signer, {
                "version": version.number, "sha256": version.sha256, "level": level["key"],
                "decision": signature.decision, "role": level["role"]}, signature.at))
    return reviews


def _version_entries(contract, piece, content, versions, entries) -> None:
    first = versions[0]
    entries.append(_audit("content", content.id, "create", piece.versions[0].author, {
        "contract": contract.key, "title": first.title, "kind": piece.kind,
        "original": piece.original, "column": piece.column, "channels": piece.channels,
        "version": 1, "sha256": first.sha256, "findings": len(first.findings)},
        first.created_at))
    for previous, version, plan in zip(versions, versions[1:], piece.versions[1:], strict=False):
        entries.append(_audit("content", content.id, "version", plan.author, {
            "version": version.number, "sha256": version.sha256, "previous": previous.sha256,
            "voided_signatures": len(piece.versions[version.number - 2].signatures),
            "findings": len(version.findings)}, version.created_at))


def _publication_rows(rng, contract, piece, content, versions) -> list[Publication]:
    version, author = versions[-1], piece.versions[-1].author
    rows = []
    for channel, at in piece.publications:
        url = URLS[channel].format(token=f"{rng.getrandbits(64):016x}",
                                   number=rng.randint(7 * 10**18, 7 * 10**18 + 10**17))
        rows.append(Publication(
            contract_id=contract.id, content_id=content.id, version_id=version.id,
            channel=channel, published_at=at, published_on=local_date(at), url=url,
            recorded_by_id=author.id, created_at=at + timedelta(minutes=7)))
    return rows


def _write(ctx, contract: Contract, chain: list[dict], pieces: list[PiecePlan]) -> int:
    rows = _content_rows(contract, chain, pieces)
    db.session.add_all(content for _piece, content, _versions in rows)
    db.session.flush()
    entries, signed, published = [], [], []
    for piece, content, versions in rows:
        _version_entries(contract, piece, content, versions, entries)
        signed += _signature_rows(piece, content, versions, entries)
        published += _publication_rows(ctx.rng, contract, piece, content, versions)
    db.session.add_all(signed + published)
    db.session.flush()
    for publication in published:
        version = next(v for v in publication.content.versions
                       if v.id == publication.version_id)
        entries.append(_audit("publication", publication.id, "create",
                              db.session.get(User, publication.recorded_by_id), {
                                  "content_id": publication.content_id,
                                  "version": version.number, "sha256": version.sha256,
                                  "channel": publication.channel,
                                  "published_at": audit.plain(publication.published_at),
                                  "url": publication.url}, publication.created_at))
    db.session.connection().execute(insert(AuditEntry.__table__), entries)
    return len(published)


def create_demo_content(ctx) -> None:
    """The 2023 content contract's team, themes and year (skipped when the contract is not
    loaded — `seed-district` loads it — or when it already has content)."""
    team = create_demo_content_team(ctx)
    if team is None:
        return
    ctx = _Year(rng=random.Random(CONTENT_SEED), summary=ctx.summary)
    create_demo_themes(ctx, team)
    contract = db.session.scalar(select(Contract).where(Contract.key == CONTRACT_KEY))
    if db.session.scalar(select(func.count()).select_from(Content)
                         .where(Content.contract_id == contract.id)):
        return
    chain = [{**level, "position": index} for index, level in enumerate(contract.review_chain)]
    calendar = days_between(contract, contract.start_date, contract.end_date)
    wechat = _wechat_year(ctx, team, chain, contract, calendar)
    _cross_post(ctx, wechat)
    _plant_returns(ctx, team, chain, wechat)
    pieces = (wechat + _weibo_year(ctx, team, chain, calendar)
              + _media_year(ctx, team, chain, contract, calendar)
              + _in_progress(ctx, team, chain, contract))
    ctx.summary["content_pieces"] = len(pieces)
    ctx.summary["content_publications"] = _write(ctx, contract, chain, pieces)
