"""Request and response bodies of the podcasts routes (they shape the OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, HttpUrl, StringConstraints, model_validator

from kontor import clock
from podcasts.domain import Audio, Channel, Episode, Platform

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
Category = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
UploadId = Annotated[str, StringConstraints(pattern=r"^[0-9a-z]{26}$")]
Number = Annotated[int, Field(ge=0, le=100_000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlatformBody(_Body):
    platform: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    url: HttpUrl

    def domain(self) -> Platform:
        return Platform(self.platform, str(self.url))


class CreateChannelRequest(_Body):
    title: Title
    description: Description
    language: Language = "de"
    author: Title
    category: Category
    explicit: bool = False
    platforms: list[PlatformBody] = Field(default_factory=list, max_length=20)

    def fields(self) -> dict[str, Any]:
        return {
            **self.model_dump(exclude={"platforms"}),
            "platforms": tuple(p.domain() for p in self.platforms),
        }


class UpdateChannelRequest(_Body):
    """Only the fields sent change."""

    title: Title | None = None
    description: Description | None = None
    language: Language | None = None
    author: Title | None = None
    category: Category | None = None
    explicit: bool | None = None
    platforms: list[PlatformBody] | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _stay_set(self) -> UpdateChannelRequest:
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be removed")
        return self

    def changes(self) -> dict[str, Any]:
        found = {name: getattr(self, name) for name in self.model_fields_set}
        if "platforms" in found:
            found["platforms"] = tuple(p.domain() for p in self.platforms or [])
        return found


class PlatformResponse(BaseModel):
    platform: str
    url: str


class CoverResponse(BaseModel):
    content_type: str
    side: int = Field(description="Width and height in pixels (a square of 1400 to 3000).")
    url: str = Field(
        description="Its public URL (the feed's itunes:image); served once the channel is published."
    )


class ChannelResponse(BaseModel):
    id: str
    title: str
    description: str
    language: str
    author: str
    category: str
    explicit: bool
    platforms: list[PlatformResponse]
    published: bool
    published_at: str | None
    feed_url: str | None = Field(description="The public feed to subscribe to, once published.")
    cover: CoverResponse | None = Field(description="The cover image, once one was confirmed.")
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, channel: Channel, base_url: str) -> ChannelResponse:
        from podcasts.feeds import cover_url, feed_url

        url = (
            feed_url(channel.feed_base_url, channel.id)
            if channel.published and channel.feed_base_url
            else None
        )
        platforms = [PlatformResponse(platform=p.platform, url=p.url) for p in channel.platforms]
        cover = None
        if channel.cover is not None:
            cover = CoverResponse(
                content_type=channel.cover.content_type,
                side=channel.cover.side,
                url=str(cover_url(channel.feed_base_url or base_url, channel)),
            )
        return cls(**{**channel.__dict__, "platforms": platforms, "feed_url": url, "cover": cover})


class ChannelList(BaseModel):
    items: list[ChannelResponse]
    next_cursor: str | None = None


class CreateEpisodeRequest(_Body):
    title: Title
    description: Description
    episode_number: Number | None = None
    season_number: Number | None = None
    published_at: AwareDatetime | None = Field(
        default=None, description="When it appears in the feed; in the future: scheduled; none: a draft."
    )

    def fields(self) -> dict[str, Any]:
        found = self.model_dump()
        found["published_at"] = clock.iso(self.published_at) if self.published_at else None
        return found


class UpdateEpisodeRequest(_Body):
    """Only the fields sent change; `null` clears the numbers and `published_at` (back to a draft)."""

    title: Title | None = None
    description: Description | None = None
    episode_number: Number | None = None
    season_number: Number | None = None
    published_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _stay_set(self) -> UpdateEpisodeRequest:
        for name in {"title", "description"} & self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be removed")
        return self

    def changes(self) -> dict[str, Any]:
        found = {name: getattr(self, name) for name in self.model_fields_set}
        if found.get("published_at") is not None:
            found["published_at"] = clock.iso(found["published_at"])
        return found


class AudioResponse(BaseModel):
    content_type: str
    bytes: int
    duration_seconds: int

    @classmethod
    def of(cls, audio: Audio) -> AudioResponse:
        return cls(
            content_type=audio.content_type, bytes=audio.bytes, duration_seconds=audio.duration_seconds
        )


class EpisodeResponse(BaseModel):
    id: str
    channel_id: str
    title: str
    description: str
    episode_number: int | None
    season_number: int | None
    published_at: str | None
    audio: AudioResponse | None
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, episode: Episode) -> EpisodeResponse:
        audio = AudioResponse.of(episode.audio) if episode.audio else None
        return cls(**{**episode.__dict__, "audio": audio})


class EpisodePage(BaseModel):
    items: list[EpisodeResponse]
    next_cursor: str | None


class AudioUploadRequest(_Body):
    content_type: Annotated[str, StringConstraints(max_length=100)] = Field(
        description="audio/mpeg (MP3) or audio/mp4 (M4A); anything else answers 422 invalid_audio."
    )


class AudioUploadResponse(BaseModel):
    upload_id: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: str


class AudioConfirmRequest(_Body):
    upload_id: UploadId


class CoverUploadRequest(_Body):
    content_type: Annotated[str, StringConstraints(max_length=100)] = Field(
        description="image/jpeg or image/png; anything else answers 422 invalid_cover."
    )


class CoverUploadResponse(BaseModel):
    upload_id: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: str


class CoverConfirmRequest(_Body):
    upload_id: UploadId
