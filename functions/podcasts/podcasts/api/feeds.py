"""The public feed routes (no sign-in): GET /feeds/{channelId}.xml and the enclosures'
GET /feeds/{channelId}/episodes/{episodeId}.mp3|m4a and the cover's
GET /feeds/{channelId}/covers/{coverFile}, which redirect to a short-lived link."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from kontor import api
from kontor.errors import NotFound
from podcasts import feeds

app = api.make_resolver()


def _split(name: str, extensions: tuple[str, ...]) -> tuple[str, str]:
    stem, _, extension = name.rpartition(".")
    if not stem or extension not in extensions:
        raise NotFound("No such feed.", code="not_found")
    return stem, extension


@app.get(
    # `<channelId>.xml`: API Gateway allows one name for the variable below /feeds/.
    "/feeds/<channelId>",
    responses={
        200: {
            "description": "The channel's RSS 2.0 feed.",
            "content": {feeds.CONTENT_TYPE.split(";")[0]: {"schema": {"type": "string"}}},
        }
    },
)
def feed(channelId: str) -> Response[str]:
    channel_id, _ = _split(channelId, ("xml",))
    return Response(200, feeds.CONTENT_TYPE, feeds.public_feed(channel_id).decode("utf-8"))


@app.get("/feeds/<channelId>/episodes/<episodeFile>", responses={302: {"description": "To the audio."}})
def enclosure(channelId: str, episodeFile: str) -> Response[None]:
    episode_id, extension = _split(episodeFile, ("mp3", "m4a"))
    link = feeds.enclosure(channelId, episode_id, extension)
    return Response(302, "text/plain", "", headers={"Location": link, "Cache-Control": "no-store"})


@app.get("/feeds/<channelId>/covers/<coverFile>", responses={302: {"description": "To the image."}})
def cover(channelId: str, coverFile: str) -> Response[None]:
    link = feeds.cover(channelId, coverFile)
    return Response(302, "text/plain", "", headers={"Location": link, "Cache-Control": "no-store"})


handler = api.lambda_handler(app)
