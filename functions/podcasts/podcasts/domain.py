"""What podcasts work with, free of table rows and HTTP."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    """Where the podcast is also listed (informational: Kontor hosts the feed itself)."""

    platform: str
    url: str


@dataclass(frozen=True)
class Cover:
    """The channel's cover image as checked and re-encoded: a square of `side` pixels."""

    key: str
    content_type: str  # image/jpeg or image/png
    side: int

    @property
    def file(self) -> str:
        """Its name on the public route: new with every cover, so podcast apps fetch it again."""
        return self.key.rsplit("/", 1)[1].split("-", 1)[1]


@dataclass(frozen=True)
class Channel:
    id: str
    title: str
    description: str
    language: str
    author: str
    category: str
    explicit: bool
    platforms: tuple[Platform, ...]
    published: bool  # its feed is served publicly
    published_at: str | None  # when it was last rendered
    feed_base_url: str | None  # the API's public URL the feed's links use (kept for the job)
    next_render_at: str | None  # the next scheduled episode's time, when the feed must change
    version: int
    created_at: str
    updated_at: str
    cover: Cover | None = None
    # Set by each change to a published channel or its episodes, with `next_render_at` now: the
    # feed job renders the feed and clears it only if no newer change set it again meanwhile.
    render_token: str | None = None


@dataclass(frozen=True)
class Audio:
    key: str
    content_type: str  # audio/mpeg or audio/mp4
    bytes: int
    duration_seconds: int


@dataclass(frozen=True)
class Episode:
    id: str
    channel_id: str
    title: str
    description: str
    episode_number: int | None
    season_number: int | None
    published_at: str | None  # None: a draft; in the future: scheduled
    audio: Audio | None
    version: int
    created_at: str
    updated_at: str

    @property
    def extension(self) -> str:
        return "m4a" if self.audio and self.audio.content_type == "audio/mp4" else "mp3"
