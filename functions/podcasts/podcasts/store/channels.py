"""Podcast channels in the table. Rows in, domain objects out.

Every item of the module sits in the tenant's range under `MOD#podcasts#`, so the licence job's
purge removes exactly the module's data; the channel's gsi1 entry (found by channel id alone, for
the public feed) and its due marker belong to the same item and go with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import DoesNotExist

from kontor import db, fences, keys, mapping
from kontor.errors import NotFound, PreconditionFailed
from kontor.models import DueIndex, Gsi1, Item
from podcasts.domain import Channel, Cover, Platform


class PlatformMap(MapAttribute):
    platform = UnicodeAttribute()
    url = UnicodeAttribute()


class CoverMap(MapAttribute):
    key = UnicodeAttribute()
    content_type = UnicodeAttribute()
    side = NumberAttribute()


class ChannelItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#podcasts#CHANNEL#<channel_id>
    GSI1: PODCAST#<channel_id> / CHANNEL  (the public feed finds its tenant)
    DUE (while a published channel has a scheduled episode): DUE#PODCAST_FEED#<shard> / <at>#<tenant_id>"""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_id = Gsi1()
    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due = DueIndex()

    tenant_id = UnicodeAttribute()
    id = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    language = UnicodeAttribute()
    author = UnicodeAttribute()
    category = UnicodeAttribute()
    explicit = BooleanAttribute()
    platforms = ListAttribute(of=PlatformMap, null=True)
    published = BooleanAttribute()
    published_at = UnicodeAttribute(null=True)
    feed_base_url = UnicodeAttribute(null=True)
    next_render_at = UnicodeAttribute(null=True)
    render_token = UnicodeAttribute(null=True)
    cover = CoverMap(null=True)
    version = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


def _channel(item: ChannelItem) -> Channel:
    platforms = tuple(Platform(p.platform, p.url) for p in item.platforms or [])
    cover = mapping.domain(item.cover, Cover) if item.cover is not None else None
    return mapping.domain(item, Channel, platforms=platforms, cover=cover)


def _item(tenant_id: str, channel: Channel, actor_id: str) -> ChannelItem:
    fields = mapping.attributes(channel, ChannelItem, exclude=frozenset({"platforms", "cover"}))
    cover = channel.cover
    due: dict[str, Any] = {}
    if channel.published and channel.next_render_at:
        due = {
            "due_pk": keys.due_pk(keys.PODCAST_FEED_DUE, tenant_id),
            "due_sk": keys.due_sk(channel.next_render_at, tenant_id),
        }
    return ChannelItem(
        keys.tenant_pk(tenant_id),
        keys.podcast_channel_sk(channel.id),
        gsi1pk=keys.podcast_channel_gsi_pk(channel.id),
        gsi1sk=keys.PODCAST_CHANNEL_GSI_SK,
        tenant_id=tenant_id,
        platforms=[PlatformMap(platform=p.platform, url=p.url) for p in channel.platforms] or None,
        cover=CoverMap(key=cover.key, content_type=cover.content_type, side=cover.side) if cover else None,
        updated_by=actor_id,
        **due,
        **fields,
    )


def get(tenant_id: str, channel_id: str) -> Channel:
    try:
        item = ChannelItem.get(
            keys.tenant_pk(tenant_id), keys.podcast_channel_sk(channel_id), consistent_read=True
        )
    except DoesNotExist:
        raise NotFound("No such channel.", code="channel_not_found") from None
    return _channel(item)


def all_of(tenant_id: str) -> list[Channel]:
    """Every channel of the tenant (one Query a page; a tenant has a handful)."""
    return [
        _channel(item)
        for item in ChannelItem.query(
            keys.tenant_pk(tenant_id),
            ChannelItem.sk.startswith(keys.PODCAST_CHANNEL_PREFIX),
            consistent_read=True,
        )
    ]


def find(channel_id: str) -> tuple[str, Channel] | None:
    """The tenant and the channel of a channel id, from the id alone (one Query of gsi1)."""
    for item in ChannelItem.by_id.query(keys.podcast_channel_gsi_pk(channel_id), limit=1):
        return item.tenant_id, _channel(item)
    return None


def write(
    tenant_id: str,
    actor_id: str,
    operation: str,
    channel: Channel,
    expected_version: int | None = None,
    *,
    rendered_from: Channel | None = None,
) -> None:
    """One change of a channel through the tenant's write path, conditional on the version read.
    `rendered_from`: the channel as read before its feed was rendered; the write also needs that no
    episode change asked for a render since (its `render_token`), so a freshly rendered feed never
    clears a request it did not see."""
    tenant_pk, sk = keys.tenant_pk(tenant_id), keys.podcast_channel_sk(channel.id)
    unchanged = ChannelItem.version == expected_version
    if rendered_from is not None:
        token = rendered_from.render_token
        absent = ChannelItem.render_token.does_not_exist()
        unchanged &= ChannelItem.render_token == token if token is not None else absent
    try:
        with fences.write(tenant_id) as tx:
            if operation == "create":
                tx.save(_item(tenant_id, channel, actor_id), condition=ChannelItem.pk.does_not_exist())
            elif operation == "delete":
                tx.delete(ChannelItem(tenant_pk, sk), condition=ChannelItem.version == expected_version)
            else:
                tx.save(_item(tenant_id, channel, actor_id), condition=unchanged)
    except db.Cancelled as cancelled:
        if (tenant_pk, sk) in cancelled.failed:
            raise PreconditionFailed(
                "This channel was changed by someone else; read it again and retry.",
                code="precondition_failed",
            ) from None
        raise


def mark_due(tx: Any, tenant_id: str, channel_id: str, token: str, at: str) -> None:
    """In a change's transaction `tx`: the channel's feed is due at `at` (the channel must exist)."""
    tx.update(
        ChannelItem(keys.tenant_pk(tenant_id), keys.podcast_channel_sk(channel_id)),
        actions=[
            ChannelItem.next_render_at.set(at),
            ChannelItem.render_token.set(token),
            ChannelItem.due_pk.set(keys.due_pk(keys.PODCAST_FEED_DUE, tenant_id)),
            ChannelItem.due_sk.set(keys.due_sk(at, tenant_id)),
        ],
        condition=ChannelItem.pk.exists(),
    )


def rendered(tenant_id: str, channel: Channel, token_read: str | None) -> bool:
    """Note that the feed was rendered (`published_at`, and the next due time or none), unless a
    change asked for a render again since `token_read` was read. Whether it was noted."""
    actions: list[Any] = [
        ChannelItem.published_at.set(channel.published_at),
        ChannelItem.render_token.remove(),
    ]
    if channel.next_render_at:
        actions += [
            ChannelItem.next_render_at.set(channel.next_render_at),
            ChannelItem.due_pk.set(keys.due_pk(keys.PODCAST_FEED_DUE, tenant_id)),
            ChannelItem.due_sk.set(keys.due_sk(channel.next_render_at, tenant_id)),
        ]
    else:
        actions += [
            ChannelItem.next_render_at.remove(),
            ChannelItem.due_pk.remove(),
            ChannelItem.due_sk.remove(),
        ]
    unchanged = (
        ChannelItem.render_token == token_read
        if token_read is not None
        else ChannelItem.render_token.does_not_exist()
    )
    tenant_pk, sk = keys.tenant_pk(tenant_id), keys.podcast_channel_sk(channel.id)
    try:
        with fences.write(tenant_id, system=True) as tx:
            tx.update(
                ChannelItem(tenant_pk, sk), actions=actions, condition=ChannelItem.pk.exists() & unchanged
            )
    except db.Cancelled as cancelled:
        if (tenant_pk, sk) in cancelled.failed:
            return False  # deleted, or changed again: that change's render notes it
        raise
    return True


def tenant_state(tenant_id: str) -> tuple[str | None, Any]:
    """The tenant's status and licences (None when there is no such tenant), for the public routes,
    which pass no tenant gate."""
    from kontor.models import TenantItem

    try:
        row = TenantItem.get(
            keys.tenant_pk(tenant_id),
            keys.TENANT_SK,
            consistent_read=True,
            attributes_to_get=["status", "licences"],
        )
    except DoesNotExist:
        return None, {}
    return row.status or "active", row.licences


def due(partition: str, until: str) -> Iterator[tuple[str, str]]:
    """(tenant_id, due_sk) of every channel marker in `partition` due by `until`."""
    for item in ChannelItem.due.query(partition, ChannelItem.due_sk <= keys.due_until(until)):
        yield keys.tenant_id_of(item.pk), item.due_sk
