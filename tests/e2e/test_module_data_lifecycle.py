"""The licensed modules' own data through a licence's life, on a stack of its own (the product
clock moves): locked after expiry with the data kept, back when licensed again, purged after the
retention — exactly the module's items — and never brought back by a restore."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser
import pytest
import requests

from tests.e2e import podcasting as pod
from tests.e2e.budgets_modules import SHEET
from tests.e2e.conftest import Account, Api, running_stack
from tests.e2e.test_licences import advance, days_until, module_rows, now, run_licence_job


@pytest.fixture(scope="module")
def stack() -> Iterator[Api]:
    with running_stack("--no-delivery") as api:
        yield api


def grant(api: Api, account: Account, module: str, period: str = "P1M") -> dict[str, Any]:
    reply = api.call(
        "POST",
        f"/operator/tenants/{account.tenant_id}/licences",
        token=api.operator().token,
        json_body={"module": module, "period": period, "note": "Beratung"},
    )
    assert reply.status == 201, reply.body
    return reply.body


def drain(api: Api) -> None:
    assert api.call("POST", "/_local/queues/drain").status == 200


def backup(api: Api, account: Account) -> str:
    made = api.call("POST", f"/tenants/{account.tenant_id}/backups", token=account.token, json_body={})
    assert made.status == 202, made.body
    drain(api)
    return made.body["id"]


def restore(api: Api, account: Account, backup_id: str) -> None:
    asked = api.call("POST", f"/tenants/{account.tenant_id}/backups/{backup_id}/restore", token=account.token)
    assert asked.status == 202, asked.body
    drain(api)
    state = api.call("GET", f"/tenants/{account.tenant_id}/restore", token=account.token).body
    assert state["state"] == "completed", state


def test_price_calculation_locks_keeps_comes_back_and_is_purged_for_good(stack: Api) -> None:
    api = stack
    admin = api.new_account("Kalkulation Lebenslauf GmbH")
    other = api.new_account("Kalkulation Nachbar GmbH")
    grant(api, admin, "price_calculation")
    grant(api, other, "price_calculation", "P12M")  # outlives the whole story: its data stays
    base = f"/tenants/{admin.tenant_id}/price-calculations"
    sheet = api.call("POST", base, token=admin.token, json_body=SHEET).body
    api.call("POST", f"/tenants/{other.tenant_id}/price-calculations", token=other.token, json_body=SHEET)
    saved = backup(api, admin)
    licence = api.call("GET", f"/tenants/{admin.tenant_id}/licences", token=admin.token).body["items"]
    expires_at = next(i for i in licence if i["module"] == "price_calculation")["expires_at"]

    # Past expiry: locked, every route refused, the sheet kept.
    advance(api, days_until(api, expires_at) + 1)
    locked = api.call("GET", f"{base}/{sheet['id']}", token=admin.token)
    assert (locked.status, locked.body["error"]["code"]) == (403, "licence_expired")
    assert api.call("POST", base, token=admin.token, json_body=SHEET).status == 403
    assert len(module_rows(api, admin.tenant_id, "price_calculation")) == 1

    # Granted again: the same sheet, as it was.
    grant(api, admin, "price_calculation")
    back = api.call("GET", f"{base}/{sheet['id']}", token=admin.token)
    assert back.status == 200 and back.body == sheet

    # Past the retention of the second licence: the job deletes the module's items, nothing else.
    licence = api.call("GET", f"/tenants/{admin.tenant_id}/licences", token=admin.token).body["items"]
    purge_at = next(i for i in licence if i["module"] == "price_calculation")["purge_at"]
    advance(api, days_until(api, purge_at) + 1)
    before = [i for i in api.table() if not i["sk"]["S"].startswith("MOD#price_calculation#")]
    run_licence_job(api)
    assert module_rows(api, admin.tenant_id, "price_calculation") == []
    assert len(module_rows(api, other.tenant_id, "price_calculation")) == 1
    after = [i for i in api.table() if not i["sk"]["S"].startswith("MOD#price_calculation#")]
    assert _without_licence_bookkeeping(after) == _without_licence_bookkeeping(before)

    # A backup from before the purge does not bring the purged sheet back.
    restore(api, admin, saved)
    assert module_rows(api, admin.tenant_id, "price_calculation") == []
    grant(api, admin, "price_calculation")
    listed = api.call("GET", base, token=admin.token)
    assert listed.status == 200 and listed.body["items"] == []


def _without_licence_bookkeeping(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in i.items() if not (i["sk"]["S"] == "TENANT" and k in ("licences", "version"))}
        for i in items
        if not i["sk"]["S"].startswith("LICENCE#")
    ]


def test_podcasts_feed_goes_dark_when_locked_returns_when_booked_and_is_purged(stack: Api) -> None:

    api = stack
    admin = api.new_account("Podcast Lebenslauf GmbH")
    api.book(admin, "podcasts")
    channel = pod.channel(api, admin)
    pod.with_audio(api, admin, channel["id"])
    feed_url = pod.publish(api, admin, channel["id"])["feed_url"]
    assert requests.get(feed_url, timeout=30).status_code == 200
    prefix = f"tenants/{admin.tenant_id}/modules/podcasts/"
    assert len(_objects(api, prefix)) == 2  # the audio and the feed

    licence = api.call("GET", f"/tenants/{admin.tenant_id}/licences", token=admin.token).body["items"]
    expires_at = next(i for i in licence if i["module"] == "podcasts")["expires_at"]
    advance(api, days_until(api, expires_at) + 1)
    locked = api.call("GET", pod.channels(admin), token=admin.token)
    assert (locked.status, locked.body["error"]["code"]) == (403, "licence_expired")
    dark = requests.get(feed_url, timeout=30)
    assert dark.status_code == 404 and dark.json()["error"]["code"] == "not_found"
    assert len(module_rows(api, admin.tenant_id, "podcasts")) == 2 and len(_objects(api, prefix)) == 2

    api.book(admin, "podcasts")
    assert requests.get(feed_url, timeout=30).status_code == 200

    licence = api.call("GET", f"/tenants/{admin.tenant_id}/licences", token=admin.token).body["items"]
    purge_at = next(i for i in licence if i["module"] == "podcasts")["purge_at"]
    advance(api, days_until(api, purge_at) + 1)
    run_licence_job(api)
    assert module_rows(api, admin.tenant_id, "podcasts") == []
    assert _objects(api, prefix) == []
    assert requests.get(feed_url, timeout=30).status_code == 404


def _objects(api: Api, prefix: str) -> list[str]:
    listed = api.aws("s3").list_object_versions(Bucket="kontor-local-logosbucket", Prefix=prefix)
    return [v["Key"] for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]


def test_a_scheduled_episode_appears_when_its_time_comes(stack: Api) -> None:

    api = stack
    admin = api.new_account("Podcast Zeitplan GmbH")
    api.book(admin, "podcasts", period="P12M")
    channel = pod.channel(api, admin)
    pod.with_audio(api, admin, channel["id"], title="Schon da")
    at = datetime.fromtimestamp(now(api).timestamp() + 3600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    pod.with_audio(api, admin, channel["id"], title="Geplant", published_at=at)
    feed_url = pod.publish(api, admin, channel["id"])["feed_url"]
    assert [e.title for e in feedparser.parse(requests.get(feed_url, timeout=30).content).entries] == [
        "Schon da"
    ]

    early = api.call("POST", "/_local/schedules/PodcastFeedSchedule").body
    assert early["result"]["dispatched"] == 0  # not yet due: nothing read but the due index
    advance(api, 2 / 24)
    fired = api.call("POST", "/_local/schedules/PodcastFeedSchedule").body

    assert fired["result"]["dispatched"] == 1
    # the tenant's fences, its channels, the channel's episodes, the feed, the channel written
    assert fired["calls"]["work"] == {
        "dynamodb.GetItem": 1,
        "dynamodb.Query": 2,
        "s3.PutObject": 1,
        "dynamodb.TransactWriteItems": 1,
    }
    entries = feedparser.parse(requests.get(feed_url, timeout=30).content).entries
    assert [e.title for e in entries] == ["Geplant", "Schon da"]
    again = api.call("POST", "/_local/schedules/PodcastFeedSchedule").body
    assert again["result"]["dispatched"] == 0  # nothing scheduled any more: the marker is gone
