"""A channel's cover image: POST …/channels/{channelId}/cover/upload, then …/cover/confirm (members).

The only podcasts function that loads the image library (the imaging layer)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from kontor import api
from kontor.access import Role
from podcasts import cover
from podcasts.api.answers import public_base_url, versioned
from podcasts.api.schemas import ChannelResponse, CoverConfirmRequest, CoverUploadRequest, CoverUploadResponse

app = api.make_resolver()
PATH = "/tenants/<tenantId>/podcasts/channels/<channelId>/cover"


@app.post(f"{PATH}/upload")
def upload(tenantId: str, channelId: str, body: CoverUploadRequest) -> CoverUploadResponse:
    return CoverUploadResponse(
        **cover.upload_form(api.access(app, Role.MEMBER), channelId, body.content_type)
    )


@app.post(f"{PATH}/confirm")
def confirm(tenantId: str, channelId: str, body: CoverConfirmRequest) -> Response[ChannelResponse]:
    channel = cover.confirm(api.access(app, Role.MEMBER), channelId, body.upload_id)
    return versioned(ChannelResponse.of(channel, public_base_url(app)), channel.version)


handler = api.lambda_handler(app)
