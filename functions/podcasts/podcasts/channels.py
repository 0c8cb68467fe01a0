"""Podcast channels: create, change, delete, list, and publish their feeds."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from kontor import clock, ids
from kontor.access import Access
from kontor.errors import Conflict, NotFound, PreconditionFailed
from kontor.observability import count
from podcasts import feeds, store
from podcasts.domain import Channel

_ID = re.compile(r"^[0-9a-z]{26}$")


def known(channel_id: str) -> str:
    if not _ID.match(channel_id):  # a malformed id names nothing: the same 404, without a read
        raise NotFound("No such channel.", code="channel_not_found")
    return channel_id


def _expect(current: Channel, expected_version: int | None) -> int:
    if expected_version is not None and expected_version != current.version:
        raise PreconditionFailed(
            "This channel was changed by someone else; read it again and retry.", code="precondition_failed"
        )
    return current.version


def create(tenant: Access, fields: dict[str, Any]) -> Channel:
    now = clock.iso(clock.now())
    channel = Channel(
        id=ids.new_id(),
        published=False,
        published_at=None,
        feed_base_url=None,
        next_render_at=None,
        version=1,
        created_at=now,
        updated_at=now,
        **fields,
    )
    store.channels.write(tenant.tenant_id, tenant.caller.user_id, "create", channel)
    count("PodcastChannelCreated", tenant.tenant_id)
    return channel


def get(tenant: Access, channel_id: str) -> Channel:
    return store.channels.get(tenant.tenant_id, known(channel_id))


def list_all(tenant: Access) -> list[Channel]:
    return store.channels.all_of(tenant.tenant_id)


def update(tenant: Access, channel_id: str, expected_version: int, changes: dict[str, Any]) -> Channel:
    """Change the fields sent; a published channel's feed is rendered again by the feed job."""
    current = get(tenant, channel_id)
    version = _expect(current, expected_version)
    updated = feeds.stale(
        dataclasses.replace(current, **changes, version=version + 1, updated_at=clock.iso(clock.now()))
    )
    store.channels.write(tenant.tenant_id, tenant.caller.user_id, "update", updated, expected_version=version)
    feeds.announce(tenant.tenant_id, updated)
    return updated


def delete(tenant: Access, channel_id: str, expected_version: int | None) -> None:
    current = get(tenant, channel_id)
    version = _expect(current, expected_version)
    if store.episodes.any_of(tenant.tenant_id, current.id):
        raise Conflict("Delete the channel's episodes first.", code="channel_not_empty")
    store.channels.write(tenant.tenant_id, tenant.caller.user_id, "delete", current, expected_version=version)
    store.objects.delete(feeds.feed_key(tenant.tenant_id, current.id))
    if current.cover is not None:
        store.objects.delete(current.cover.key)
    count("PodcastChannelDeleted", tenant.tenant_id)


def publish(tenant: Access, channel_id: str, base_url: str) -> Channel:
    """Render the channel's feed (episodes whose time has come), store it, and serve it publicly."""
    current = get(tenant, channel_id)
    rendered = feeds.render_and_store(tenant.tenant_id, current, base_url)
    updated = dataclasses.replace(
        rendered, published=True, feed_base_url=base_url, version=current.version + 1
    )
    store.channels.write(
        tenant.tenant_id,
        tenant.caller.user_id,
        "update",
        updated,
        expected_version=current.version,
        rendered_from=current,
    )
    count("PodcastChannelPublished", tenant.tenant_id)
    return updated


def republish_due(tenant_id: str) -> int:
    """The feed job's work for one tenant: render again each published channel whose feed is due
    (a scheduled episode's time has come, or a change asked for it). How many feeds were rendered.

    Safe to run twice: a rendered feed is no longer due. A change committed while its feed was
    being rendered set a new render token, so this render does not clear its marker."""
    now = clock.iso(clock.now())
    rendered = 0
    for channel in store.channels.all_of(tenant_id):
        due = channel.next_render_at is not None and channel.next_render_at <= now
        if not (channel.published and due and channel.feed_base_url):
            continue
        fresh = feeds.render_and_store(tenant_id, channel, str(channel.feed_base_url))
        if store.channels.rendered(tenant_id, fresh, channel.render_token):
            rendered += 1
    return rendered
