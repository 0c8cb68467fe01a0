"""Podcasts over HTTP on the local stack: book, a channel, an episode's audio through the presigned
form, publish; a real feed parser reads the public feed without sign-in and the enclosure
redirects to the audio bytes. Bad audio and foreign tenants are refused with nothing written."""

from __future__ import annotations

import base64
import json
from typing import Any

import feedparser
import requests

from tests.audio import m4a, mp3
from tests.e2e import podcasting as pod
from tests.e2e.conftest import Account, Api

LOGOS = "kontor-local-logosbucket"


def module_rows(api: Api, tenant_id: str) -> list[dict[str, Any]]:
    return [
        i
        for i in api.table()
        if i["pk"]["S"] == f"TENANT#{tenant_id}" and i["sk"]["S"].startswith("MOD#podcasts#")
    ]


def objects(api: Api, prefix: str) -> list[str]:
    listed = api.aws("s3").list_objects_v2(Bucket=LOGOS, Prefix=prefix)
    return sorted(o["Key"] for o in listed.get("Contents", []))


def booked(api: Api, name: str) -> Account:
    admin = api.new_account(name)
    api.book(admin, "podcasts")
    return admin


def test_without_the_licence_the_routes_answer_licence_required(api: Api) -> None:
    admin = api.new_account("Ohne Podcast GmbH")
    reply = api.call("POST", pod.channels(admin), token=admin.token, json_body=pod.CHANNEL)
    assert (reply.status, reply.body["error"]["code"]) == (403, "licence_required")
    assert module_rows(api, admin.tenant_id) == []


def test_publish_and_subscribe_without_sign_in(api: Api) -> None:
    admin = booked(api, "Podcast GmbH")
    channel = pod.channel(api, admin)
    first = pod.with_audio(api, admin, channel["id"], mp3(10), episode_number=1, season_number=1)
    second_made = pod.episode(api, admin, channel["id"], title="Folge 2", published_at="2026-02-02T06:00:00Z")
    upload_id = pod.upload(api, admin, channel["id"], second_made["id"], m4a(125), "audio/mp4")
    second = pod.confirm(api, admin, channel["id"], second_made["id"], upload_id).body
    pod.with_audio(api, admin, channel["id"], title="Bald", published_at="2099-01-01T06:00:00Z")  # scheduled
    pod.episode(api, admin, channel["id"], title="Entwurf", published_at=None)  # a draft without audio

    assert first["audio"] == {"content_type": "audio/mpeg", "bytes": len(mp3(10)), "duration_seconds": 10}
    assert second["audio"] == {"content_type": "audio/mp4", "bytes": len(m4a(125)), "duration_seconds": 125}
    # The audio moved below the module's prefix; nothing is left in uploads/.
    assert objects(api, f"uploads/tenants/{admin.tenant_id}/") == []
    assert len(objects(api, f"tenants/{admin.tenant_id}/modules/podcasts/audio/")) == 3

    unpublished = api.call("GET", pod.feed_path(channel["id"]))
    assert (unpublished.status, unpublished.body["error"]["code"]) == (404, "not_found")
    published = pod.publish(api, admin, channel["id"])
    assert published["published"] is True
    assert published["feed_url"] == f"{api.url}/feeds/{channel['id']}.xml"

    fetched = requests.get(published["feed_url"], timeout=30)  # no Authorization header
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(fetched.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert feed.feed.title == "Kontor Funk" and feed.feed.language == "de"
    assert feed.feed.author == "Schmidt GmbH"
    # Apple's current values; feedparser maps only the older "yes"/"clean", so read the XML itself.
    assert "<itunes:explicit>false</itunes:explicit>" in fetched.text
    assert feed.feed.tags[0]["term"] == "Business"
    assert feed.namespaces["itunes"] == "http://www.itunes.com/dtds/podcast-1.0.dtd"
    assert [e.title for e in feed.entries] == ["Folge 2", "Folge 1"]  # newest first; none scheduled or drafts
    newest, oldest = feed.entries
    assert oldest.id == first["id"] and oldest.itunes_duration == "00:00:10"
    assert oldest.itunes_episode == "1" and oldest.itunes_season == "1"
    [enclosure] = oldest.enclosures
    assert enclosure.type == "audio/mpeg" and int(enclosure.length) == len(mp3(10))
    assert enclosure.href == f"{api.url}/feeds/{channel['id']}/episodes/{first['id']}.mp3"
    assert newest.enclosures[0].href.endswith(f"{second['id']}.m4a") and newest.itunes_duration == "00:02:05"

    # The enclosure redirects to a short-lived link of the audio bytes.
    redirect = requests.get(enclosure.href, allow_redirects=False, timeout=30)
    assert redirect.status_code == 302
    audio = requests.get(redirect.headers["Location"], timeout=30)
    assert audio.content == mp3(10)

    # Republishing keeps each episode's GUID.
    pod.publish(api, admin, channel["id"])
    again = feedparser.parse(requests.get(published["feed_url"], timeout=30).content)
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    # A scheduled episode's audio is not handed out before its time.
    listed = api.call("GET", f"{pod.channels(admin)}/{channel['id']}/episodes", token=admin.token).body[
        "items"
    ]
    scheduled = next(e for e in listed if e["title"] == "Bald")
    early = requests.get(f"{api.url}/feeds/{channel['id']}/episodes/{scheduled['id']}.mp3", timeout=30)
    assert early.status_code == 404


def test_bad_audio_answers_invalid_audio_and_is_deleted(api: Api) -> None:
    admin = booked(api, "Schlechter Ton GmbH")
    channel = pod.channel(api, admin)
    made = pod.episode(api, admin, channel["id"])
    base = f"{pod.channels(admin)}/{channel['id']}/episodes/{made['id']}/audio"

    ogg = api.call("POST", f"{base}/upload", token=admin.token, json_body={"content_type": "audio/ogg"})
    assert (ogg.status, ogg.body["error"]["code"]) == (422, "invalid_audio")

    form = api.call(
        "POST", f"{base}/upload", token=admin.token, json_body={"content_type": "audio/mpeg"}
    ).body
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    assert ["content-length-range", 1, 200 * 1024 * 1024] in policy["conditions"]  # 201 MiB: refused by S3
    assert form["max_bytes"] == 200 * 1024 * 1024

    before = module_rows(api, admin.tenant_id)
    cases = [
        (b"Dies ist eine Textdatei, umbenannt in folge.mp3.\n" * 200, "audio/mpeg"),
        (m4a(30), "audio/mpeg"),  # an M4A said to be an MP3
        (mp3(5), "audio/mp4"),  # an MP3 said to be an M4A
        (mp3(0.5), "audio/mpeg"),  # under a second
    ]
    for data, content_type in cases:
        upload_id = pod.upload(api, admin, channel["id"], made["id"], data, content_type)
        reply = pod.confirm(api, admin, channel["id"], made["id"], upload_id)
        assert (reply.status, reply.body["error"]["code"]) == (422, "invalid_audio"), content_type
    assert module_rows(api, admin.tenant_id) == before
    assert objects(api, f"uploads/tenants/{admin.tenant_id}/") == []
    assert objects(api, f"tenants/{admin.tenant_id}/modules/podcasts/") == []
    missing = pod.confirm(api, admin, channel["id"], made["id"], "0" * 26)
    assert (missing.status, missing.body["error"]["code"]) == (404, "upload_not_found")


def test_another_tenants_channel_is_not_found(api: Api) -> None:
    owner, stranger = booked(api, "Eigener Podcast GmbH"), booked(api, "Fremder Podcast GmbH")
    channel = pod.channel(api, owner)
    before = api.table()

    mine = api.call("GET", f"{pod.channels(stranger)}/{channel['id']}", token=stranger.token)
    episodes = api.call(
        "POST",
        f"{pod.channels(stranger)}/{channel['id']}/episodes",
        token=stranger.token,
        json_body={"title": "x", "description": "y"},
    )
    theirs = api.call("GET", f"{pod.channels(owner)}/{channel['id']}", token=stranger.token)

    assert (mine.status, mine.body["error"]["code"]) == (404, "channel_not_found")
    assert (episodes.status, episodes.body["error"]["code"]) == (404, "channel_not_found")
    assert (theirs.status, theirs.body["error"]["code"]) == (404, "tenant_not_found")
    assert api.table() == before


def test_channels_and_episodes_change_with_their_version(api: Api) -> None:
    admin = booked(api, "Versionen Podcast GmbH")
    channel = pod.channel(api, admin)
    path = f"{pod.channels(admin)}/{channel['id']}"
    changed = api.call(
        "PATCH", path, token=admin.token, json_body={"title": "Neu"}, headers={"If-Match": '"1"'}
    )
    stale = api.call(
        "PATCH", path, token=admin.token, json_body={"title": "Alt"}, headers={"If-Match": '"1"'}
    )
    assert changed.status == 200 and changed.body["title"] == "Neu" and changed.headers["ETag"] == '"2"'
    assert stale.status == 412
    made = pod.episode(api, admin, channel["id"])
    full = api.call("DELETE", path, token=admin.token)
    assert (full.status, full.body["error"]["code"]) == (409, "channel_not_empty")
    assert api.call("DELETE", f"{path}/episodes/{made['id']}", token=admin.token).status == 204
    assert api.call("DELETE", path, token=admin.token).status == 204
    assert module_rows(api, admin.tenant_id) == []


def test_a_retried_create_answers_the_first_and_new_audio_replaces_the_old(api: Api) -> None:
    admin = booked(api, "Wiederholung Podcast GmbH")
    key = {"Idempotency-Key": "channel-once"}
    first = api.call("POST", pod.channels(admin), token=admin.token, json_body=pod.CHANNEL, headers=key)
    again = api.call("POST", pod.channels(admin), token=admin.token, json_body=pod.CHANNEL, headers=key)
    assert first.status == again.status == 201 and first.body == again.body
    episodes = f"{pod.channels(admin)}/{first.body['id']}/episodes"
    body = {"title": "Einmal", "description": "D"}
    key = {"Idempotency-Key": "episode-once"}
    made = api.call("POST", episodes, token=admin.token, json_body=body, headers=key)
    retried = api.call("POST", episodes, token=admin.token, json_body=body, headers=key)
    assert made.status == retried.status == 201 and made.body == retried.body
    assert len(module_rows(api, admin.tenant_id)) == 2

    channel_id, episode_id = first.body["id"], made.body["id"]
    for seconds in (10, 20):
        upload_id = pod.upload(api, admin, channel_id, episode_id, mp3(seconds), "audio/mpeg")
        assert pod.confirm(api, admin, channel_id, episode_id, upload_id).status == 200
    [kept] = objects(api, f"tenants/{admin.tenant_id}/modules/podcasts/audio/")
    read = api.call("GET", f"{episodes}/{episode_id}", token=admin.token).body
    assert read["audio"]["duration_seconds"] == 20 and kept.endswith(".mp3")


def test_the_feed_job_renders_a_scheduled_episode_on_the_shared_stack(api: Api) -> None:
    """The job's own calls on this stack (whose clock stays put): an episode due in two seconds."""
    import time
    from datetime import UTC, datetime, timedelta

    admin = booked(api, "Gleich Podcast GmbH")
    channel = pod.channel(api, admin)
    pod.with_audio(api, admin, channel["id"])
    clock = datetime.fromisoformat(api.call("GET", "/_local/clock").body["now"].replace("Z", "+00:00"))
    at = (clock + timedelta(seconds=2)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    pod.with_audio(api, admin, channel["id"], title="Gleich", published_at=at)
    feed_url = pod.publish(api, admin, channel["id"])["feed_url"]
    time.sleep(3)

    fired = api.call("POST", "/_local/schedules/PodcastFeedSchedule").body

    assert fired["result"]["dispatched"] >= 1
    titles = [e.title for e in feedparser.parse(requests.get(feed_url, timeout=30).content).entries]
    assert titles == ["Gleich", "Folge 1"]
