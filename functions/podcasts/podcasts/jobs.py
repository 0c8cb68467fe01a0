"""The podcasts' job: render a published channel's feed again when a scheduled episode's time has
come or a change asked for it, one tenant per message. Found through the channel's own due marker
(`DUE#PODCAST_FEED#…`), which lives on the channel item and goes with it; safe to run twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kontor import jobs, keys
from podcasts import channels, feeds, store

PODCAST_FEEDS = feeds.RENDER_JOB


def render_due_feeds(message: dict[str, Any]) -> None:
    channels.republish_due(message["tenant_id"])


def _due(partition: str, until: str) -> Iterator[tuple[str, str]]:
    return store.channels.due(partition, until)


REGISTRY = jobs.Registry(
    "podcasts",
    [jobs.Job(PODCAST_FEEDS, render_due_feeds, due=keys.PODCAST_FEED_DUE)],
    find_due=_due,
)
dispatcher = REGISTRY.dispatcher()
worker = REGISTRY.worker()
