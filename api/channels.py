"""A contract's channels: the accounts run on each platform, with their posting windows."""

from api.auth import contract_workers, current_user
from api.blueprint import Blueprint
from api.schemas.channels import (
    ChannelArgs,
    ChannelCreateSchema,
    ChannelSchema,
    ChannelUpdateSchema,
)
from api.schemas.common import AuditEntrySchema, page_of
from service.content import channels

blp = Blueprint("channels", __name__, url_prefix="/api/v1/channels",
                description="The accounts a contract runs on each platform")


@blp.route("")
@blp.arguments(ChannelArgs, location="query")
@blp.response(200, page_of(ChannelSchema))
def list_channels(args):
    """The channels of a contract (404 unless the caller belongs to it), or of every contract
    the caller belongs to."""
    return channels.list_channels(current_user(), args.get("contract"), page=args["page"],
                                  per_page=args["per_page"])


@blp.route("", methods=["POST"])
@contract_workers
@blp.arguments(ChannelCreateSchema)
@blp.response(201, ChannelSchema)
def create_channel(data):
    """Add a channel to a contract (admins, the contract's editors' lead); its posting windows
    are checked as the contract file's are; recorded. Reloading the file keeps it."""
    return channels.create_channel(actor=current_user(), **data)


@blp.route("/<id:channel_id>")
@blp.response(200, ChannelSchema)
def get_channel(channel_id):
    """One channel (to the members of its contract)."""
    return channels.get_channel(channel_id, current_user())


@blp.route("/<id:channel_id>", methods=["PATCH"])
@contract_workers
@blp.arguments(ChannelUpdateSchema)
@blp.response(200, ChannelSchema)
def update_channel(data, channel_id):
    """Change a channel's platform name, account, posting windows or source (admins, the
    contract's editors' lead); its key never changes. Recorded."""
    return channels.update_channel(channel_id, actor=current_user(), data=data)


@blp.route("/<id:channel_id>/history")
@blp.response(200, AuditEntrySchema(many=True))
def channel_history(channel_id):
    """Who added and changed the channel, when, from what to what; oldest first."""
    return channels.channel_history(channel_id, current_user())
