"""Content of a contract with a review chain: its versions (each identified by its SHA-256)
and the signatures of the chain, level by level, on the current version.

A version's SHA-256 is taken over this canonical serialisation (documented in the README):
the ASCII line `content-version/1`, then for each of title, body and attachment a
length-prefixed field `<length in bytes>:<bytes>` — title and body in UTF-8 exactly as given,
the attachment's raw bytes — with `-` instead of the attachment field when there is none.
The attachment's name and type are not part of it: renaming a file changes nothing.

Status of a piece (that of its current version): `draft` (no level signed yet), `in_review`
(some levels passed), `returned` (a level returned it: the chain ends; a new version starts it
again), `approved` (every level passed), `published` (approved and published on at least one
channel). A new version voids the signatures of the earlier ones (kept, marked void).

Admins manage the contract but do not sign: a signature is a person in their role."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import (
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
from service.clock import now_utc
from service.content import checks
from service.district.contract_members import (
    MEMBER_ROLE_LABELS,
    MemberRole,
    member_role,
)
from service.district.contracts import find_contract
from service.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    field_error,
    named_in_body,
)
from service.pagination import Page, page_of_rows, paginate
from service.transaction import conflicts_as, lock_for_writing, reader, writer

KINDS = {"article": "文章", "repost": "转发", "infographic": "一图读懂（长图）",
         "poster": "海报", "video": "视频", "interactive": "H5/SVG 互动产品"}
STATUSES = ("draft", "in_review", "returned", "approved", "published")
DECISIONS = ("pass", "return")
WRITERS = (MemberRole.EDITOR.value, MemberRole.EDITOR_LEAD.value)
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ADMIN_SIGN_MESSAGE = "管理员不签署审核：每一级须由合同中担任该级角色的人签署"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def version_sha256(title: str, body: str, attachment: bytes | None) -> str:
    """The SHA-256 of a version's canonical serialisation (see the module's docstring)."""
    digest = hashlib.sha256(b"content-version/1\n")
    for part in (title.encode("utf-8"), body.encode("utf-8")):
        digest.update(f"{len(part)}:".encode() + part)
    digest.update(b"-" if attachment is None else f"{len(attachment)}:".encode() + attachment)
    return digest.hexdigest()


def _checked_attachment(attachment: Attachment | None) -> None:
    if attachment is not None and len(attachment.data) > MAX_ATTACHMENT_BYTES:
        raise field_error("attachment", "附件过大（最多 5 MB）")


# --- finding what the caller may see -------------------------------------------------------

def find_content(content_id: int, actor: User, *,
                 for_update: bool = False) -> tuple[Content, str]:
    query = select(Content).where(Content.id == content_id)
    if for_update:
        query = query.with_for_update()
    content = db.session.scalar(query)
    missing = f"内容不存在：{content_id}"
    if content is None:
        raise NotFoundError(missing)
    return content, member_role(actor, content.contract, missing)


def _may_write(role: str) -> None:
    if role != Role.ADMIN and role not in WRITERS:
        raise PermissionDeniedError("只有编辑或编辑组长可以编写内容")


def _current(content: Content) -> ContentVersion:
    return max(content.versions, key=lambda v: v.number)


def valid_reviews(version: ContentVersion) -> list[ContentReview]:
    return sorted((r for r in version.reviews if r.voided_at is None), key=lambda r: r.position)


def chain_state(content: Content, version: ContentVersion) -> tuple[str, dict | None]:
    """The status of a version and the level it waits for (None when none)."""
    chain = content.contract.review_chain
    reviews = valid_reviews(version)
    if any(r.decision == "return" for r in reviews):
        return "returned", None
    if len(reviews) >= len(chain):
        published = db.session.scalar(select(Publication.id).where(
            Publication.version_id == version.id).limit(1)) is not None
        return ("published" if published else "approved"), None
    return ("in_review" if reviews else "draft"), chain[len(reviews)]


def refresh_status(content: Content, now: datetime) -> None:
    """Keep the piece's status and awaited level those of its current version."""
    status, level = chain_state(content, _current(content))
    content.status = status
    content.next_level = level["key"] if level else None
    content.next_role = level["role"] if level else None
    content.updated_at = now


# --- writing --------------------------------------------------------------------------------

def _new_version(content: Content, number: int, title: str, body: str,
                 attachment: Attachment | None, sha: str, findings: list, actor: User,
                 now: datetime) -> ContentVersion:
    version = ContentVersion(
        content=content, number=number, sha256=sha, title=title, body=body,
        attachment=attachment.data if attachment else None,
        attachment_name=attachment.filename if attachment else None,
        attachment_type=attachment.content_type if attachment else None,
        attachment_size=len(attachment.data) if attachment else None,
        author_id=actor.id, created_at=now, checker=checks.CHECKER_VERSION, checked_at=now,
        findings=findings)
    db.session.add(version)
    return version


def _theme_of(contract: Contract, theme_id: int | None) -> Theme | None:
    """The monthly theme a piece names: one of its own contract's (422 naming theme_id)."""
    if theme_id is None:
        return None
    theme = db.session.get(Theme, theme_id)
    if theme is None or theme.contract_id != contract.id:
        raise field_error("theme_id", f"该合同没有此主题：{theme_id}")
    return theme


@writer
def create_content(*, actor: User, contract: str, title: str, kind: str, original: bool,
                   channels: list[str], body: str, column: str = "",
                   attachment: Attachment | None = None, theme_id: int | None = None,
                   planned_on: date | None = None, now: datetime | None = None) -> Content:
    """A new piece of content with its first version, checked automatically (一审's check);
    it may name the monthly theme it serves (a theme of the same contract)."""
    now = now or now_utc()
    _checked_attachment(attachment)
    sha = version_sha256(title, body, attachment.data if attachment else None)
    findings = checks.check_version(title, body)
    lock_for_writing()
    with named_in_body("contract"):
        found = find_contract(contract)
        role = member_role(actor, found, f"没有合同：{contract}")
    _may_write(role)
    if not found.review_chain:
        raise field_error("contract", "该合同没有审核流程，不能在此登记内容")
    if kind not in KINDS:
        raise field_error("kind", f"内容类型无效：{kind}")
    keys = [c.key for c in found.channels]
    strangers = [c for c in channels if c not in keys]
    if strangers:
        raise field_error("channels", f"该合同没有渠道：{'、'.join(strangers)}"
                                      f"（可用：{'、'.join(keys)}）")
    if len(set(channels)) != len(channels):
        raise field_error("channels", "渠道重复")
    columns = (found.rules or {}).get("columns") or []
    if column and columns and column not in columns:
        raise field_error("column", f"该合同没有栏目：{column}（可用：{'、'.join(columns)}）")
    theme = _theme_of(found, theme_id)
    content = Content(contract=found, title=title, kind=kind, original=original, column=column,
                      channels=channels, theme=theme, author_id=actor.id, created_at=now,
                      updated_at=now, planned_on=_planned_day(found, planned_on))
    db.session.add(content)
    version = _new_version(content, 1, title, body, attachment, sha, findings, actor, now)
    db.session.flush()
    refresh_status(content, now)
    audit.record("content", content.id, "create", actor, {
        "contract": found.key, "title": title, "kind": kind, "original": original,
        "column": column, "channels": channels, "theme_id": theme_id,
        "planned_on": planned_on and planned_on.isoformat(), "version": 1,
        "sha256": version.sha256, "findings": len(findings)}, now)
    return content


def _planned_day(contract: Contract, planned_on: date | None) -> date | None:
    """A planned day inside the contract's term (422 naming planned_on)."""
    if planned_on is not None and not contract.start_date <= planned_on <= contract.end_date:
        raise field_error("planned_on", f"计划日期应在合同期内（{contract.start_date:%Y-%m-%d}"
                                        f" 至 {contract.end_date:%Y-%m-%d}）")
    return planned_on


UNCHANGED = object()  # a field the change does not name


@writer
def update_content(content_id: int, *, actor: User, theme_id=UNCHANGED, planned_on=UNCHANGED,
                   now: datetime | None = None) -> Content:
    """Name (or, with None, drop) the monthly theme a piece serves and the day it is planned
    to go out: editors, their lead and admins; a theme of the piece's own contract, a day of
    its term. Neither is part of the text: no new version, no signature voided. Recorded."""
    now = now or now_utc()
    lock_for_writing()
    content, role = find_content(content_id, actor, for_update=True)
    _may_write(role)
    changes = {}
    if theme_id is not UNCHANGED and theme_id != content.theme_id:
        changes["theme_id"] = {"from": content.theme_id, "to": theme_id}
        content.theme = _theme_of(content.contract, theme_id)
    if planned_on is not UNCHANGED and planned_on != content.planned_on:
        changes["planned_on"] = {"from": content.planned_on and content.planned_on.isoformat(),
                                 "to": planned_on and planned_on.isoformat()}
        content.planned_on = _planned_day(content.contract, planned_on)
    if not changes:
        raise field_error("theme_id" if theme_id is not UNCHANGED else "planned_on",
                          "没有任何修改")
    content.updated_at = now
    db.session.flush()
    audit.record("content", content.id, "update", actor, changes, now)
    return content


KEEP = object()  # a new version keeps the current version's attachment


@writer
def add_version(content_id: int, *, actor: User, body: str, title: str | None = None,
                attachment: Attachment | None | object = KEEP,
                now: datetime | None = None) -> ContentVersion:
    """A new version of the text or attachment (the title, too, may change): checked
    automatically; it voids every signature of the earlier versions."""
    now = now or now_utc()
    if attachment is not KEEP:
        _checked_attachment(attachment)
    lock_for_writing()
    content, role = find_content(content_id, actor, for_update=True)
    _may_write(role)
    current = _current(content)
    title = current.title if title is None else title
    if attachment is KEEP:
        data = current.attachment
        attachment = Attachment(current.attachment_name or "", current.attachment_type or "",
                                data) if data is not None else None
    sha = version_sha256(title, body, attachment.data if attachment else None)
    if sha == current.sha256:
        raise ConflictError("与当前版本相同：没有修改正文、标题或附件",
                            {"body": ["与当前版本相同"]})
    earlier = db.session.scalar(select(ContentVersion.number).where(
        ContentVersion.content_id == content.id, ContentVersion.sha256 == sha))
    if earlier is not None:
        raise ConflictError(f"与第 {earlier} 版相同（版本以 SHA-256 区分，请修改后再提交）",
                            {"body": [f"与第 {earlier} 版相同"]})
    findings = checks.check_version(title, body)
    with conflicts_as("内容刚被他人修改，请刷新后重试", "body"):
        version = _new_version(content, current.number + 1, title, body, attachment, sha,
                               findings, actor, now)
        db.session.flush()
    voided = 0
    for old in content.versions:
        if old.id == version.id:
            continue
        for review in old.reviews:
            if review.voided_at is None:
                review.voided_at, review.voided_by_version_id = now, version.id
                voided += 1
    content.title = title
    db.session.flush()
    db.session.expire(version, ["reviews"])
    refresh_status(content, now)
    audit.record("content", content.id, "version", actor, {
        "version": version.number, "sha256": sha, "previous": current.sha256,
        "voided_signatures": voided, "findings": len(findings)}, now)
    return version


def _checklist_answers(level: dict, answers: dict[str, bool], decision: str) -> list[dict]:
    items = level["checklist"]
    unknown = [k for k in answers if k not in items]
    if unknown:
        raise field_error("checklist", f"{level['name']}没有检查项：{'、'.join(unknown)}")
    missing = [k for k in items if k not in answers]
    if missing:
        raise field_error("checklist", f"请回答检查项：{'、'.join(missing)}")
    unchecked = [k for k in items if not answers[k]]
    if decision == "pass" and unchecked:
        raise field_error("checklist", f"通过须确认全部检查项，未确认：{'、'.join(unchecked)}")
    return [{"item": k, "checked": bool(answers[k])} for k in items]


@writer
def sign(content_id: int, *, actor: User, version: str, level: str, decision: str,
         checklist: dict[str, bool], notes: str = "",
         now: datetime | None = None) -> ContentReview:
    """Sign the next level of the chain for the current version: pass, or return (which ends
    the chain for that version). Each level by a member holding its role, nobody twice on the
    same version, 二审 not by the author, 一审 after the automatic check."""
    now = now or now_utc()
    lock_for_writing()
    content, role = find_content(content_id, actor, for_update=True)
    if actor.role == Role.ADMIN:
        raise PermissionDeniedError(ADMIN_SIGN_MESSAGE)
    if role not in {lv["role"] for lv in content.contract.review_chain}:
        raise PermissionDeniedError("您在该合同中的角色不签署审核")
    chain = {lv["key"]: lv for lv in content.contract.review_chain}
    if level not in chain:
        raise field_error("level", f"审核流程中没有该级：{level}"
                                   f"（可用：{'、'.join(chain)}）")
    target = chain[level]
    signed = next((v for v in content.versions if v.sha256 == version), None)
    if signed is None:
        raise field_error("version", f"该内容没有此版本：{version}")
    current = _current(content)
    if signed.id != current.id:
        raise field_error("version", f"该版本（第 {signed.number} 版）已被第 {current.number} "
                                     f"版取代，只能签署当前版本")
    if role != target["role"]:
        raise PermissionDeniedError(f"{target['name']}须由"
                                    f"{MEMBER_ROLE_LABELS[MemberRole(target['role'])]}签署")
    reviews = valid_reviews(current)
    if any(r.signer_id == actor.id for r in reviews):
        raise PermissionDeniedError("同一人不能签署同一版本的两级审核")
    if target["rule"] == "not_author" and actor.id in (current.author_id, content.author_id):
        raise PermissionDeniedError(f"{target['name']}须由作者以外的人签署")
    status, awaited = chain_state(content, current)
    if status == "returned":
        raise field_error("level", "该版本已被退回：请提交新版本后重新审核")
    if awaited is None:
        raise field_error("level", "该版本已通过全部审核")
    if awaited["key"] != level:
        done = any(r.level == level for r in reviews)
        raise field_error("level", f"{target['name']}已签署" if done else
                          f"须按顺序签署：下一级为{awaited['name']}")
    if target["automatic_check"] and current.checker is None:
        raise field_error("level", "自动检查尚未完成，不能签署" + target["name"])
    if decision == "return" and not notes.strip():
        raise field_error("notes", "退回须说明原因")
    answers = _checklist_answers(target, checklist, decision)
    position = list(chain).index(level)
    with conflicts_as("该级刚被他人签署，请刷新后查看", "level"):
        review = ContentReview(version_id=current.id, level=level, level_name=target["name"],
                               position=position, signer_id=actor.id, role=role,
                               decision=decision, notes=notes, checklist=answers, signed_at=now)
        db.session.add(review)
        db.session.flush()
    db.session.expire(current, ["reviews"])
    refresh_status(content, now)
    audit.record("content", content.id, "review", actor, {
        "version": current.number, "sha256": current.sha256, "level": level,
        "decision": decision, "role": role}, now)
    return review


# --- reading --------------------------------------------------------------------------------

def _view(content: Content, role: str) -> Content:
    """The piece with its current version, the chain's state on it (each level passed,
    returned, awaiting or pending, with its signature), its publications and the viewer's
    role, set as attributes for the answer."""
    current = _current(content)
    by_level = {r.level: r for r in valid_reviews(current)}
    _status, awaited = chain_state(content, current)
    chain = []
    for level in content.contract.review_chain:
        review = by_level.get(level["key"])
        state = ("passed" if review.decision == "pass" else "returned") if review else (
            "awaiting" if awaited and awaited["key"] == level["key"] else "pending")
        chain.append({**level, "state": state, "review": review})
    content.current_version, content.chain, content.my_role = current, chain, role
    content.publications = list(db.session.scalars(select(Publication).where(
        Publication.content_id == content.id).order_by(Publication.published_at)))
    return content


@reader
def content_detail(content_id: int, viewer: User) -> Content:
    """One piece for a member of its contract (to anyone else it does not exist)."""
    content, role = find_content(content_id, viewer)
    return _view(content, role)


def _awaits(content: Content, viewer: User, role: str) -> bool:
    """Whether the viewer may sign the level the piece's current version waits for."""
    if content.next_role != role:
        return False
    current = _current(content)
    if any(r.signer_id == viewer.id for r in valid_reviews(current)):
        return False
    level = next((lv for lv in content.contract.review_chain
                  if lv["key"] == content.next_level), None)
    return level is not None and not (level["rule"] == "not_author"
                and viewer.id in (current.author_id, content.author_id))


@reader
def list_content(viewer: User, *, contract: str, status: str | None = None,
                 awaiting: str | None = None, planned_from: date | None = None,
                 planned_to: date | None = None, page: int = 1, per_page: int = 50) -> Page:
    """The contract's pieces, newest change first; `awaiting=me`: those whose current version
    waits for a signature the viewer may give."""
    found = find_contract(contract)
    role = member_role(viewer, found, f"没有合同：{contract}")
    query = (select(Content).where(Content.contract_id == found.id)
             .options(selectinload(Content.versions).selectinload(ContentVersion.reviews),
                      selectinload(Content.theme))
             .order_by(Content.updated_at.desc(), Content.id.desc()))
    if status:
        query = query.where(Content.status == status)
    if planned_from:
        query = query.where(Content.planned_on >= planned_from)
    if planned_to:
        query = query.where(Content.planned_on <= planned_to)
    if awaiting == "me":
        query = query.where(Content.next_role == role)
        rows = [c for c in db.session.scalars(query) if _awaits(c, viewer, role)]
        return page_of_rows(rows, page, per_page)
    # One page from the database: loading a year's pieces with their versions and signatures
    # to show fifty took 0.6 s (SQL 0.1 s of it).
    return paginate(query, page, per_page)


@reader
def content_history(content_id: int, viewer: User) -> list[dict]:
    """Every version and every signature (void ones too) of a piece: who, when, on which
    hash; oldest first."""
    content, _role = find_content(content_id, viewer)
    events = []
    numbers = {v.id: v.number for v in content.versions}
    for version in content.versions:
        events.append({"at": version.created_at, "event": "version", "actor": version.author,
                       "version": version.number, "sha256": version.sha256,
                       "findings": len(version.findings or [])})
        for review in version.reviews:
            events.append({"at": review.signed_at, "event": "review", "actor": review.signer,
                           "version": version.number, "sha256": version.sha256,
                           "level": review.level, "level_name": review.level_name,
                           "role": review.role, "decision": review.decision,
                           "notes": review.notes, "checklist": review.checklist,
                           "void": review.voided_at is not None, "voided_at": review.voided_at,
                           "voided_by_version": numbers.get(review.voided_by_version_id)})
    for publication in db.session.scalars(select(Publication).where(
            Publication.content_id == content.id)):
        events.append({"at": publication.created_at, "event": "publication",
                       "actor": publication.recorded_by,
                       "version": numbers[publication.version_id],
                       "sha256": publication.version.sha256, "channel": publication.channel,
                       "published_at": publication.published_at, "url": publication.url})
    order = {"version": 0, "review": 1, "publication": 2}
    return sorted(events, key=lambda e: (e["at"], order[e["event"]]))


@reader
def version_attachment(content_id: int, number: int, viewer: User) -> ContentVersion:
    """A version's attachment, to members of the piece's contract."""
    content, _role = find_content(content_id, viewer)
    version = next((v for v in content.versions if v.number == number), None)
    if version is None or version.attachment is None:
        raise NotFoundError(f"该版本没有附件：第 {number} 版")
    return version
