"""An episode's audio: the browser uploads it straight to S3, then Kontor reads only its header
to check the format and take the duration, and moves it under the tenant's module prefix.

The header is read through ranged GETs (`store.objects.opened`): a 200 MiB file costs a few
requests of 64 KiB, not its size. mutagen, a small audio-metadata library, is imported only here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, BinaryIO

from kontor import clock, ids
from kontor.access import Access
from kontor.errors import Unprocessable
from podcasts import episodes, store
from podcasts.domain import Audio, Episode

MAX_BYTES = 200 * 1024 * 1024
UPLOAD_LIFETIME = timedelta(minutes=30)
TYPES = {"audio/mpeg": "mp3", "audio/mp4": "m4a"}


def upload_form(tenant: Access, channel_id: str, episode_id: str, content_type: str) -> dict[str, Any]:
    if content_type not in TYPES:
        raise Unprocessable(
            "Only MP3 (audio/mpeg) and M4A (audio/mp4) files are taken.", code="invalid_audio"
        )
    episode = episodes.get(tenant, channel_id, episode_id)
    upload_id = ids.new_id()
    form = store.objects.upload_form(
        store.objects.upload_key(tenant.tenant_id, f"{episode.id}-{upload_id}"),
        content_type,
        MAX_BYTES,
        UPLOAD_LIFETIME,
    )
    return {
        "upload_id": upload_id,
        "url": form["url"],
        "fields": form["fields"],
        "max_bytes": MAX_BYTES,
        "expires_at": clock.iso(clock.now() + UPLOAD_LIFETIME),
    }


def confirm(tenant: Access, channel_id: str, episode_id: str, upload_id: str) -> Episode:
    """Check the uploaded file and make it the episode's audio; refuse anything else with
    `422 invalid_audio` and delete it."""
    episode = episodes.get(tenant, channel_id, episode_id)
    upload = store.objects.upload_key(tenant.tenant_id, f"{episode.id}-{upload_id}")
    size, content_type = store.objects.head(upload)
    if content_type not in TYPES:  # the form fixes the type on AWS; where S3 is emulated, it does not
        store.objects.delete(upload)
        raise Unprocessable(
            "Only MP3 (audio/mpeg) and M4A (audio/mp4) files are taken.", code="invalid_audio"
        )
    if size > MAX_BYTES:
        store.objects.delete(upload)
        raise Unprocessable(
            f"The file has {size} bytes; at most {MAX_BYTES} are allowed.", code="invalid_audio"
        )
    try:
        with store.objects.opened(upload, size) as header:
            seconds = duration(header, content_type)
    except ValueError as reason:
        store.objects.delete(upload)
        raise Unprocessable(f"This audio cannot be used: {reason}.", code="invalid_audio") from None
    key = store.objects.module_key(
        tenant.tenant_id, "audio", f"{episode.id}-{upload_id}.{TYPES[content_type]}"
    )
    store.objects.move(upload, key, content_type)
    updated = episodes.set_audio(tenant, episode, Audio(key, content_type, size, seconds))
    if episode.audio is not None and episode.audio.key != key:
        store.objects.delete(episode.audio.key)
    return updated


def duration(fileobj: BinaryIO, content_type: str) -> int:
    """Whole seconds of an MP3 or M4A from its header; ValueError says what is wrong."""
    from mutagen import MutagenError  # only this function loads the audio library
    from mutagen.mp3 import MP3
    from mutagen.mp4 import MP4

    try:
        audio = MP3(fileobj) if content_type == "audio/mpeg" else MP4(fileobj)
    except MutagenError:
        kind = "an MP3 (MPEG audio)" if content_type == "audio/mpeg" else "an M4A (MPEG-4 audio)"
        raise ValueError(f"it is not {kind} file") from None
    except Exception:  # a damaged header can fail anywhere inside the parser
        raise ValueError("its header is damaged") from None
    if content_type == "audio/mp4" and not str(getattr(audio.info, "codec", "")).startswith(("mp4a", "alac")):
        raise ValueError("it holds no audio track")
    length = float(audio.info.length or 0)
    if length < 1:
        raise ValueError("it is shorter than a second")
    return round(length)
