"""Podcast episodes of a channel: create, change, delete, list.

Each change to an episode of a published channel makes the channel's feed due in the same
transaction and asks the feed job to render it (`feeds.render_request`, `feeds.announce`)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from kontor import clock, ids
from kontor.access import Access
from kontor.errors import NotFound, PreconditionFailed
from kontor.observability import count
from kontor.pages import Page
from podcasts import feeds, store
from podcasts.channels import known
from podcasts.domain import Channel, Episode

_ID = re.compile(r"^[0-9a-z]{26}$")


def _known(episode_id: str) -> str:
    if not _ID.match(episode_id):
        raise NotFound("No such episode.", code="episode_not_found")
    return episode_id


def _expect(current: Episode, expected_version: int | None) -> int:
    if expected_version is not None and expected_version != current.version:
        raise PreconditionFailed(
            "This episode was changed by someone else; read it again and retry.", code="precondition_failed"
        )
    return current.version


def _write(tenant: Access, operation: str, episode: Episode, expected_version: int | None = None) -> None:
    """The episode's change, with its published channel's feed made due in the same transaction."""
    channel: Channel = store.channels.get(tenant.tenant_id, episode.channel_id)
    store.episodes.write(
        tenant.tenant_id,
        tenant.caller.user_id,
        operation,
        episode,
        expected_version,
        render=feeds.render_request(channel),
    )
    feeds.announce(tenant.tenant_id, channel)


def create(tenant: Access, channel_id: str, fields: dict[str, Any]) -> Episode:
    now = clock.iso(clock.now())
    episode = Episode(
        id=ids.new_id(),
        channel_id=known(channel_id),
        audio=None,
        version=1,
        created_at=now,
        updated_at=now,
        **fields,
    )
    _write(tenant, "create", episode)
    count("PodcastEpisodeCreated", tenant.tenant_id)
    return episode


def get(tenant: Access, channel_id: str, episode_id: str) -> Episode:
    return store.episodes.get(tenant.tenant_id, known(channel_id), _known(episode_id))


def page_of(tenant: Access, channel_id: str, limit: int, cursor: str | None) -> Page[Episode]:
    store.channels.get(tenant.tenant_id, known(channel_id))  # an unknown channel is a 404, not empty
    return store.episodes.page_of(tenant.tenant_id, channel_id, limit, cursor)


def update(
    tenant: Access, channel_id: str, episode_id: str, expected_version: int, changes: dict[str, Any]
) -> Episode:
    """Change the fields sent; a published channel's feed is rendered again by the feed job."""
    current = get(tenant, channel_id, episode_id)
    version = _expect(current, expected_version)
    updated = dataclasses.replace(current, **changes, version=version + 1, updated_at=clock.iso(clock.now()))
    _write(tenant, "update", updated, version)
    return updated


def set_audio(tenant: Access, current: Episode, audio: Any) -> Episode:
    updated = dataclasses.replace(
        current, audio=audio, version=current.version + 1, updated_at=clock.iso(clock.now())
    )
    _write(tenant, "update", updated, current.version)
    return updated


def delete(tenant: Access, channel_id: str, episode_id: str, expected_version: int | None) -> None:
    current = get(tenant, channel_id, episode_id)
    version = _expect(current, expected_version)
    _write(tenant, "delete", current, version)
    if current.audio is not None:
        store.objects.delete(current.audio.key)
    count("PodcastEpisodeDeleted", tenant.tenant_id)
