"""Publications: a version of a piece published on one of its channels. Refused unless that
exact version passed every level of its contract's review chain (a contract without one asks
for none); it counts for the day it was published in Asia/Shanghai. A version later superseded
keeps its publications (it was signed when published)."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from models import Content, ContentVersion, Publication, User, db
from service import audit
from service.clock import local_date, now_utc
from service.content.review import (
    WRITERS,
    find_content,
    member_role,
    refresh_status,
    valid_reviews,
)
from service.district.contracts import find_contract
from service.errors import NotFoundError, PermissionDeniedError, field_error, named_in_body
from service.pagination import Page, paginate
from service.transaction import conflicts_as, lock_for_writing, reader, writer

SCREENSHOT_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)


def _screenshot_type(data: bytes) -> str:
    if len(data) > MAX_SCREENSHOT_BYTES:
        raise field_error("screenshot", "截图过大（最多 5 MB）")
    for magic, kind in SCREENSHOT_TYPES.items():
        if data.startswith(magic):
            return kind
    raise field_error("screenshot", "截图应为 PNG 或 JPEG 图片")


@writer
def publish(*, actor: User, content_id: int, version: str, channel: str,
            published_at: datetime, url: str, screenshot: bytes | None = None,
            now: datetime | None = None) -> Publication:
    """Record that a version was published on a channel (editors and their lead)."""
    now = now or now_utc()
    kind = _screenshot_type(screenshot) if screenshot is not None else None
    lock_for_writing()
    with named_in_body("content_id"):
        content, role = find_content(content_id, actor, for_update=True)
    if role not in WRITERS and role != "admin":
        raise PermissionDeniedError("只有编辑或编辑组长可以登记发布")
    signed = next((v for v in content.versions if v.sha256 == version), None)
    if signed is None:
        raise field_error("version", f"该内容没有此版本：{version}")
    # A contract without a review chain (the 2022 district contract) asks for no signature.
    chain = content.contract.review_chain
    passed = [r for r in valid_reviews(signed) if r.decision == "pass"]
    if len(passed) < len(chain):
        missing = [lv["name"] for lv in chain[len(passed):]]
        raise field_error("version", f"该版本（第 {signed.number} 版）未通过全部审核，不能发布"
                                     f"（尚缺：{'、'.join(missing)}）")
    contract = content.contract
    if published_at > now + CLOCK_SKEW:
        raise field_error("published_at", "发布时间不能晚于当前时间")
    if not contract.start_date <= local_date(published_at) <= contract.end_date:
        raise field_error("published_at", f"发布日期不在合同期内（{contract.start_date} 至 "
                                          f"{contract.end_date}，北京时间）")
    keys = [c.key for c in content.contract.channels]
    if channel not in keys:
        raise field_error("channel", f"该合同没有渠道：{channel}（可用：{'、'.join(keys)}）")
    if channel not in content.channels:
        raise field_error("channel", f"该内容未计划在此渠道发布：{channel}"
                                     f"（计划：{'、'.join(content.channels) or '无'}）")
    with conflicts_as("该版本已登记在该渠道发布", "channel"):
        publication = Publication(
            contract_id=content.contract_id, content_id=content.id, version_id=signed.id,
            channel=channel, published_at=published_at, published_on=local_date(published_at),
            url=url, screenshot=screenshot, screenshot_type=kind, recorded_by_id=actor.id,
            created_at=now)
        db.session.add(publication)
        db.session.flush()
    refresh_status(content, now)
    audit.record("publication", publication.id, "create", actor, {
        "content_id": content.id, "version": signed.number, "sha256": signed.sha256,
        "channel": channel, "published_at": audit.plain(published_at), "url": url}, now)
    return publication


@reader
def list_publications(viewer: User, *, contract: str, channel: str | None = None,
                      from_: date | None = None, to: date | None = None, page: int = 1,
                      per_page: int = 50) -> Page:
    """A contract's publications, newest first, by channel and by day (Asia/Shanghai)."""
    found = find_contract(contract)
    member_role(viewer, found, f"没有合同：{contract}")
    if from_ and to and to < from_:
        raise field_error("to", "结束日期不能早于开始日期")
    query = (select(Publication).where(Publication.contract_id == found.id)
             .join(Content, Content.id == Publication.content_id)
             .join(ContentVersion, ContentVersion.id == Publication.version_id)
             .order_by(Publication.published_at.desc(), Publication.id.desc()))
    if channel:
        query = query.where(Publication.channel == channel)
    if from_:
        query = query.where(Publication.published_on >= from_)
    if to:
        query = query.where(Publication.published_on <= to)
    return paginate(query, page, per_page)


@reader
def publication_screenshot(publication_id: int, viewer: User) -> Publication:
    """A publication's screenshot, to members of its contract."""
    publication = db.session.get(Publication, publication_id)
    missing = f"发布记录不存在：{publication_id}"
    if publication is None:
        raise NotFoundError(missing)
    member_role(viewer, publication.content.contract, missing)
    if publication.screenshot is None:
        raise NotFoundError("该发布记录没有截图")
    return publication
