"""Podcast episodes in the table, under their channel in the module's prefix."""

from __future__ import annotations

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from kontor import db, fences, keys, mapping, pages
from kontor.errors import NotFound, PreconditionFailed
from kontor.models import Item
from kontor.pages import Page
from podcasts.domain import Episode
from podcasts.store import channels
from podcasts.store.channels import ChannelItem


class AudioMap(MapAttribute):
    key = UnicodeAttribute()
    content_type = UnicodeAttribute()
    bytes = NumberAttribute()
    duration_seconds = NumberAttribute()


class EpisodeItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#podcasts#EPISODE#<channel_id>#<episode_id>"""

    id = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    episode_number = NumberAttribute(null=True)
    season_number = NumberAttribute(null=True)
    published_at = UnicodeAttribute(null=True)
    audio = AudioMap(null=True)
    version = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


def _episode(item: EpisodeItem) -> Episode:
    return mapping.domain(item, Episode)


def _item(tenant_id: str, episode: Episode, actor_id: str) -> EpisodeItem:
    fields = mapping.attributes(episode, EpisodeItem, exclude=frozenset({"audio"}))
    audio = None
    if episode.audio is not None:
        audio = AudioMap(
            key=episode.audio.key,
            content_type=episode.audio.content_type,
            bytes=episode.audio.bytes,
            duration_seconds=episode.audio.duration_seconds,
        )
    return EpisodeItem(
        keys.tenant_pk(tenant_id),
        keys.podcast_episode_sk(episode.channel_id, episode.id),
        audio=audio,
        updated_by=actor_id,
        **fields,
    )


def get(tenant_id: str, channel_id: str, episode_id: str) -> Episode:
    try:
        item = EpisodeItem.get(
            keys.tenant_pk(tenant_id), keys.podcast_episode_sk(channel_id, episode_id), consistent_read=True
        )
    except DoesNotExist:
        raise NotFound("No such episode.", code="episode_not_found") from None
    return _episode(item)


def page_of(tenant_id: str, channel_id: str, limit: int, cursor: str | None) -> Page[Episode]:
    partition = keys.tenant_pk(tenant_id)
    results = EpisodeItem.query(
        partition,
        EpisodeItem.sk.startswith(keys.podcast_episodes_prefix(channel_id)),
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(cursor, partition_key="pk", partition=partition),
    )
    items = [_episode(item) for item in results]
    return Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def all_of(tenant_id: str, channel_id: str) -> list[Episode]:
    """Every episode of a channel, for its feed (Query pages of the tenant's range)."""
    return [
        _episode(item)
        for item in EpisodeItem.query(
            keys.tenant_pk(tenant_id),
            EpisodeItem.sk.startswith(keys.podcast_episodes_prefix(channel_id)),
            consistent_read=True,
        )
    ]


def any_of(tenant_id: str, channel_id: str) -> bool:
    found = EpisodeItem.query(
        keys.tenant_pk(tenant_id),
        EpisodeItem.sk.startswith(keys.podcast_episodes_prefix(channel_id)),
        limit=1,
        attributes_to_get=["pk", "sk"],
    )
    return any(True for _ in found)


def write(
    tenant_id: str,
    actor_id: str,
    operation: str,
    episode: Episode,
    expected_version: int | None = None,
    *,
    render: tuple[str, str] | None = None,
) -> None:
    """One change of an episode through the tenant's write path; a new one needs its channel.
    `render` (token, now): the channel is published, and its feed becomes due in the same
    transaction, so the change and the request to show it are committed together."""
    tenant_pk = keys.tenant_pk(tenant_id)
    sk = keys.podcast_episode_sk(episode.channel_id, episode.id)
    channel_sk = keys.podcast_channel_sk(episode.channel_id)
    try:
        with fences.write(tenant_id) as tx:
            if render is not None:
                channels.mark_due(tx, tenant_id, episode.channel_id, *render)
            elif operation == "create":
                tx.condition_check(ChannelItem, tenant_pk, channel_sk, condition=ChannelItem.pk.exists())
            if operation == "create":
                tx.save(_item(tenant_id, episode, actor_id), condition=EpisodeItem.pk.does_not_exist())
            elif operation == "delete":
                tx.delete(EpisodeItem(tenant_pk, sk), condition=EpisodeItem.version == expected_version)
            else:
                tx.save(
                    _item(tenant_id, episode, actor_id), condition=EpisodeItem.version == expected_version
                )
    except db.Cancelled as cancelled:
        if (tenant_pk, channel_sk) in cancelled.failed:
            raise NotFound("No such channel.", code="channel_not_found") from None
        if (tenant_pk, sk) in cancelled.failed:
            raise PreconditionFailed(
                "This episode was changed by someone else; read it again and retry.",
                code="precondition_failed",
            ) from None
        raise
