"""Podcast episodes: /tenants/{tenantId}/podcasts/channels/{channelId}/episodes — viewers read,
members write. Every route needs the `podcasts` licence."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from kontor import api, pages
from kontor.access import Role
from podcasts import episodes
from podcasts.api.answers import expected_version, no_content, versioned
from podcasts.api.schemas import CreateEpisodeRequest, EpisodePage, EpisodeResponse, UpdateEpisodeRequest

app = api.make_resolver()
PATH = "/tenants/<tenantId>/podcasts/channels/<channelId>/episodes"


@app.post(PATH, responses={201: {"description": "Created; ETag holds its version."}})
@api.idempotent(app, "podcast_episode.create")
def create(tenantId: str, channelId: str, body: CreateEpisodeRequest) -> Response[EpisodeResponse]:
    episode = episodes.create(api.access(app, Role.MEMBER), channelId, body.fields())
    return versioned(EpisodeResponse.of(episode), episode.version, status=201)


@app.get(PATH)
def list_episodes(
    tenantId: str, channelId: str, limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None
) -> EpisodePage:
    page = episodes.page_of(api.access(app), channelId, limit, cursor)
    return EpisodePage(items=[EpisodeResponse.of(e) for e in page.items], next_cursor=page.next_cursor)


@app.get(f"{PATH}/<episodeId>")
def read(tenantId: str, channelId: str, episodeId: str) -> Response[EpisodeResponse]:
    episode = episodes.get(api.access(app), channelId, episodeId)
    return versioned(EpisodeResponse.of(episode), episode.version)


@app.patch(f"{PATH}/<episodeId>")
def update(
    tenantId: str, channelId: str, episodeId: str, body: UpdateEpisodeRequest
) -> Response[EpisodeResponse]:
    tenant = api.access(app, Role.MEMBER)
    episode = episodes.update(tenant, channelId, episodeId, api.if_match(app), body.changes())
    return versioned(EpisodeResponse.of(episode), episode.version)


@app.delete(f"{PATH}/<episodeId>", responses={204: {"description": "Deleted."}})
def delete(tenantId: str, channelId: str, episodeId: str) -> Response[None]:
    episodes.delete(api.access(app, Role.MEMBER), channelId, episodeId, expected_version(app))
    return no_content()


handler = api.lambda_handler(app)
