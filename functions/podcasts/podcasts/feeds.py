"""A channel's RSS feed: rendered on publishing (and by the feed job when a scheduled episode's
time comes), stored in S3, and served on public routes that need no sign-in.

RSS 2.0 with the iTunes podcast namespace, as podcast platforms require it: per episode an
enclosure (URL, length, type), `itunes:duration` and a GUID that is the episode id, so it stays
the same across republishing. Only episodes with audio whose `published_at` has passed appear.
Enclosures point to a public route that redirects to a short-lived presigned URL, so the feed's
URLs never expire. A locked or purged licence, a closed tenant or an unpublished channel answer 404.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from kontor import clock, ids, licences
from kontor.errors import KontorError, NotFound
from kontor.licences import Module
from podcasts import store
from podcasts.domain import Channel, Episode

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/rss+xml; charset=utf-8"
LINK_LIFETIME = timedelta(minutes=15)
ET.register_namespace("itunes", ITUNES)
ET.register_namespace("atom", ATOM)


def feed_key(tenant_id: str, channel_id: str) -> str:
    return store.objects.module_key(tenant_id, "feeds", f"{channel_id}.xml")


def feed_url(base_url: str, channel_id: str) -> str:
    return f"{base_url.rstrip('/')}/feeds/{channel_id}.xml"


def enclosure_url(base_url: str, episode: Episode) -> str:
    return f"{base_url.rstrip('/')}/feeds/{episode.channel_id}/episodes/{episode.id}.{episode.extension}"


def cover_url(base_url: str, channel: Channel) -> str | None:
    if channel.cover is None:
        return None
    return f"{base_url.rstrip('/')}/feeds/{channel.id}/covers/{channel.cover.file}"


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _date(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")), usegmt=True)


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def render(channel: Channel, episodes: list[Episode], base_url: str, now: str) -> bytes:
    """The feed of `channel` with the episodes whose time has come by `now`, newest first."""
    rss = ET.Element("rss", {"version": "2.0"})
    feed = ET.SubElement(rss, "channel")
    url = feed_url(base_url, channel.id)
    _text(feed, "title", channel.title)
    _text(feed, "link", url)
    _text(feed, "description", channel.description)
    _text(feed, "language", channel.language)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"href": url, "rel": "self", "type": "application/rss+xml"})
    _text(feed, f"{{{ITUNES}}}author", channel.author)
    _text(feed, f"{{{ITUNES}}}summary", channel.description)
    cover = cover_url(base_url, channel)
    if cover is not None:
        ET.SubElement(feed, f"{{{ITUNES}}}image", {"href": cover})
    ET.SubElement(feed, f"{{{ITUNES}}}category", {"text": channel.category})
    _text(feed, f"{{{ITUNES}}}explicit", "true" if channel.explicit else "false")
    _text(feed, f"{{{ITUNES}}}type", "episodic")
    _text(feed, "lastBuildDate", _date(now))
    shown = sorted(
        (e for e in episodes if e.audio is not None and e.published_at is not None and e.published_at <= now),
        key=lambda e: (e.published_at, e.id),
        reverse=True,
    )
    for episode in shown:
        if episode.audio is None or episode.published_at is None:  # filtered above; for the checker
            continue
        item = ET.SubElement(feed, "item")
        _text(item, "title", episode.title)
        _text(item, "description", episode.description)
        _text(item, "guid", episode.id, isPermaLink="false")
        _text(item, "pubDate", _date(episode.published_at))
        ET.SubElement(
            item,
            "enclosure",
            {
                "url": enclosure_url(base_url, episode),
                "length": str(episode.audio.bytes),
                "type": episode.audio.content_type,
            },
        )
        _text(item, f"{{{ITUNES}}}duration", _duration(episode.audio.duration_seconds))
        _text(item, f"{{{ITUNES}}}explicit", "true" if channel.explicit else "false")
        if episode.episode_number is not None:
            _text(item, f"{{{ITUNES}}}episode", str(episode.episode_number))
        if episode.season_number is not None:
            _text(item, f"{{{ITUNES}}}season", str(episode.season_number))
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)


def next_change(episodes: list[Episode], now: str) -> str | None:
    """When the feed must be rendered again: the earliest scheduled episode with audio."""
    later = [
        e.published_at for e in episodes if e.audio is not None and e.published_at and e.published_at > now
    ]
    return min(later) if later else None


def render_and_store(tenant_id: str, channel: Channel, base_url: str) -> Channel:
    """Render the channel's feed now and store it; the channel with its render times."""
    now = clock.iso(clock.now())
    episodes = store.episodes.all_of(tenant_id, channel.id)
    store.objects.put(feed_key(tenant_id, channel.id), render(channel, episodes, base_url, now), CONTENT_TYPE)
    return dataclasses.replace(
        channel, published_at=now, next_render_at=next_change(episodes, now), render_token=None
    )


# ---------------------------------------------------------------- rendering again after changes
# A change to a published channel or its episodes makes the channel's feed due now, in the
# change's own transaction (`render_token`, `next_render_at`, the due marker), then asks the feed
# job to render it at once. Should that message be lost, the job's schedule finds the marker.
def render_request(channel: Channel) -> tuple[str, str] | None:
    """(token, now) that make a published channel's feed due; None for an unpublished one."""
    if not channel.published:
        return None
    return ids.new_id(), clock.iso(clock.now())


def stale(channel: Channel) -> Channel:
    """The channel to write with a change of its own: due for rendering when it is published."""
    request = render_request(channel)
    if request is None:
        return channel
    token, now = request
    return dataclasses.replace(channel, render_token=token, next_render_at=now)


def announce(tenant_id: str, channel: Channel) -> None:
    """After the commit: one message to the feed job for a published channel's tenant."""
    if not channel.published:
        return
    from kontor import jobs
    from kontor.observability import logger

    try:
        jobs.send(RENDER_JOB, tenant_id=tenant_id)
    except Exception:  # the due marker is committed: the schedule renders it within minutes
        logger.warning("feed render not queued: the schedule will find it", exc_info=True)


RENDER_JOB = "podcast.feeds"


# ---------------------------------------------------------------- the public routes
_GONE = NotFound("No such feed.", code="not_found")


def _serving(channel_id: str) -> tuple[str, Channel]:
    """The tenant and channel of a public request, or 404 unless the channel is published, the
    tenant open and its podcasts licence active."""
    found = store.channels.find(channel_id)
    if found is None or not found[1].published:
        raise _GONE
    tenant_id, channel = found
    status, held = store.channels.tenant_state(tenant_id)
    if status is None or status == "closed":
        raise _GONE
    try:
        licences.require(licences.of_row(held), Module.PODCASTS)
    except KontorError:
        raise _GONE from None
    return tenant_id, channel


def public_feed(channel_id: str) -> bytes:
    tenant_id, channel = _serving(channel_id)
    body = store.objects.read(feed_key(tenant_id, channel.id))
    if body is None:
        raise _GONE
    return body


def enclosure(channel_id: str, episode_id: str, extension: str) -> str:
    """A short-lived link to an episode's audio, if the feed shows it now."""
    tenant_id, channel = _serving(channel_id)
    try:
        episode = store.episodes.get(tenant_id, channel.id, episode_id)
    except NotFound:
        raise _GONE from None
    now = clock.iso(clock.now())
    shown = episode.audio is not None and episode.published_at is not None and episode.published_at <= now
    if not shown or episode.audio is None or episode.extension != extension:
        raise _GONE
    return store.objects.link(episode.audio.key, LINK_LIFETIME)


def cover(channel_id: str, cover_file: str) -> str:
    """A short-lived link to a published channel's current cover image."""
    _, channel = _serving(channel_id)
    if channel.cover is None or channel.cover.file != cover_file:
        raise _GONE
    return store.objects.link(channel.cover.key, LINK_LIFETIME)
