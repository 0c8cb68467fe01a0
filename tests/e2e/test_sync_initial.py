"""The first sync on the local stack: refused while a prerequisite fails; scheduled for later it
runs when the product clock reaches it, and the sync fence refuses record writes meanwhile (reads
and the sync's own routes go on); not picked up within 30 minutes it lapses; a restore and a
first sync exclude each other."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.e2e import syncing
from tests.e2e.conftest import Account, Api
from tests.e2e.syncing import register, sync
from tests.e2e.test_records_and_backups import backup_now, drain


def error(reply: Any) -> tuple[int, str]:
    return reply.status, reply.body["error"]["code"]


def ready(api: Api, name: str) -> tuple[Account, str]:
    admin = syncing.book(api, api.new_account(name))
    syncing.complete_profile(api, admin)
    return admin, register(api, admin)["id"]


def now(api: Api) -> datetime:
    return datetime.fromisoformat(api.call("GET", "/_local/clock").body["now"].replace("Z", "+00:00"))


def at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_path(account: Account, client_id: str) -> str:
    return f"{sync(account)}/clients/{client_id}/initial-sync"


def test_a_failed_prerequisite_refuses_the_first_sync_with_the_checks(api: Api) -> None:
    admin = syncing.book(api, api.new_account("Nicht bereit GmbH"))
    client_id = register(api, admin, database_id="SAMPLE", sample_database=True)["id"]
    before = api.table()

    reply = api.call("POST", plan_path(admin, client_id), token=admin.token, json_body={})
    assert error(reply) == (409, "prerequisites_not_met")
    failed = {c["check"] for c in reply.body["error"]["details"]["checks"] if not c["ok"]}
    assert failed == {"not_sample_database", "company_profile_complete"}
    assert api.table() == before

    admin2, real = ready(api, "Fast bereit GmbH")
    reply = api.call("POST", plan_path(admin2, real), token=admin2.token, json_body={"integrations_open": 2})
    assert error(reply) == (409, "prerequisites_not_met")
    bad = api.call("POST", plan_path(admin2, real), token=admin2.token, json_body={"start_at": "morgen"})
    assert error(bad) == (422, "validation_error")
    missing = api.call("GET", plan_path(admin2, real), token=admin2.token)
    assert error(missing) == (404, "initial_sync_not_found")


def test_a_first_sync_scheduled_for_later_runs_behind_the_sync_fence(api: Api) -> None:
    admin, client_id = ready(api, "Nachtlauf GmbH")
    path = plan_path(admin, client_id)
    contacts = f"/tenants/{admin.tenant_id}/contacts"
    night = now(api) + timedelta(hours=2)

    made = api.call("POST", path, token=admin.token, json_body={"start_at": at(night)})
    assert made.status == 201, made.body
    assert (made.body["state"], made.body["start_at"]) == ("scheduled", at(night))
    early = api.call("PATCH", path, token=admin.token, json_body={"state": "running"})
    assert error(early) == (409, "initial_sync_not_due")

    api.call("POST", "/_local/clock", json_body={"advance_minutes": 121})
    started = api.call("PATCH", path, token=admin.token, json_body={"state": "running"})
    assert started.status == 200 and started.body["state"] == "running", started.body
    tenant_row = next(
        i for i in api.table() if i["pk"]["S"] == f"TENANT#{admin.tenant_id}" and i["sk"]["S"] == "TENANT"
    )
    assert tenant_row["fences"]["M"]["syncing"]["M"]["by"]["S"] == client_id

    # Record writes are refused, reads go on, the sync's own routes pass, a restore must wait.
    before = [i for i in api.table() if i["sk"]["S"].startswith("CONTACT#")]
    refused = api.call("POST", contacts, token=admin.token, json_body={"kind": "person", "name": "Zu früh"})
    assert error(refused) == (409, "tenant_syncing")
    assert api.call("GET", contacts, token=admin.token).status == 200
    pushed = api.call(
        "POST",
        f"{sync(admin)}/clients/{client_id}/changes",
        token=admin.token,
        json_body={
            "batch_id": "erst",
            "changes": [
                {
                    "kind": "contact",
                    "id": "01kf3w9c2d4f6h8k0m2p4r6t8c",
                    "operation": "create",
                    "base_version": 0,
                    "record": {"kind": "company", "name": "Aus dem Desktop"},
                }
            ],
        },
    )
    assert error(pushed) == (409, "tenant_syncing")  # the write path itself refuses record writes too
    assert [i for i in api.table() if i["sk"]["S"].startswith("CONTACT#")] == before
    backups = api.call("POST", f"/tenants/{admin.tenant_id}/backups", token=admin.token, json_body={})
    assert error(backups) == (409, "tenant_syncing")

    done = api.call("PATCH", path, token=admin.token, json_body={"state": "completed", "items": 1200})
    assert done.status == 200 and done.body["state"] == "completed" and done.body["items"] == 1200
    assert (
        api.call("POST", contacts, token=admin.token, json_body={"kind": "person", "name": "Danach"}).status
        == 201
    )
    status = api.call("GET", f"{sync(admin)}/status", token=admin.token).body
    assert status["last_sync_at"] == done.body["completed_at"] and status["stale"] is False
    again = api.call("PATCH", path, token=admin.token, json_body={"state": "completed"})
    assert error(again) == (409, "initial_sync_not_running")


def test_a_plan_not_picked_up_within_30_minutes_lapses_and_is_scheduled_again(api: Api) -> None:
    admin, client_id = ready(api, "Ausgeschaltet GmbH")
    path = plan_path(admin, client_id)
    assert api.call("POST", path, token=admin.token, json_body={}).status == 201

    api.call("POST", "/_local/clock", json_body={"advance_minutes": 31})
    assert api.call("GET", path, token=admin.token).body["state"] == "lapsed"
    late = api.call("PATCH", path, token=admin.token, json_body={"state": "running"})
    assert error(late) == (409, "initial_sync_lapsed")

    again = api.call("POST", path, token=admin.token, json_body={})
    assert again.status == 201 and again.body["state"] == "scheduled"
    assert api.call("PATCH", path, token=admin.token, json_body={"state": "running"}).status == 200
    replaced = api.call("POST", path, token=admin.token, json_body={})
    assert error(replaced) == (409, "tenant_syncing")  # a running first sync is not replaced
    assert api.call("PATCH", path, token=admin.token, json_body={"state": "completed"}).status == 200


def test_a_restore_and_a_first_sync_exclude_each_other(api: Api) -> None:
    admin, client_id = ready(api, "Ausschluss GmbH")
    path = plan_path(admin, client_id)
    backup = backup_now(api, admin)
    assert api.call("POST", path, token=admin.token, json_body={}).status == 201

    restore = api.call(
        "POST", f"/tenants/{admin.tenant_id}/backups/{backup['id']}/restore", token=admin.token
    )
    assert restore.status == 202, restore.body
    refused = api.call("PATCH", path, token=admin.token, json_body={"state": "running"})
    assert error(refused) == (409, "tenant_restoring")
    drain(api)

    assert api.call("PATCH", path, token=admin.token, json_body={"state": "running"}).status == 200
    second = api.call("POST", f"/tenants/{admin.tenant_id}/backups/{backup['id']}/restore", token=admin.token)
    assert error(second) == (409, "tenant_syncing")
    assert api.call("PATCH", path, token=admin.token, json_body={"state": "completed"}).status == 200
