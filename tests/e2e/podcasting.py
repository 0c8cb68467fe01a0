"""Podcasts on the local stack, as a client does it: channels, episodes, audio posted with the
presigned form, publishing. Shared by the podcast tests and the call budgets."""

from __future__ import annotations

from typing import Any

import requests

from tests.audio import mp3
from tests.e2e.conftest import Account, Api

CHANNEL = {
    "title": "Kontor Funk",
    "description": "Neues aus dem Büro, jede Woche.",
    "language": "de",
    "author": "Schmidt GmbH",
    "category": "Business",
    "explicit": False,
    "platforms": [{"platform": "Spotify", "url": "https://open.spotify.com/show/example"}],
}
PAST = "2026-01-05T06:00:00Z"


def channels(account: Account) -> str:
    return f"/tenants/{account.tenant_id}/podcasts/channels"


def channel(api: Api, account: Account, **changes: Any) -> dict[str, Any]:
    made = api.call("POST", channels(account), token=account.token, json_body={**CHANNEL, **changes})
    assert made.status == 201, made.body
    return made.body


def episode(api: Api, account: Account, channel_id: str, **changes: Any) -> dict[str, Any]:
    body = {"title": "Folge 1", "description": "Wie wir ablegen.", "published_at": PAST, **changes}
    made = api.call("POST", f"{channels(account)}/{channel_id}/episodes", token=account.token, json_body=body)
    assert made.status == 201, made.body
    return made.body


def upload(
    api: Api, account: Account, channel_id: str, episode_id: str, data: bytes, content_type: str
) -> str:
    """Post a file with the presigned form, as a browser would; its upload id."""
    path = f"{channels(account)}/{channel_id}/episodes/{episode_id}/audio/upload"
    form = api.call("POST", path, token=account.token, json_body={"content_type": content_type})
    assert form.status == 200, form.body
    posted = requests.post(
        form.body["url"], data=form.body["fields"], files={"file": ("audio", data, content_type)}, timeout=60
    )
    assert posted.status_code in {200, 201, 204}, posted.text
    return form.body["upload_id"]


def confirm(api: Api, account: Account, channel_id: str, episode_id: str, upload_id: str) -> Any:
    path = f"{channels(account)}/{channel_id}/episodes/{episode_id}/audio/confirm"
    return api.call("POST", path, token=account.token, json_body={"upload_id": upload_id})


def with_audio(
    api: Api, account: Account, channel_id: str, data: bytes | None = None, **changes: Any
) -> dict:
    made = episode(api, account, channel_id, **changes)
    upload_id = upload(api, account, channel_id, made["id"], data or mp3(10), "audio/mpeg")
    confirmed = confirm(api, account, channel_id, made["id"], upload_id)
    assert confirmed.status == 200, confirmed.body
    return confirmed.body


def publish(api: Api, account: Account, channel_id: str) -> dict[str, Any]:
    published = api.call("POST", f"{channels(account)}/{channel_id}/publish", token=account.token)
    assert published.status == 200, published.body
    return published.body


def feed_path(channel_id: str) -> str:
    return f"/feeds/{channel_id}.xml"


def image(width: int, height: int | None = None, kind: str = "JPEG", mode: str = "RGB") -> bytes:
    """A picture made in code (Pillow is a test dependency), e.g. a 1400 px square JPEG."""
    import io

    from PIL import Image

    picture = Image.new(mode, (width, height or width), (200, 30, 60, 128)[: len(mode)])
    out = io.BytesIO()
    picture.save(out, format=kind)
    return out.getvalue()


def cover_upload(api: Api, account: Account, channel_id: str, data: bytes, content_type: str) -> str:
    """Post a cover with the presigned form, as a browser would; its upload id."""
    path = f"{channels(account)}/{channel_id}/cover/upload"
    form = api.call("POST", path, token=account.token, json_body={"content_type": content_type})
    assert form.status == 200, form.body
    posted = requests.post(
        form.body["url"], data=form.body["fields"], files={"file": ("cover", data, content_type)}, timeout=60
    )
    assert posted.status_code in {200, 201, 204}, posted.text
    return form.body["upload_id"]


def cover_confirm(api: Api, account: Account, channel_id: str, upload_id: str) -> Any:
    path = f"{channels(account)}/{channel_id}/cover/confirm"
    return api.call("POST", path, token=account.token, json_body={"upload_id": upload_id})


def with_cover(api: Api, account: Account, channel_id: str, data: bytes | None = None) -> dict[str, Any]:
    upload_id = cover_upload(api, account, channel_id, data or image(1400), "image/jpeg")
    confirmed = cover_confirm(api, account, channel_id, upload_id)
    assert confirmed.status == 200, confirmed.body
    return confirmed.body
