"""Records and backups over HTTP on the local stack: the issue's "done when" journeys."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from datetime import datetime
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Account, Api
from tests.e2e.people import add_member


def tenant_items(api: Api, tenant_id: str) -> list[dict[str, Any]]:
    return [item for item in api.table() if item["pk"]["S"] == f"TENANT#{tenant_id}"]


def business(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i["sk"]["S"].startswith(("CONTACT#", "APPOINTMENT#"))]


def drain(api: Api) -> dict[str, Any]:
    reply = api.call("POST", "/_local/queues/drain")
    assert reply.status == 200, reply.body
    return reply.body


def download(api: Api, account: Account, backup_id: str) -> list[dict[str, Any]]:
    link = api.call("GET", f"/tenants/{account.tenant_id}/backups/{backup_id}/download", token=account.token)
    assert link.status == 200, link.body
    fetched = requests.get(link.body["url"], timeout=30)
    assert fetched.status_code == 200
    return [json.loads(line) for line in gzip.decompress(fetched.content).splitlines()]


def backup_now(api: Api, account: Account) -> dict[str, Any]:
    made = api.call("POST", f"/tenants/{account.tenant_id}/backups", token=account.token, json_body={})
    assert made.status == 202, made.body
    drain(api)
    done = api.call("GET", f"/tenants/{account.tenant_id}/backups/{made.body['id']}", token=account.token)
    assert done.body["state"] == "completed", done.body
    return done.body


def test_records_backup_download_change_restore(api: Api) -> None:
    admin = api.new_account("Rücksicherung GmbH")
    member = add_member(api, admin.tenant_id, "member")
    base = f"/tenants/{admin.tenant_id}"
    contacts = [
        api.call(
            "POST",
            f"{base}/contacts",
            token=member.token,
            json_body={"kind": kind, "name": name, "tags": ["kunde"]},
        ).body
        for kind, name in [("person", "Erika Mustermann"), ("company", "Muster AG"), ("person", "Max Muster")]
    ]
    appointment = api.call(
        "POST",
        f"{base}/appointments",
        token=member.token,
        json_body={
            "title": "Jahresgespräch",
            "starts_at": "2026-12-10T10:00:00Z",
            "ends_at": "2026-12-10T11:00:00Z",
            "contact_ids": [contacts[0]["id"]],
        },
    ).body
    assert appointment["contact_ids"] == [contacts[0]["id"]]

    # A backup, downloaded and decompressed: the same items as the table.
    backup = backup_now(api, admin)
    saved = business(tenant_items(api, admin.tenant_id))
    lines = download(api, admin, backup["id"])
    assert lines[0]["tenant_id"] == admin.tenant_id and lines[0]["format"] == "kontor-backup"
    assert lines[-1]["trailer"] == {"item_count": backup["item_count"], "checksum": backup["checksum"]}
    assert business(lines[1:-1]) == saved
    assert len(saved) == 4

    # Records changed: one edited, one deleted, one added.
    edited = api.call(
        "PATCH",
        f"{base}/contacts/{contacts[0]['id']}",
        token=member.token,
        json_body={"notes": "geändert"},
        headers={"If-Match": '"1"'},
    )
    assert edited.status == 200, edited.body
    assert api.call("DELETE", f"{base}/contacts/{contacts[1]['id']}", token=member.token).status == 204
    assert (
        api.call(
            "POST", f"{base}/contacts", token=member.token, json_body={"kind": "person", "name": "Neu Hinzu"}
        ).status
        == 201
    )
    changed = business(tenant_items(api, admin.tenant_id))

    restore = api.call("POST", f"{base}/backups/{backup['id']}/restore", token=admin.token)
    assert restore.status == 202, restore.body
    refused = api.call(
        "POST", f"{base}/contacts", token=member.token, json_body={"kind": "person", "name": "X"}
    )
    assert (refused.status, refused.body["error"]["code"]) == (409, "tenant_restoring")
    drain(api)

    status = api.call("GET", f"{base}/restore", token=member.token)
    assert status.body["state"] == "completed", status.body
    assert business(tenant_items(api, admin.tenant_id)) == saved
    pre = download(api, admin, restore.body["pre_restore_backup_id"])
    assert business(pre[1:-1]) == changed
    listed = api.call("GET", f"{base}/backups", token=member.token).body["items"]
    assert [b["kind"] for b in listed] == ["pre_restore", "manual"]
    # The member is still a member: memberships are not rolled back.
    assert api.call("GET", f"{base}/contacts", token=member.token).status == 200


def test_viewers_read_records_but_do_not_write_or_see_backups(api: Api) -> None:
    admin = api.new_account("Leser KG")
    viewer = add_member(api, admin.tenant_id, "viewer")
    base = f"/tenants/{admin.tenant_id}"
    made = api.call("POST", f"{base}/contacts", token=admin.token, json_body={"kind": "person", "name": "A"})

    read = api.call("GET", f"{base}/contacts/{made.body['id']}", token=viewer.token)
    write = api.call(
        "POST", f"{base}/contacts", token=viewer.token, json_body={"kind": "person", "name": "B"}
    )
    backups = api.call("GET", f"{base}/backups", token=viewer.token)

    assert read.status == 200 and read.headers["ETag"] == '"1"'
    assert write.status == 403 and backups.status == 403


def _expected_kept(created: list[str], keep_last: int, keep_daily: int, keep_weekly: int) -> set[str]:
    """The policy's arithmetic, restated plainly: newest N; newest per day and per ISO week."""
    moments = sorted(created, reverse=True)
    kept = set(moments[:keep_last])
    per_day: dict[Any, str] = {}
    per_week: dict[Any, str] = defaultdict(str)
    for moment in moments:
        at = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        per_day.setdefault(at.date(), moment)
        per_week.setdefault(at.isocalendar()[:2], moment)
    kept |= set(list(per_day.values())[:keep_daily])
    kept |= set(list(per_week.values())[:keep_weekly])
    return kept


def test_two_weeks_of_daily_scheduled_backups_are_pruned_to_the_policy(api: Api) -> None:
    admin = api.new_account("Zeitplan GmbH")
    base = f"/tenants/{admin.tenant_id}"
    api.call("POST", f"{base}/contacts", token=admin.token, json_body={"kind": "company", "name": "Kunde"})
    policy = {"schedule": "daily", "keep_last": 2, "keep_daily": 4, "keep_weekly": 3, "keep_monthly": 0}
    assert api.call("PUT", f"{base}/backup-policy", token=admin.token, json_body=policy).status == 200

    for _ in range(14):
        fired = api.call("POST", "/_local/schedules/BackupSchedule")
        assert fired.status == 200, fired.body
        assert api.call("POST", "/_local/clock", json_body={"advance_days": 1}).status == 200
    made = api.call("GET", f"{base}/backups?limit=100", token=admin.token).body["items"]
    pruned = api.call("POST", "/_local/schedules/RetentionSchedule")
    left = api.call("GET", f"{base}/backups?limit=100", token=admin.token).body["items"]

    assert len(made) == 14 and {b["kind"] for b in made} == {"scheduled"}
    assert len({b["created_at"][:10] for b in made}) == 14  # one a day
    assert pruned.status == 200 and pruned.body["result"]["dispatched"] >= 1
    by_time = {b["created_at"]: b["id"] for b in made}
    expected = _expected_kept(list(by_time), keep_last=2, keep_daily=4, keep_weekly=3)
    assert {b["id"] for b in left} == {by_time[m] for m in expected}
    assert 4 <= len(left) < 14


@pytest.mark.parametrize(
    ("schedule", "job"), [("BackupSchedule", "backup.scheduled"), ("RetentionSchedule", "backup.prune")]
)
def test_the_schedules_are_declared_and_fire_locally(api: Api, schedule: str, job: str) -> None:
    listed = api.call("GET", "/_local/schedules").body["schedules"]

    by_schedule = api.call("POST", f"/_local/schedules/{schedule}")
    by_job = api.call("POST", f"/_local/schedules/{job}")

    assert {"name": schedule, "job": job} in [{"name": s["name"], "job": s["job"]} for s in listed]
    assert by_schedule.status == by_job.status == 200
    assert by_schedule.body["result"]["job"] == by_job.body["result"]["job"] == job
