"""An episode's audio: POST …/episodes/{episodeId}/audio/upload, then …/audio/confirm (members).

The only function that loads the audio-metadata library (its own layer)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from kontor import api
from kontor.access import Role
from podcasts import audio
from podcasts.api.answers import versioned
from podcasts.api.schemas import AudioConfirmRequest, AudioUploadRequest, AudioUploadResponse, EpisodeResponse

app = api.make_resolver()
PATH = "/tenants/<tenantId>/podcasts/channels/<channelId>/episodes/<episodeId>/audio"


@app.post(f"{PATH}/upload")
def upload(tenantId: str, channelId: str, episodeId: str, body: AudioUploadRequest) -> AudioUploadResponse:
    form = audio.upload_form(api.access(app, Role.MEMBER), channelId, episodeId, body.content_type)
    return AudioUploadResponse(**form)


@app.post(f"{PATH}/confirm")
def confirm(
    tenantId: str, channelId: str, episodeId: str, body: AudioConfirmRequest
) -> Response[EpisodeResponse]:
    episode = audio.confirm(api.access(app, Role.MEMBER), channelId, episodeId, body.upload_id)
    return versioned(EpisodeResponse.of(episode), episode.version)


handler = api.lambda_handler(app)
