"""Content of a contract with a review chain: pieces, their versions, the signatures of the
chain and their publications."""

import io

from flask import send_file

from api.auth import current_user
from api.blueprint import Blueprint
from api.schemas.common import page_of
from api.schemas.content import (
    ContentCreateSchema,
    ContentDetailSchema,
    ContentListArgs,
    ContentReviewSchema,
    ContentSchema,
    ContentUpdateSchema,
    ContentVersionSchema,
    HistoryEventSchema,
    PublicationCreateSchema,
    PublicationListArgs,
    PublicationSchema,
    ReviewCreateSchema,
    VersionCreateSchema,
)
from service.content import publications, review

blp = Blueprint("content", __name__, url_prefix="/api/v1/content",
                description="Content, its versions and the contract's review chain")
publications_blp = Blueprint("publications", __name__, url_prefix="/api/v1/publications",
                             description="What was published where, from signed versions")


def _attachment(data: dict | None):
    if data is None:
        return None
    return review.Attachment(data["filename"], data["content_type"], data["data"])


@blp.route("")
@blp.arguments(ContentListArgs, location="query")
@blp.response(200, page_of(ContentSchema))
def list_content(args):
    """A contract's pieces, newest change first, by status; awaiting=me: those waiting for
    the caller's signature."""
    return review.list_content(current_user(), **args)


@blp.route("", methods=["POST"])
@blp.arguments(ContentCreateSchema)
@blp.response(201, ContentDetailSchema)
def create_content(data):
    """A new piece with its first version (editors and their lead), checked automatically."""
    data["attachment"] = _attachment(data.get("attachment"))
    content = review.create_content(actor=current_user(), **data)
    return review.content_detail(content.id, current_user())


@blp.route("/<id:content_id>")
@blp.response(200, ContentDetailSchema)
def content_detail(content_id):
    """One piece: its versions, the current one with the automatic check's findings, the
    chain's state on it and its publications."""
    return review.content_detail(content_id, current_user())


@blp.route("/<id:content_id>", methods=["PATCH"])
@blp.arguments(ContentUpdateSchema)
@blp.response(200, ContentDetailSchema)
def update_content(data, content_id):
    """Name (or, with null, drop) the monthly theme the piece serves and the day it is planned
    to go out (editors and their lead): a theme of the same contract, a day of its term; no
    new version, no signature voided. Recorded."""
    review.update_content(content_id, actor=current_user(), **data)
    return review.content_detail(content_id, current_user())


@blp.route("/<id:content_id>/history")
@blp.response(200, HistoryEventSchema(many=True))
def content_history(content_id):
    """Every version, signature (void ones too) and publication: who, when, on which hash."""
    return review.content_history(content_id, current_user())


@blp.route("/<id:content_id>/versions", methods=["POST"])
@blp.arguments(VersionCreateSchema)
@blp.response(201, ContentVersionSchema)
def add_version(data, content_id):
    """A new version of the text or attachment: it voids the signatures of earlier ones."""
    if "attachment" in data:
        data["attachment"] = _attachment(data["attachment"])
    return review.add_version(content_id, actor=current_user(), **data)


@blp.route("/<id:content_id>/versions/<id:number>/attachment")
@blp.response(200, {"format": "binary", "type": "string"},
              content_type="application/octet-stream")
def version_attachment(content_id, number):
    """A version's attachment as it was uploaded."""
    version = review.version_attachment(content_id, number, current_user())
    return send_file(io.BytesIO(version.attachment),
                     mimetype="application/octet-stream", as_attachment=True,
                     download_name=version.attachment_name or "attachment")


@blp.route("/<id:content_id>/reviews", methods=["POST"])
@blp.arguments(ReviewCreateSchema)
@blp.response(201, ContentReviewSchema)
def sign(data, content_id):
    """Sign the next level of the chain for the current version: pass or return."""
    return review.sign(content_id, actor=current_user(), **data)


@publications_blp.route("")
@publications_blp.arguments(PublicationListArgs, location="query")
@publications_blp.response(200, page_of(PublicationSchema))
def list_publications(args):
    """A contract's publications, newest first, by channel and day (Asia/Shanghai)."""
    return publications.list_publications(current_user(), **args)


@publications_blp.route("", methods=["POST"])
@publications_blp.arguments(PublicationCreateSchema)
@publications_blp.response(201, PublicationSchema)
def publish(data):
    """Record a publication of a version that passed every level of its chain."""
    return publications.publish(actor=current_user(), **data)


@publications_blp.route("/<id:publication_id>/screenshot")
@publications_blp.response(200, {"format": "binary", "type": "string"},
                           content_type="image/png")
def publication_screenshot(publication_id):
    """The screenshot recorded with a publication (PNG or JPEG)."""
    publication = publications.publication_screenshot(publication_id, current_user())
    return send_file(io.BytesIO(publication.screenshot), mimetype=publication.screenshot_type)
