"""Podcast channels: /tenants/{tenantId}/podcasts/channels — viewers read, members write and publish.

Every route needs the `podcasts` licence (`kontor.permissions.MODULE_OF_ROUTE`)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from kontor import api
from kontor.access import Role
from podcasts import channels
from podcasts.api.answers import expected_version, no_content, public_base_url, versioned
from podcasts.api.schemas import ChannelList, ChannelResponse, CreateChannelRequest, UpdateChannelRequest

app = api.make_resolver()
PATH = "/tenants/<tenantId>/podcasts/channels"


@app.post(PATH, responses={201: {"description": "Created; ETag holds its version."}})
@api.idempotent(app, "podcast_channel.create")
def create(tenantId: str, body: CreateChannelRequest) -> Response[ChannelResponse]:
    channel = channels.create(api.access(app, Role.MEMBER), body.fields())
    return versioned(ChannelResponse.of(channel, public_base_url(app)), channel.version, status=201)


@app.get(PATH)
def list_channels(tenantId: str) -> ChannelList:
    base = public_base_url(app)
    return ChannelList(items=[ChannelResponse.of(c, base) for c in channels.list_all(api.access(app))])


@app.get(f"{PATH}/<channelId>")
def read(tenantId: str, channelId: str) -> Response[ChannelResponse]:
    channel = channels.get(api.access(app), channelId)
    return versioned(ChannelResponse.of(channel, public_base_url(app)), channel.version)


@app.patch(f"{PATH}/<channelId>")
def update(tenantId: str, channelId: str, body: UpdateChannelRequest) -> Response[ChannelResponse]:
    channel = channels.update(api.access(app, Role.MEMBER), channelId, api.if_match(app), body.changes())
    return versioned(ChannelResponse.of(channel, public_base_url(app)), channel.version)


@app.delete(f"{PATH}/<channelId>", responses={204: {"description": "Deleted."}})
def delete(tenantId: str, channelId: str) -> Response[None]:
    channels.delete(api.access(app, Role.MEMBER), channelId, expected_version(app))
    return no_content()


@app.post(f"{PATH}/<channelId>/publish")
def publish(tenantId: str, channelId: str) -> Response[ChannelResponse]:
    channel = channels.publish(api.access(app, Role.MEMBER), channelId, public_base_url(app))
    return versioned(ChannelResponse.of(channel, public_base_url(app)), channel.version)


handler = api.lambda_handler(app)
