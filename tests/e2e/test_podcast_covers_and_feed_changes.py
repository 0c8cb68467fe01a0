"""A channel's cover image and a published feed that follows every change, over HTTP on the local
stack: the cover is uploaded with the presigned form, checked, re-encoded and kept below the
tenant's module prefix (bad ones are refused and deleted); after publishing, each change to the
channel or its episodes reaches the public feed through the feed job, once."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import feedparser
import requests
from PIL import Image

from tests.audio import m4a, mp3
from tests.e2e import podcasting as pod
from tests.e2e.conftest import Account, Api
from tests.e2e.test_podcasts import LOGOS, booked, module_rows, objects


def channel_row(api: Api, account: Account, channel_id: str) -> dict[str, Any]:
    [row] = [
        r for r in module_rows(api, account.tenant_id) if r["sk"]["S"] == f"MOD#podcasts#CHANNEL#{channel_id}"
    ]
    return row


def feed_of(api: Api, channel_id: str) -> Any:
    fetched = requests.get(f"{api.url}{pod.feed_path(channel_id)}", timeout=30)
    assert fetched.status_code == 200, fetched.text
    parsed = feedparser.parse(fetched.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def podcasts_queue(api: Api) -> str:
    return next(u for u in api.aws("sqs").list_queues()["QueueUrls"] if u.lower().endswith("podcastsqueue"))


def drain(api: Api) -> dict[str, Any]:
    return api.call("POST", "/_local/queues/drain").body


def picture(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# ---------------------------------------------------------------- the cover image
def test_a_cover_is_checked_re_encoded_and_shown_in_the_channel_and_the_feed(api: Api) -> None:
    # Given a channel, and a JPEG cover carrying metadata (a comment) and a CMYK colour space
    admin = booked(api, "Cover Podcast GmbH")
    channel = pod.channel(api, admin)
    source = io.BytesIO()
    Image.new("CMYK", (1400, 1400), (0, 120, 200, 0)).save(source, format="JPEG", comment=b"secret note")

    # When it is uploaded with the presigned form and confirmed
    upload_id = pod.cover_upload(api, admin, channel["id"], source.getvalue(), "image/jpeg")
    confirmed = pod.cover_confirm(api, admin, channel["id"], upload_id)

    # Then the channel has its cover, re-encoded as an RGB JPEG without the metadata, below the
    # module's prefix (so the licence purge finds it); nothing is left below uploads/
    assert confirmed.status == 200, confirmed.body
    cover = confirmed.body["cover"]
    assert cover["content_type"] == "image/jpeg" and cover["side"] == 1400
    assert cover["url"] == f"{api.url}/feeds/{channel['id']}/covers/{upload_id}.jpg"
    assert confirmed.headers["ETag"] == '"2"'
    [kept] = objects(api, f"tenants/{admin.tenant_id}/modules/podcasts/covers/")
    assert kept == f"tenants/{admin.tenant_id}/modules/podcasts/covers/{channel['id']}-{upload_id}.jpg"
    stored = api.aws("s3").get_object(Bucket=LOGOS, Key=kept)
    image = picture(stored["Body"].read())
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (1400, 1400))
    assert "comment" not in image.info and stored["ContentType"] == "image/jpeg"
    assert objects(api, f"uploads/tenants/{admin.tenant_id}/") == []
    assert channel_row(api, admin, channel["id"])["cover"]["M"]["key"]["S"] == kept
    read = api.call("GET", f"{pod.channels(admin)}/{channel['id']}", token=admin.token)
    assert read.body["cover"] == cover

    # The public cover route answers only once the channel is published
    assert requests.get(cover["url"], allow_redirects=False, timeout=30).status_code == 404
    pod.with_audio(api, admin, channel["id"])
    pod.publish(api, admin, channel["id"])
    feed = feed_of(api, channel["id"])
    assert feed.feed.image.href == cover["url"]  # itunes:image
    redirect = requests.get(cover["url"], allow_redirects=False, timeout=30)
    assert redirect.status_code == 302, redirect.text
    served = picture(requests.get(redirect.headers["Location"], timeout=30).content)
    assert served.size == (1400, 1400)

    # A new cover (a PNG with transparency) replaces the old one, object and all
    png_id = pod.cover_upload(
        api, admin, channel["id"], pod.image(1500, kind="PNG", mode="RGBA"), "image/png"
    )
    replaced = pod.cover_confirm(api, admin, channel["id"], png_id)
    assert replaced.status == 200, replaced.body
    assert replaced.body["cover"]["url"].endswith(f"/covers/{png_id}.png")
    [now_kept] = objects(api, f"tenants/{admin.tenant_id}/modules/podcasts/covers/")
    assert now_kept.endswith(f"{channel['id']}-{png_id}.png")
    again = picture(api.aws("s3").get_object(Bucket=LOGOS, Key=now_kept)["Body"].read())
    assert (again.format, again.mode, again.size) == ("PNG", "RGB", (1500, 1500))
    assert requests.get(cover["url"], allow_redirects=False, timeout=30).status_code == 404  # the old one


def test_bad_covers_are_refused_with_a_reason_and_deleted(api: Api) -> None:
    admin = booked(api, "Schlechtes Bild GmbH")
    channel = pod.channel(api, admin)
    base = f"{pod.channels(admin)}/{channel['id']}/cover"

    gif = api.call("POST", f"{base}/upload", token=admin.token, json_body={"content_type": "image/gif"})
    assert (gif.status, gif.body["error"]["code"]) == (422, "invalid_cover")
    form = api.call("POST", f"{base}/upload", token=admin.token, json_body={"content_type": "image/png"})
    policy = json.loads(__import__("base64").b64decode(form.body["fields"]["policy"]))
    assert ["content-length-range", 1, 8 * 1024 * 1024] in policy["conditions"]  # larger: refused by S3

    before = module_rows(api, admin.tenant_id)
    cases = [
        (b"Kein Bild, nur Text in cover.jpg.\n" * 100, "image/jpeg", "not a JPEG"),
        (pod.image(1400, kind="PNG"), "image/jpeg", "not a JPEG"),  # a PNG said to be a JPEG
        (pod.image(1400, kind="GIF", mode="P"), "image/png", "not a PNG"),
        (pod.image(1399), "image/jpeg", "at least 1400×1400"),
        (pod.image(3001, kind="PNG", mode="L"), "image/png", "pixels"),  # over 3000 a side
        (pod.image(1400, 1600), "image/jpeg", "square"),
        (pod.image(1400)[:5000], "image/jpeg", "damaged"),  # cut off
        (b"\xff\xd8\xff" + bytes(8 * 1024 * 1024), "image/jpeg", "bytes"),  # over 8 MiB
    ]
    for data, content_type, reason in cases:
        upload_id = pod.cover_upload(api, admin, channel["id"], data, content_type)
        reply = pod.cover_confirm(api, admin, channel["id"], upload_id)
        assert (reply.status, reply.body["error"]["code"]) == (422, "invalid_cover"), reason
        assert reason in reply.body["error"]["message"], reply.body
    assert module_rows(api, admin.tenant_id) == before
    assert objects(api, f"uploads/tenants/{admin.tenant_id}/") == []
    assert objects(api, f"tenants/{admin.tenant_id}/modules/podcasts/") == []


def test_a_foreign_or_expired_upload_id_is_refused(api: Api) -> None:
    from kontor import ids

    owner, stranger = booked(api, "Bild Eigner GmbH"), booked(api, "Bild Fremder GmbH")
    mine, theirs = pod.channel(api, owner), pod.channel(api, stranger)
    # Another tenant's upload, and another channel's of the same tenant, name nothing here
    foreign_id = pod.cover_upload(api, stranger, theirs["id"], pod.image(1400), "image/jpeg")
    other = pod.channel(api, owner, title="Zweiter Kanal")
    sibling_id = pod.cover_upload(api, owner, other["id"], pod.image(1400), "image/jpeg")
    before = api.table()
    for upload_id in (foreign_id, sibling_id, "0" * 26):
        reply = pod.cover_confirm(api, owner, mine["id"], upload_id)
        assert (reply.status, reply.body["error"]["code"]) == (404, "upload_not_found")
    assert api.table() == before
    assert len(objects(api, f"uploads/tenants/{stranger.tenant_id}/")) == 1  # left alone
    assert len(objects(api, f"uploads/tenants/{owner.tenant_id}/")) == 1

    # An upload whose form expired long ago (its id carries the time it was signed)
    clock = api.call("GET", "/_local/clock").body["now"]
    from datetime import datetime, timedelta

    then = datetime.fromisoformat(clock.replace("Z", "+00:00")) - timedelta(hours=2)
    stale_id = ids.new_id_at(int(then.timestamp() * 1000))
    key = f"uploads/tenants/{owner.tenant_id}/modules/podcasts/upload-cover-{mine['id']}-{stale_id}"
    api.aws("s3").put_object(Bucket=LOGOS, Key=key, Body=pod.image(1400), ContentType="image/jpeg")
    late = pod.cover_confirm(api, owner, mine["id"], stale_id)
    assert (late.status, late.body["error"]["code"]) == (422, "upload_expired")
    assert objects(api, key) == []
    assert api.table() == before


# ---------------------------------------------------------------- the feed follows every change
def test_after_publishing_every_change_reaches_the_public_feed_through_the_feed_job(api: Api) -> None:
    admin = booked(api, "Immer Aktuell Podcast GmbH")
    channel = pod.channel(api, admin)
    path = f"{pod.channels(admin)}/{channel['id']}"
    first = pod.with_audio(api, admin, channel["id"], title="Folge 1")
    pod.publish(api, admin, channel["id"])
    drain(api)
    assert [e.title for e in feed_of(api, channel["id"]).entries] == ["Folge 1"]

    def changed(reply: Any, status: int = 200) -> Any:
        """The change is committed with the feed due; the feed job then renders it, once."""
        assert reply.status == status, reply.body
        row = channel_row(api, admin, channel["id"])
        assert "render_token" in row and row["due_pk"]["S"].startswith("DUE#PODCAST_FEED#")
        worked = drain(api)
        assert worked["processed"] >= 1 and worked["calls"].get("s3.PutObject", 0) >= 1, worked
        after = channel_row(api, admin, channel["id"])
        assert "render_token" not in after and "due_pk" not in after  # nothing left to do
        return feed_of(api, channel["id"])

    # The channel changes: the feed's title follows (the worker renders it, not the request)
    patched = api.call(
        "PATCH", path, token=admin.token, json_body={"title": "Neuer Titel"}, headers={"If-Match": '"2"'}
    )
    assert feed_of(api, channel["id"]).feed.title == "Kontor Funk"  # not yet: queued
    assert changed(patched).feed.title == "Neuer Titel"

    # An episode is created: the feed is rendered again (no audio yet, so not listed)
    made = api.call(
        "POST",
        f"{path}/episodes",
        token=admin.token,
        json_body={"title": "Folge 2", "description": "D", "published_at": pod.PAST},
    )
    assert [e.title for e in changed(made, 201).entries] == ["Folge 1"]

    # Its audio is confirmed: it appears
    upload_id = pod.upload(api, admin, channel["id"], made.body["id"], m4a(30), "audio/mp4")
    confirmed = pod.confirm(api, admin, channel["id"], made.body["id"], upload_id)
    entries = changed(confirmed).entries
    assert {e.title for e in entries} == {"Folge 1", "Folge 2"}
    assert next(e for e in entries if e.title == "Folge 2").itunes_duration == "00:00:30"

    # An episode is changed: its title follows
    renamed = api.call(
        "PATCH",
        f"{path}/episodes/{first['id']}",
        token=admin.token,
        json_body={"title": "Folge 1 (neu)"},
        headers={"If-Match": f'"{first["version"]}"'},
    )
    assert {e.title for e in changed(renamed).entries} == {"Folge 1 (neu)", "Folge 2"}

    # The cover changes: itunes:image follows
    cover_id = pod.cover_upload(api, admin, channel["id"], pod.image(1400), "image/jpeg")
    covered = pod.cover_confirm(api, admin, channel["id"], cover_id)
    assert changed(covered).feed.image.href == covered.body["cover"]["url"]

    # An episode is deleted: it leaves the feed, and its audio is deleted
    audio_before = objects(api, f"tenants/{admin.tenant_id}/modules/podcasts/audio/")
    gone = api.call("DELETE", f"{path}/episodes/{made.body['id']}", token=admin.token)
    assert [e.title for e in changed(gone, 204).entries] == ["Folge 1 (neu)"]
    assert len(objects(api, f"tenants/{admin.tenant_id}/modules/podcasts/audio/")) == len(audio_before) - 1

    # The job is idempotent: the same message again, or the schedule, renders nothing anew
    stored = f"tenants/{admin.tenant_id}/modules/podcasts/feeds/{channel['id']}.xml"
    feed_bytes = api.aws("s3").get_object(Bucket=LOGOS, Key=stored)["Body"].read()
    time.sleep(1.1)  # a render would write a later lastBuildDate
    queue = podcasts_queue(api)
    api.aws("sqs").send_message(
        QueueUrl=queue, MessageBody=json.dumps({"job": "podcast.feeds", "tenant_id": admin.tenant_id})
    )
    drain(api)
    api.call("POST", "/_local/schedules/PodcastFeedSchedule")
    assert api.aws("s3").get_object(Bucket=LOGOS, Key=stored)["Body"].read() == feed_bytes


def test_a_lost_message_is_made_good_by_the_schedule(api: Api) -> None:
    """The due marker is committed with the change: if the message never arrives, the feed job's
    schedule finds the channel and renders it."""
    admin = booked(api, "Verlorene Nachricht GmbH")
    channel = pod.channel(api, admin)
    pod.with_audio(api, admin, channel["id"])
    pod.publish(api, admin, channel["id"])
    drain(api)
    queue = podcasts_queue(api)

    renamed = api.call(
        "PATCH",
        f"{pod.channels(admin)}/{channel['id']}",
        token=admin.token,
        json_body={"title": "Trotzdem"},
        headers={"If-Match": '"2"'},
    )
    assert renamed.status == 200, renamed.body
    api.aws("sqs").purge_queue(QueueUrl=queue)  # the message is lost
    assert feed_of(api, channel["id"]).feed.title == "Kontor Funk"

    fired = api.call("POST", "/_local/schedules/PodcastFeedSchedule").body

    assert fired["result"]["dispatched"] >= 1
    assert feed_of(api, channel["id"]).feed.title == "Trotzdem"
    assert "due_pk" not in channel_row(api, admin, channel["id"])


# ---------------------------------------------------------------- deleting an episode
def test_deleting_an_episode_with_audio_deletes_the_audio_object(api: Api) -> None:
    admin = booked(api, "Aufgeräumt Podcast GmbH")
    channel = pod.channel(api, admin)
    kept = pod.with_audio(api, admin, channel["id"], mp3(3), title="Bleibt")
    doomed = pod.with_audio(api, admin, channel["id"], mp3(5), title="Geht")
    prefix = f"tenants/{admin.tenant_id}/modules/podcasts/audio/"
    assert len(objects(api, prefix)) == 2

    reply = api.call(
        "DELETE",
        f"{pod.channels(admin)}/{channel['id']}/episodes/{doomed['id']}",
        token=admin.token,
        headers={"If-Match": f'"{doomed["version"]}"'},
    )

    assert reply.status == 204
    [left] = objects(api, prefix)
    assert left.startswith(f"{prefix}{kept['id']}-")
    assert [
        r["sk"]["S"].rsplit("#", 1)[1] for r in module_rows(api, admin.tenant_id) if "EPISODE" in r["sk"]["S"]
    ] == [kept["id"]]
    missing = api.call(
        "GET", f"{pod.channels(admin)}/{channel['id']}/episodes/{doomed['id']}", token=admin.token
    )
    assert (missing.status, missing.body["error"]["code"]) == (404, "episode_not_found")


# ---------------------------------------------------------------- the README's walk-through
def test_the_readme_podcasts_walkthrough_runs_as_written(api: Api, tmp_path: Any) -> None:
    """Signed in as the README's first walk-through does it, then the podcasts block: book, a
    channel, its cover and an episode's audio, publish, and subscribe without signing in."""
    import os
    import re
    import subprocess

    from tests.e2e.test_readme import walkthrough

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- podcasts walkthrough[^>]*-->\s*```bash\n(.*?)```", readme, re.S)
    assert found, "the README lost its podcasts walk-through"
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", walkthrough() + found.group(1)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "API": api.url, "EMAIL": "podcasts-readme@example.com"},
        check=False,
    )

    assert result.returncode == 0, result.stderr + result.stdout
    lines = result.stdout.splitlines()
    [feed] = [line for line in lines if line.startswith("feed: ")]
    assert re.fullmatch(rf"feed: Kontor Funk \| cover: {re.escape(api.url)}/feeds/\w+/covers/\w+\.png", feed)
    [episode] = [line for line in lines if line.startswith("episode: ")]
    assert re.fullmatch(
        rf"episode: Folge 1 00:00:10 {re.escape(api.url)}/feeds/\w+/episodes/\w+\.mp3", episode
    )
    assert "audio: 200 159711 bytes" in lines
