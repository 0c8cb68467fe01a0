"""Backups through their handlers and the worker: catalog, file, download, delete, prune, restore."""

from __future__ import annotations

import dataclasses
import gzip
import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from kontor import keys
from tests.integration.conftest import Lambda
from tests.integration.tenancy import (
    add_member,
    dead_lettered,
    queued,
    run_queued,
    run_until_dead_lettered,
    signed_up,
)
from tests.support import EVENTS, event

BACKUPS, RESTORES, WORKER = "BackupsFunction", "RestoresFunction", "BackupWorkerFunction"


@pytest.fixture
def admin(invoke: Lambda) -> tuple[dict[str, str], str]:
    return signed_up(invoke)


def backups_call(
    invoke: Lambda, name: str, claims, tenant_id: str, *, body: Any = ..., headers=None, **ids: str
):
    function = RESTORES if name.startswith(("backup_restore", "restore_", "backup_policy")) else BACKUPS
    return invoke(
        function,
        event(
            name, body=body, claims=claims, path_parameters={"tenantId": tenant_id, **ids}, headers=headers
        ),
    )


def contact(invoke: Lambda, claims, tenant_id: str, name: str) -> dict[str, Any]:
    reply = invoke(
        "ContactsFunction",
        event(
            "contact_create",
            body={"kind": "person", "name": name},
            claims=claims,
            path_parameters={"tenantId": tenant_id},
            headers={"Idempotency-Key": None},
        ),
    )
    assert reply.status == 201, reply.body
    return reply.body


def make_backup(invoke: Lambda, claims, tenant_id: str, note: str | None = None) -> dict[str, Any]:
    reply = backups_call(
        invoke, "backup_create", claims, tenant_id, body={"note": note}, headers={"Idempotency-Key": None}
    )
    assert reply.status == 202, reply.body
    worked = run_queued(invoke)
    assert worked.failed == 0
    got = backups_call(invoke, "backup_get", claims, tenant_id, backupId=reply.body["id"])
    assert got.body["state"] == "completed", got.body
    return got.body


def tenant_items(invoke: Lambda, tenant_id: str) -> list[dict[str, Any]]:
    return [item for item in invoke.table() if item["pk"]["S"] == f"TENANT#{tenant_id}"]


def business(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i["sk"]["S"].startswith(("CONTACT#", "APPOINTMENT#"))]


def backup_file(invoke: Lambda, tenant_id: str, backup_id: str, version: str | None = None) -> list[dict]:
    bucket = invoke.stack.refs["BackupsBucket"]
    params = {"Bucket": bucket, "Key": f"tenants/{tenant_id}/backups/{backup_id}.jsonl.gz"}
    if version:
        params["VersionId"] = version
    raw = boto3.client("s3").get_object(**params)["Body"].read()
    return [json.loads(line) for line in gzip.decompress(raw).splitlines()]


def stored_backup(invoke: Lambda, tenant_id: str, backup_id: str) -> dict[str, Any]:
    return next(
        i for i in invoke.table() if i["sk"]["S"] == f"BACKUP#{backup_id}" and tenant_id in i["pk"]["S"]
    )


# ---------------------------------------------------------------- making a backup
def test_a_backup_is_pending_then_the_worker_writes_the_whole_key_range(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    for name in ("Anna", "Bernd", "Clara"):
        contact(invoke, claims, tenant_id, name)

    reply = backups_call(
        invoke,
        "backup_create",
        claims,
        tenant_id,
        body={"note": "year end"},
        headers={"Idempotency-Key": None},
    )

    assert reply.status == 202, reply.body
    assert reply.body["state"] == "pending"
    assert reply.body["kind"] == "manual"
    assert reply.body["note"] == "year end"
    assert stored_backup(invoke, tenant_id, reply.body["id"])["state"]["S"] == "pending"
    assert queued(invoke) == [
        {
            "job": "backup.export",
            "request_id": reply.headers["X-Request-Id"][0],
            "tenant_id": tenant_id,
            "backup_id": reply.body["id"],
            "step": 0,
        }
    ]
    expected = tenant_items(invoke, tenant_id)

    worked = run_queued(invoke)

    assert worked.jobs == ["backup.export"] and worked.failed == 0
    done = backups_call(invoke, "backup_get", claims, tenant_id, backupId=reply.body["id"]).body
    assert done["state"] == "completed"
    lines = backup_file(invoke, tenant_id, done["id"])
    header, items, trailer = lines[0], lines[1:-1], lines[-1]
    assert header["format"] == "kontor-backup" and header["version"] == 2
    assert header["tenant_id"] == tenant_id and header["backup_id"] == done["id"]
    assert trailer == {"trailer": {"item_count": done["item_count"], "checksum": done["checksum"]}}
    # Every item of the tenant; its own catalog row was `running` while the export read it.
    own = f"BACKUP#{done['id']}"
    assert [i for i in items if i["sk"]["S"] != own] == [i for i in expected if i["sk"]["S"] != own]
    assert next(i for i in items if i["sk"]["S"] == own)["state"] == {"S": "running"}
    assert done["item_count"] == len(expected)
    assert done["checksum"].startswith("sha256-chain:")
    assert done["size"] > 0
    assert worked.calls["dynamodb.Query"] == 1  # one page: reads grow with the tenant, not the table


def test_members_list_backups_but_only_admins_make_download_delete_or_restore(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    backup = make_backup(invoke, claims, tenant_id)
    member, viewer = add_member(tenant_id, "member"), add_member(tenant_id, "viewer")
    before = invoke.table()

    listed = backups_call(invoke, "backup_list", member, tenant_id)
    refused = [
        backups_call(invoke, "backup_create", member, tenant_id, body={}, headers={"Idempotency-Key": None}),
        backups_call(invoke, "backup_download", member, tenant_id, backupId=backup["id"]),
        backups_call(invoke, "backup_delete", member, tenant_id, backupId=backup["id"]),
        backups_call(invoke, "backup_restore", member, tenant_id, backupId=backup["id"]),
        backups_call(invoke, "backup_prune", member, tenant_id, body={"older_than_days": 0}),
        backups_call(invoke, "backup_policy_put", member, tenant_id, body={"schedule": "daily"}),
        backups_call(invoke, "backup_list", viewer, tenant_id),
    ]

    assert listed.status == 200
    assert [b["id"] for b in listed.body["items"]] == [backup["id"]]
    assert [r.status for r in refused] == [403] * len(refused)
    assert invoke.table() == before
    assert queued(invoke) == []


def test_a_download_link_is_short_lived_and_names_the_checked_version(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    backup = make_backup(invoke, claims, tenant_id)

    reply = backups_call(invoke, "backup_download", claims, tenant_id, backupId=backup["id"])

    assert reply.status == 200, reply.body
    assert f"tenants/{tenant_id}/backups/{backup['id']}.jsonl.gz" in reply.body["url"]
    assert "X-Amz-Expires=300" in reply.body["url"]
    assert "versionId=" in reply.body["url"]
    assert reply.body["expires_at"] > backup["completed_at"]
    assert any(
        i["sk"]["S"].startswith("AUDIT#") and i["action"]["S"] == "backup.downloaded" for i in invoke.table()
    )


def test_a_pending_backup_cannot_be_downloaded_deleted_or_restored(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    pending = backups_call(
        invoke, "backup_create", claims, tenant_id, body={}, headers={"Idempotency-Key": None}
    )
    before = invoke.table()

    download = backups_call(invoke, "backup_download", claims, tenant_id, backupId=pending.body["id"])
    delete = backups_call(invoke, "backup_delete", claims, tenant_id, backupId=pending.body["id"])
    restore = backups_call(invoke, "backup_restore", claims, tenant_id, backupId=pending.body["id"])

    assert (download.status, download.body["error"]["code"]) == (409, "backup_not_completed")
    assert (delete.status, delete.body["error"]["code"]) == (409, "backup_in_progress")
    assert (restore.status, restore.body["error"]["code"]) == (409, "backup_not_completed")
    assert invoke.table() == before


def test_another_tenants_backup_is_not_found(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    backup = make_backup(invoke, claims, tenant_id)
    other, other_tenant = signed_up(invoke, email="eve@example.net", tenant_name="Eve Ltd")
    before = invoke.table()

    replies = [
        backups_call(invoke, "backup_get", other, other_tenant, backupId=backup["id"]),
        backups_call(invoke, "backup_download", other, other_tenant, backupId=backup["id"]),
        backups_call(invoke, "backup_restore", other, other_tenant, backupId=backup["id"]),
        backups_call(invoke, "backup_delete", other, other_tenant, backupId=backup["id"]),
    ]

    assert [r.status for r in replies] == [404] * 4
    assert {r.body["error"]["code"] for r in replies} == {"backup_not_found"}
    assert invoke.table() == before


def test_an_export_is_done_once_even_when_its_message_comes_twice(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    backup = make_backup(invoke, claims, tenant_id)
    before = invoke.table()
    boto3.client("sqs").send_message(
        QueueUrl=invoke.stack.refs["BackupsQueue"],
        MessageBody=json.dumps({"job": "backup.export", "tenant_id": tenant_id, "backup_id": backup["id"]}),
    )

    worked = run_queued(invoke)

    assert worked.failed == 0
    assert invoke.table() == before


def test_a_worker_that_dies_half_way_is_retried_and_completes(invoke: Lambda, admin, monkeypatch) -> None:
    from backups.store import tenant_data

    claims, tenant_id = admin
    contact(invoke, claims, tenant_id, "Anna")
    pending = backups_call(
        invoke, "backup_create", claims, tenant_id, body={}, headers={"Idempotency-Key": None}
    )
    real_items = tenant_data.items

    def dying(tenant: str, after: str | None = None, page_items=None):
        yield next(iter(real_items(tenant, after, page_items)))
        raise ConnectionError("worker lost its connection")

    monkeypatch.setattr(tenant_data, "items", dying)
    first = run_queued(invoke)
    half = stored_backup(invoke, tenant_id, pending.body["id"])
    monkeypatch.setattr(tenant_data, "items", real_items)
    from backups import jobs

    jobs.export(tenant_id, pending.body["id"])  # the redelivered message

    assert first.failed == 1
    assert half["state"]["S"] == "running" and half["attempts"]["N"] == "1"
    assert "checksum" not in half
    s3 = boto3.client("s3")
    assert s3.list_multipart_uploads(Bucket=invoke.stack.refs["BackupsBucket"]).get("Uploads", []) == []
    done = stored_backup(invoke, tenant_id, pending.body["id"])
    assert done["state"]["S"] == "completed" and done["attempts"]["N"] == "2"


def test_an_export_that_keeps_failing_is_marked_failed_on_the_last_delivery_sqs_makes(
    invoke: Lambda, admin, monkeypatch
) -> None:
    from backups.store import tenant_data

    claims, tenant_id = admin
    pending = backups_call(
        invoke, "backup_create", claims, tenant_id, body={}, headers={"Idempotency-Key": None}
    )

    def broken(tenant: str, after: str | None = None, page_items=None):
        raise ConnectionError("no table")
        yield

    monkeypatch.setattr(tenant_data, "items", broken)
    worked = run_until_dead_lettered(invoke)

    # Four deliveries fail and are retried; the fifth (the queue's maxReceiveCount) gives up.
    assert worked.jobs == ["backup.export"] * 5 and worked.failed == 4
    stored = stored_backup(invoke, tenant_id, pending.body["id"])
    assert stored["state"]["S"] == "failed" and stored["attempts"]["N"] == "5"
    assert "5 attempts" in stored["error"]["S"]
    assert queued(invoke) == [] and dead_lettered(invoke) == []


def test_a_message_for_an_unknown_job_is_dead_lettered_at_once(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    pending = backups_call(
        invoke, "backup_create", claims, tenant_id, body={}, headers={"Idempotency-Key": None}
    )
    for body in ('{"job": "nonsense"}', "not json", '["a list"]', '{"job": {"nested": 1}}'):
        boto3.client("sqs").send_message(QueueUrl=invoke.stack.refs["BackupsQueue"], MessageBody=body)

    worked = run_queued(invoke)

    # Not retried five times: moved to the dead-letter queue on first sight, the rest worked on.
    assert worked.failed == 0
    assert stored_backup(invoke, tenant_id, pending.body["id"])["state"]["S"] == "completed"
    dead = boto3.client("sqs").receive_message(
        QueueUrl=invoke.stack.refs["BackupsDeadLetterQueue"], MaxNumberOfMessages=10
    )["Messages"]
    assert sorted(m["Body"] for m in dead) == sorted(
        ['{"job": "nonsense"}', "not json", '["a list"]', '{"job": {"nested": 1}}']
    )
    assert queued(invoke) == []


def test_a_failing_job_is_retried_and_does_not_hold_up_the_others(
    invoke: Lambda, admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backups import jobs

    claims, tenant_id = admin
    good = backups_call(
        invoke, "backup_create", claims, tenant_id, body={}, headers={"Idempotency-Key": None}
    )
    broken = {"job": "backup.restore", "tenant_id": tenant_id, "restore_id": "x"}
    boto3.client("sqs").send_message(
        QueueUrl=invoke.stack.refs["BackupsQueue"], MessageBody=json.dumps(broken)
    )
    real = jobs.REGISTRY.jobs["backup.restore"]

    def boom(message: dict) -> None:
        raise ConnectionError("S3 is down")

    monkeypatch.setitem(jobs.REGISTRY.jobs, "backup.restore", dataclasses.replace(real, handler=boom))
    worked = run_queued(invoke)

    assert worked.failed == 1  # stays queued for SQS to retry (then its redrive policy applies)
    assert stored_backup(invoke, tenant_id, good.body["id"])["state"]["S"] == "completed"
    waiting = boto3.client("sqs").get_queue_attributes(
        QueueUrl=invoke.stack.refs["BackupsQueue"], AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    assert waiting["ApproximateNumberOfMessagesNotVisible"] == "1"


def test_queued_work_carries_the_request_id_of_the_request_behind_it(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin

    reply = backups_call(
        invoke, "backup_create", claims, tenant_id, body={}, headers={"Idempotency-Key": None}
    )

    [message] = queued(invoke)
    assert message["request_id"] == reply.headers["X-Request-Id"][0]
    assert (
        message["request_id"]
        == json.loads((EVENTS / "backup_create.json").read_text())["requestContext"]["requestId"]
    )


# ---------------------------------------------------------------- delete and prune
def test_deleting_a_backup_removes_row_and_object(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    backup = make_backup(invoke, claims, tenant_id)

    reply = backups_call(invoke, "backup_delete", claims, tenant_id, backupId=backup["id"])

    assert reply.status == 204
    assert not [i for i in invoke.table() if i["sk"]["S"] == f"BACKUP#{backup['id']}"]
    listing = boto3.client("s3").list_objects_v2(Bucket=invoke.stack.refs["BackupsBucket"])
    assert listing.get("KeyCount", 0) == 0
    again = backups_call(invoke, "backup_delete", claims, tenant_id, backupId=backup["id"])
    assert again.status == 404


def test_prune_deletes_old_backups_but_never_the_newest_completed(invoke: Lambda, admin, monkeypatch) -> None:
    from kontor import clock

    claims, tenant_id = admin
    made = []
    for _ in range(3):
        made.append(make_backup(invoke, claims, tenant_id))
        clock.advance(timedelta(days=10))

    keep_recent = backups_call(invoke, "backup_prune", claims, tenant_id, body={"older_than_days": 25})
    everything = backups_call(invoke, "backup_prune", claims, tenant_id, body={"older_than_days": 0})

    assert keep_recent.status == 200, keep_recent.body
    assert [b["id"] for b in keep_recent.body["deleted"]] == [made[0]["id"]]
    assert [b["id"] for b in everything.body["deleted"]] == [made[1]["id"]]
    left = backups_call(invoke, "backup_list", claims, tenant_id).body["items"]
    assert [b["id"] for b in left] == [made[2]["id"]]


def test_prune_with_a_bad_age_is_refused(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    make_backup(invoke, claims, tenant_id)
    before = invoke.table()

    negative = backups_call(invoke, "backup_prune", claims, tenant_id, body={"older_than_days": -1})
    missing = backups_call(invoke, "backup_prune", claims, tenant_id, body={})

    assert negative.status == missing.status == 422
    assert invoke.table() == before


def test_backups_list_newest_first_with_a_cursor(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    made = [make_backup(invoke, claims, tenant_id, note=str(n)) for n in range(3)]
    sample = event("backup_list", claims=claims, path_parameters={"tenantId": tenant_id})
    sample["queryStringParameters"] = {"limit": "2"}

    first = invoke(BACKUPS, sample)
    sample["queryStringParameters"] = {"limit": "2", "cursor": first.body["next_cursor"]}
    second = invoke(BACKUPS, sample)

    assert [b["note"] for b in first.body["items"]] == ["2", "1"]
    assert [b["id"] for b in second.body["items"]] == [made[0]["id"]]
    assert first.calls == {"dynamodb.BatchGetItem": 1, "dynamodb.UpdateItem": 1, "dynamodb.Query": 1}


# ---------------------------------------------------------------- restore
def restore(invoke: Lambda, claims, tenant_id: str, backup_id: str):
    return backups_call(invoke, "backup_restore", claims, tenant_id, backupId=backup_id)


def test_restore_brings_the_records_back_and_keeps_memberships_and_audit(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    anna, bernd = contact(invoke, claims, tenant_id, "Anna"), contact(invoke, claims, tenant_id, "Bernd")
    backup = make_backup(invoke, claims, tenant_id)
    saved = business(tenant_items(invoke, tenant_id))
    # Changed after the backup: one edited, one deleted, one added, and a new member.
    assert (
        invoke(
            "ContactsFunction",
            event(
                "contact_update",
                body={"notes": "edited"},
                claims=claims,
                path_parameters={"tenantId": tenant_id, "contactId": anna["id"]},
            ),
        ).status
        == 200
    )
    assert (
        invoke(
            "ContactsFunction",
            event(
                "contact_delete",
                claims=claims,
                headers={"If-Match": None},
                path_parameters={"tenantId": tenant_id, "contactId": bernd["id"]},
            ),
        ).status
        == 204
    )
    contact(invoke, claims, tenant_id, "Clara")
    member = add_member(tenant_id, "member")
    changed = business(tenant_items(invoke, tenant_id))

    reply = restore(invoke, claims, tenant_id, backup["id"])

    assert reply.status == 202, reply.body
    assert reply.body["state"] == "pending" and reply.body["backup_id"] == backup["id"]
    # Until the worker has finished, the tenant refuses writes.
    before = invoke.table()
    refused = invoke(
        "ContactsFunction",
        event(
            "contact_create",
            body={"kind": "person", "name": "Dora"},
            claims=member,
            path_parameters={"tenantId": tenant_id},
            headers={"Idempotency-Key": None},
        ),
    )
    assert (refused.status, refused.body["error"]["code"]) == (409, "tenant_restoring")
    assert invoke.table() == before

    worked = run_queued(invoke)

    assert worked.failed == 0
    assert business(tenant_items(invoke, tenant_id)) == saved
    status = backups_call(invoke, "restore_get", claims, tenant_id)
    assert status.body["state"] == "completed"
    assert status.body["restored_items"] == 2 and status.body["removed_items"] == 1
    pre = backups_call(
        invoke, "backup_get", claims, tenant_id, backupId=reply.body["pre_restore_backup_id"]
    ).body
    assert pre["kind"] == "pre_restore" and pre["state"] == "completed"
    assert business(backup_file(invoke, tenant_id, pre["id"])[1:-1]) == changed
    items = tenant_items(invoke, tenant_id)
    assert any(i["sk"]["S"] == f"MEMBER#{member['sub']}" for i in items)  # not rolled back
    assert any(i["sk"]["S"].startswith("AUDIT#") and i["action"]["S"] == "backup.restored" for i in items)
    after = invoke(
        "ContactsFunction",
        event(
            "contact_create",
            body={"kind": "person", "name": "Dora"},
            claims=member,
            path_parameters={"tenantId": tenant_id},
            headers={"Idempotency-Key": None},
        ),
    )
    assert after.status == 201


def test_a_second_restore_while_one_runs_is_refused(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    backup = make_backup(invoke, claims, tenant_id)
    assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
    before = invoke.table()

    again = restore(invoke, claims, tenant_id, backup["id"])
    new_backup = backups_call(
        invoke, "backup_create", claims, tenant_id, body={}, headers={"Idempotency-Key": None}
    )

    assert (again.status, again.body["error"]["code"]) == (409, "restore_in_progress")
    assert (new_backup.status, new_backup.body["error"]["code"]) == (409, "tenant_restoring")
    assert invoke.table() == before


def _replace_file(invoke: Lambda, tenant_id: str, backup_id: str, content: bytes) -> None:
    """Put `content` as the backup's object and point the catalog at that version (bit rot, tampering)."""
    s3 = boto3.client("s3")
    key = f"tenants/{tenant_id}/backups/{backup_id}.jsonl.gz"
    version = s3.put_object(Bucket=invoke.stack.refs["BackupsBucket"], Key=key, Body=content)["VersionId"]
    boto3.client("dynamodb").update_item(
        TableName=invoke.stack.refs["Table"],
        Key={"pk": {"S": f"TENANT#{tenant_id}"}, "sk": {"S": f"BACKUP#{backup_id}"}},
        UpdateExpression="SET object_version = :v",
        ExpressionAttributeValues={":v": {"S": version}},
    )


def _gzip_lines(lines: list[dict]) -> bytes:
    return gzip.compress(b"".join(json.dumps(line, sort_keys=True).encode() + b"\n" for line in lines))


def _tampered(lines: list[dict]) -> bytes:
    """Items changed and the trailer recomputed to match: only the catalog's checksum can tell."""
    import hashlib

    body = [
        json.dumps(line, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        for line in lines[:-1]
    ]
    for n, line in enumerate(body):
        body[n] = line.replace(b"Anna", b"Mallory")
    digest = hashlib.sha256(b"".join(body)).hexdigest()
    trailer = {"trailer": {"item_count": len(body) - 1, "checksum": f"sha256:{digest}"}}
    return gzip.compress(b"".join(body) + json.dumps(trailer).encode() + b"\n")


@pytest.mark.parametrize("damage", ["truncated", "garbage", "tampered", "foreign", "outside"])
def test_a_corrupt_or_foreign_file_is_refused_before_anything_is_replaced(
    invoke: Lambda, admin, damage: str
) -> None:
    claims, tenant_id = admin
    contact(invoke, claims, tenant_id, "Anna")
    backup = make_backup(invoke, claims, tenant_id)
    lines = backup_file(invoke, tenant_id, backup["id"])
    other, other_tenant = signed_up(invoke, email="eve@example.net", tenant_name="Eve Ltd")
    foreign = make_backup(invoke, other, other_tenant)
    content = {
        "truncated": lambda: _gzip_lines(lines[:-2]),
        "garbage": lambda: b"\x1f\x8b\x08\x00not really gzip",
        "tampered": lambda: _tampered(lines),
        "foreign": lambda: _gzip_lines(backup_file(invoke, other_tenant, foreign["id"])),
        "outside": lambda: _gzip_lines(
            [lines[0], {**lines[1], "pk": {"S": f"TENANT#{other_tenant}"}}, lines[-1]]
        ),
    }[damage]()
    _replace_file(invoke, tenant_id, backup["id"], content)
    contact(invoke, claims, tenant_id, "Bernd")  # the current state, which must survive
    current = business(tenant_items(invoke, tenant_id))

    assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
    worked = run_queued(invoke)

    assert worked.failed == 0
    assert business(tenant_items(invoke, tenant_id)) == current
    assert business(tenant_items(invoke, other_tenant)) == []
    status = backups_call(invoke, "restore_get", claims, tenant_id).body
    assert status["state"] == "refused", status
    assert status["failure"]
    # A refused restore releases the tenant at once.
    contact(invoke, claims, tenant_id, "Clara")


def test_a_restore_that_fails_half_way_keeps_the_lock_and_converges_on_the_retry(
    invoke: Lambda, admin, monkeypatch
) -> None:
    from backups.store import tenant_data

    claims, tenant_id = admin
    for n in range(60):
        contact(invoke, claims, tenant_id, f"Kontakt {n:02}")
    backup = make_backup(invoke, claims, tenant_id)
    saved = business(tenant_items(invoke, tenant_id))
    for item in saved[:40]:  # most of them deleted after the backup
        boto3.client("dynamodb").delete_item(
            TableName=invoke.stack.refs["Table"], Key={"pk": item["pk"], "sk": item["sk"]}
        )
    real_flush = tenant_data.Writer.flush
    flushes = []

    def crash_on_second(self):
        flushes.append(1)
        if len(flushes) == 2:
            raise ConnectionError("lost the table half-way")
        real_flush(self)

    monkeypatch.setattr(tenant_data.Writer, "flush", crash_on_second)
    boto3.client("sqs").set_queue_attributes(
        QueueUrl=invoke.stack.refs["BackupsQueue"], Attributes={"VisibilityTimeout": "0"}
    )
    assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
    first = run_queued(invoke)
    half = len(business(tenant_items(invoke, tenant_id)))
    status = backups_call(invoke, "restore_get", claims, tenant_id).body
    locked = invoke(
        "ContactsFunction",
        event(
            "contact_create",
            body={"kind": "person", "name": "Dora"},
            claims=claims,
            path_parameters={"tenantId": tenant_id},
            headers={"Idempotency-Key": None},
        ),
    )
    again = restore(invoke, claims, tenant_id, backup["id"])
    monkeypatch.setattr(tenant_data.Writer, "flush", real_flush)

    second = run_queued(invoke)  # SQS delivers the message again

    assert first.failed == 1
    assert 20 < half < 60
    assert status["state"] == "running" and "ConnectionError" in status["failure"]
    assert locked.status == 409
    assert (again.status, again.body["error"]["code"]) == (409, "restore_in_progress")
    assert second.failed == 0
    assert business(tenant_items(invoke, tenant_id)) == saved
    done = backups_call(invoke, "restore_get", claims, tenant_id).body
    assert done["state"] == "completed"


# ---------------------------------------------------------------- policy and scheduled jobs
def test_the_policy_has_defaults_and_saving_it_puts_the_tenant_on_the_due_index(
    invoke: Lambda, admin
) -> None:
    claims, tenant_id = admin

    default = backups_call(invoke, "backup_policy_get", claims, tenant_id)
    saved = backups_call(
        invoke, "backup_policy_put", claims, tenant_id, body={"schedule": "daily", "keep_last": 3}
    )
    again = backups_call(
        invoke, "backup_policy_put", claims, tenant_id, body={"schedule": "daily", "keep_last": 4}
    )
    off = backups_call(invoke, "backup_policy_put", claims, tenant_id, body={"schedule": "off"})

    assert default.status == 200
    assert default.body == {
        "schedule": "off",
        "keep_last": 7,
        "keep_daily": 7,
        "keep_weekly": 4,
        "keep_monthly": 6,
        "next_backup_at": None,
        "updated_at": None,
    }
    assert saved.status == 200, saved.body
    assert saved.body["schedule"] == "daily" and saved.body["keep_last"] == 3
    assert saved.body["next_backup_at"] is not None
    assert again.body["next_backup_at"] == saved.body["next_backup_at"]  # the slot is kept
    assert off.body["next_backup_at"] is None
    rows = {i["sk"]["S"]: i for i in tenant_items(invoke, tenant_id)}
    assert "due_pk" not in rows["BACKUP_POLICY"]  # off: not due for backups
    # still pruned by policy, from the shard of the tenant's hash
    assert rows["BACKUP_RETENTION"]["due_pk"]["S"] == keys.due_pk(keys.PRUNE_DUE, tenant_id)
    assert rows["BACKUP_RETENTION"]["due_pk"]["S"] in keys.due_partitions("PRUNE")
    assert rows["BACKUP_RETENTION"]["due_sk"]["S"].endswith(f"#{tenant_id}")


@pytest.mark.parametrize(
    "body", [{"schedule": "hourly"}, {"keep_last": 0}, {"keep_daily": -1}, {"schedule": "daily", "extra": 1}]
)
def test_a_bad_policy_is_refused_and_nothing_is_written(invoke: Lambda, admin, body: dict) -> None:
    claims, tenant_id = admin
    before = invoke.table()

    reply = backups_call(invoke, "backup_policy_put", claims, tenant_id, body=body)

    assert reply.status == 422
    assert invoke.table() == before


def dispatch(invoke: Lambda, schedule: str) -> tuple[dict, dict]:
    from tests.conftest import FUNCTIONS

    return FUNCTIONS.invoke("BackupDispatcherFunction", json.loads((EVENTS / f"{schedule}.json").read_text()))


def test_the_dispatcher_finds_due_tenants_through_the_index_and_workers_back_them_up(invoke: Lambda) -> None:
    from kontor import clock

    tenants = []
    for n in range(3):
        claims, tenant_id = signed_up(invoke, email=f"t{n}@example.org", tenant_name=f"Firma {n}")
        contact(invoke, claims, tenant_id, "Anna")
        tenants.append((claims, tenant_id))
    for claims, tenant_id in tenants[:2]:  # the third has no policy: it is never looked at
        backups_call(invoke, "backup_policy_put", claims, tenant_id, body={"schedule": "daily"})

    result, calls = dispatch(invoke, "backup_schedule")
    worked = run_queued(invoke)
    second, _ = dispatch(invoke, "backup_schedule")  # the same hour again: nothing is due
    clock.advance(timedelta(days=1, minutes=1))
    third, third_calls = dispatch(invoke, "backup_schedule")

    assert result == {"job": "backup.scheduled", "dispatched": 2}
    # one Query per shard of the due index, whatever the table holds
    assert calls == {"dynamodb.Query": keys.DUE_SHARDS, "sqs.SendMessageBatch": 1}
    assert worked.failed == 0 and worked.jobs == ["backup.scheduled"] * 2
    for claims, tenant_id in tenants[:2]:
        [made] = backups_call(invoke, "backup_list", claims, tenant_id).body["items"]
        assert made["kind"] == "scheduled" and made["state"] == "completed"
    assert backups_call(invoke, "backup_list", *tenants[2]).body["items"] == []
    assert second == {"job": "backup.scheduled", "dispatched": 0}
    assert third == {"job": "backup.scheduled", "dispatched": 2}
    assert third_calls == calls


def test_a_scheduled_backup_message_delivered_twice_makes_one_backup(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    backups_call(invoke, "backup_policy_put", claims, tenant_id, body={"schedule": "weekly"})
    dispatch(invoke, "backup_schedule")
    [message] = queued(invoke)
    boto3.client("sqs").send_message(
        QueueUrl=invoke.stack.refs["BackupsQueue"], MessageBody=json.dumps(message)
    )

    worked = run_queued(invoke)

    assert worked.jobs == ["backup.scheduled"] * 2 and worked.failed == 0
    assert len(backups_call(invoke, "backup_list", claims, tenant_id).body["items"]) == 1


def test_retention_prunes_scheduled_backups_to_the_policy(invoke: Lambda, admin) -> None:
    from kontor import clock

    claims, tenant_id = admin
    manual = make_backup(invoke, claims, tenant_id)
    policy = {"schedule": "daily", "keep_last": 2, "keep_daily": 3, "keep_weekly": 0, "keep_monthly": 0}
    backups_call(invoke, "backup_policy_put", claims, tenant_id, body=policy)
    for _ in range(6):
        dispatch(invoke, "backup_schedule")
        run_queued(invoke)
        clock.advance(timedelta(days=1))
    scheduled = [
        b
        for b in backups_call(invoke, "backup_list", claims, tenant_id).body["items"]
        if b["kind"] == "scheduled"
    ]

    result, calls = dispatch(invoke, "retention_schedule")
    worked = run_queued(invoke)

    assert len(scheduled) == 6
    assert result == {"job": "backup.prune", "dispatched": 1}
    assert calls == {"dynamodb.Query": keys.DUE_SHARDS, "sqs.SendMessageBatch": 1}
    assert worked.jobs == ["backup.prune"] and worked.failed == 0
    left = backups_call(invoke, "backup_list", claims, tenant_id).body["items"]
    assert [b["id"] for b in left] == [b["id"] for b in scheduled[:3]] + [manual["id"]]


def test_items_of_other_contexts_are_restored_too_and_ones_added_since_removed(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    dynamodb, table = boto3.client("dynamodb"), invoke.stack.refs["Table"]
    pk = {"S": f"TENANT#{tenant_id}"}
    template = {
        "pk": pk,
        "sk": {"S": "TEMPLATE#offer"},
        "body": {"S": "Sehr geehrte…"},
        "logo": {"B": b"\x89PNG"},
    }
    dynamodb.put_item(TableName=table, Item=template)
    backup = make_backup(invoke, claims, tenant_id)
    dynamodb.put_item(TableName=table, Item={**template, "body": {"S": "changed"}})
    dynamodb.put_item(TableName=table, Item={"pk": pk, "sk": {"S": "SETTINGS#mail"}, "from": {"S": "x@y.z"}})

    assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
    assert run_queued(invoke).failed == 0

    rows = {i["sk"]["S"]: i for i in tenant_items(invoke, tenant_id)}
    assert rows["TEMPLATE#offer"] == template
    assert "SETTINGS#mail" not in rows


def test_a_scheduled_backup_waits_while_the_tenant_restores(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    backup = make_backup(invoke, claims, tenant_id)
    backups_call(invoke, "backup_policy_put", claims, tenant_id, body={"schedule": "daily"})
    assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
    dispatch(invoke, "backup_schedule")
    scheduled = next(m for m in queued(invoke) if m["job"] == "backup.scheduled")

    from backups import jobs
    from kontor.errors import Conflict

    with pytest.raises(Conflict) as refused:
        jobs.scheduled_backup(scheduled)  # SQS retries it after the restore

    assert refused.value.code == "tenant_restoring"
    assert not [i for i in tenant_items(invoke, tenant_id) if i.get("kind", {}).get("S") == "scheduled"]


# ---------------------------------------------------------------- restores under faults (issue 10)
def _write_answer(invoke: Lambda, claims, tenant_id: str, name: str) -> int:
    reply = invoke(
        "ContactsFunction",
        event(
            "contact_create",
            body={"kind": "person", "name": name},
            claims=claims,
            path_parameters={"tenantId": tenant_id},
            headers={"Idempotency-Key": None},
        ),
    )
    return reply.status


def _stored_restore(invoke: Lambda, tenant_id: str) -> dict[str, Any]:
    return next(i for i in tenant_items(invoke, tenant_id) if i["sk"]["S"] == "RESTORE")


def _fenced(invoke: Lambda, tenant_id: str) -> bool:
    row = next(i for i in tenant_items(invoke, tenant_id) if i["sk"]["S"] == "TENANT")
    return "restoring" in row.get("fences", {}).get("M", {})


def test_a_restore_whose_message_was_lost_is_sent_again_by_the_watch(
    invoke: Lambda, admin, monkeypatch
) -> None:
    from kontor import clock, jobs

    claims, tenant_id = admin
    contact(invoke, claims, tenant_id, "Anna")
    backup = make_backup(invoke, claims, tenant_id)
    contact(invoke, claims, tenant_id, "Bernd")
    real_send = jobs.send

    def lost(job: str, **fields: str) -> None:
        raise ConnectionError("SendMessage never arrived")

    monkeypatch.setattr(jobs, "send", lost)
    failed = restore(invoke, claims, tenant_id, backup["id"])
    monkeypatch.setattr(jobs, "send", real_send)
    stuck = _stored_restore(invoke, tenant_id)
    early, _ = dispatch(invoke, "restore_watch_schedule")  # not due yet
    clock.advance(timedelta(minutes=6))
    watched, _ = dispatch(invoke, "restore_watch_schedule")
    worked = run_queued(invoke)

    assert failed.status == 500
    assert stuck["state"]["S"] == "pending" and stuck["due_pk"]["S"].startswith("DUE#RESTORE#")
    assert early["dispatched"] == 0 and watched["dispatched"] == 1
    assert worked.jobs == ["backup.restore_watch", "backup.restore"] and worked.failed == 0
    done = _stored_restore(invoke, tenant_id)
    assert done["state"]["S"] == "completed" and "due_pk" not in done  # off the index once ended
    assert [i["name"]["S"] for i in business(tenant_items(invoke, tenant_id)) if "name" in i] == ["Anna"]
    assert not _fenced(invoke, tenant_id)


def test_a_restore_failing_on_every_delivery_ends_failed_writable_and_told_on_the_last(
    invoke: Lambda, admin, monkeypatch
) -> None:
    from backups.store import tenant_data

    claims, tenant_id = admin
    for n in range(30):
        contact(invoke, claims, tenant_id, f"Kontakt {n:02}")
    backup = make_backup(invoke, claims, tenant_id)
    contact(invoke, claims, tenant_id, "Neu")
    real_flush = tenant_data.Writer.flush

    def s3_down(self):
        real_flush(self)  # some of the data is replaced before each attempt dies
        raise ConnectionError("the table went away")

    monkeypatch.setattr(tenant_data.Writer, "flush", s3_down)
    assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
    mails_before = len(invoke.mails(claims["email"]))
    worked = run_until_dead_lettered(invoke)
    monkeypatch.setattr(tenant_data.Writer, "flush", real_flush)

    # Five deliveries (maxReceiveCount); the fifth ends the restore instead of going silent.
    assert worked.jobs == ["backup.restore"] * 5 and worked.failed == 4
    assert queued(invoke) == [] and dead_lettered(invoke) == []
    status = backups_call(invoke, "restore_get", claims, tenant_id).body
    assert status["state"] == "failed" and "partly replaced" in status["failure"]
    assert not _fenced(invoke, tenant_id)
    assert _write_answer(invoke, claims, tenant_id, "Danach") == 201
    [told] = invoke.mails(claims["email"])[mails_before:]
    assert "fehlgeschlagen" in told.subject and status["pre_restore_backup_id"] in told.body


def test_a_restore_whose_attempts_died_silently_is_ended_failed_by_the_watch(invoke: Lambda, admin) -> None:
    from backups import store
    from kontor import clock

    claims, tenant_id = admin
    contact(invoke, claims, tenant_id, "Anna")
    backup = make_backup(invoke, claims, tenant_id)
    assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
    [message] = queued(invoke)
    # Every delivery was killed by the timeout before it could say anything; the message went to
    # the dead-letter queue. What is left: a running restore and the fence.
    for n in range(5):
        when = clock.now() + timedelta(minutes=18 * n)  # SQS shows it again after the visibility timeout
        store.backups.restore_running(
            tenant_id, message["restore_id"], 0, f"attempt{n}", clock.iso(when), dead_before=clock.iso(when)
        )
    clock.advance(timedelta(minutes=18 * 4))
    boto3.client("sqs").purge_queue(QueueUrl=invoke.stack.refs["BackupsQueue"])
    mails_before = len(invoke.mails(claims["email"]))

    clock.advance(timedelta(minutes=10))
    dispatch(invoke, "restore_watch_schedule")
    run_queued(invoke)
    still = _stored_restore(invoke, tenant_id)
    clock.advance(timedelta(minutes=15))  # 25 minutes without progress: past the bound
    dispatch(invoke, "restore_watch_schedule")
    run_queued(invoke)

    assert still["state"]["S"] == "running"  # 10 minutes: an attempt may still be alive
    status = backups_call(invoke, "restore_get", claims, tenant_id).body
    assert status["state"] == "failed", status
    assert "no progress" in status["failure"] and "not changed" in status["failure"]
    assert not _fenced(invoke, tenant_id)
    assert _write_answer(invoke, claims, tenant_id, "Bernd") == 201
    assert len(invoke.mails(claims["email"])) == mails_before + 1
    assert "due_pk" not in _stored_restore(invoke, tenant_id)


def test_a_backup_a_restore_uses_can_be_neither_deleted_nor_pruned_until_it_ends(
    invoke: Lambda, admin
) -> None:
    from backups import backups, store
    from kontor.errors import Conflict

    claims, tenant_id = admin
    contact(invoke, claims, tenant_id, "Anna")
    backup = make_backup(invoke, claims, tenant_id)
    newer = make_backup(invoke, claims, tenant_id)
    assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
    source = store.backups.get(tenant_id, backup["id"])

    refused = backups_call(invoke, "backup_delete", claims, tenant_id, backupId=backup["id"])
    # A DELETE that passed the tenant's gate just before the fence rose, and retention (system
    # work, not fenced): both meet the restore's check on the backup row.
    with pytest.raises(Conflict) as raced:
        store.backups.mark_deleting(tenant_id, backup["id"])
    by_retention = backups.delete_chosen(tenant_id, [source])
    kept = stored_backup(invoke, tenant_id, backup["id"])
    run_queued(invoke)
    after = backups_call(invoke, "backup_delete", claims, tenant_id, backupId=backup["id"])

    assert refused.status == 409
    assert raced.value.code == "backup_in_use"
    assert by_retention == [] and kept["state"]["S"] == "completed"
    assert backups_call(invoke, "restore_get", claims, tenant_id).body["state"] == "completed"
    assert after.status == 204
    assert stored_backup(invoke, tenant_id, newer["id"])["state"]["S"] == "completed"


def test_a_backup_deleted_first_cannot_be_restored(invoke: Lambda, admin) -> None:
    from backups import store
    from backups.domain import Restore
    from kontor.errors import Conflict

    claims, tenant_id = admin
    contact(invoke, claims, tenant_id, "Anna")
    backup = make_backup(invoke, claims, tenant_id)
    listed = store.backups.get(tenant_id, backup["id"])  # a restore request read it completed ...
    assert store.backups.mark_deleting(tenant_id, backup["id"])  # ... then a delete began
    when = "2026-11-23T10:00:00Z"
    restoring = Restore(
        id="r1",
        tenant_id=tenant_id,
        backup_id=backup["id"],
        pre_restore_backup_id="01m84dc81ghg2ftwatzgejzfd0",
        state="pending",
        requested_at=when,
        requested_by=claims["sub"],
        updated_at=when,
        attempts=0,
        restored_items=None,
        removed_items=None,
        error=None,
    )

    with pytest.raises(Conflict) as refused:
        store.backups.begin_restore(
            tenant_id,
            restoring,
            pre_restore_created_at=when,
            stale_before=when,
            watch_at=when,
            actor_via="member",
        )

    assert listed.state == "completed" and refused.value.code == "backup_not_completed"
    assert not any(i["sk"]["S"] == "RESTORE" for i in tenant_items(invoke, tenant_id))
    assert not _fenced(invoke, tenant_id)


def test_a_restore_that_replaced_data_is_never_reported_refused(invoke: Lambda, admin, monkeypatch) -> None:
    from backups.store import tenant_data

    claims, tenant_id = admin
    for n in range(30):
        contact(invoke, claims, tenant_id, f"Kontakt {n:02}")
    backup = make_backup(invoke, claims, tenant_id)
    contact(invoke, claims, tenant_id, "Neu")
    real_flush = tenant_data.Writer.flush

    def crash(self):
        real_flush(self)
        raise ConnectionError("lost the table half-way")

    monkeypatch.setattr(tenant_data.Writer, "flush", crash)
    boto3.client("sqs").set_queue_attributes(
        QueueUrl=invoke.stack.refs["BackupsQueue"], Attributes={"VisibilityTimeout": "0"}
    )
    assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
    assert run_queued(invoke).failed == 1
    monkeypatch.setattr(tenant_data.Writer, "flush", real_flush)
    _replace_file(invoke, tenant_id, backup["id"], gzip.compress(b"tampered\n"))  # bit rot meanwhile
    run_queued(invoke)

    status = backups_call(invoke, "restore_get", claims, tenant_id).body
    assert status["state"] == "failed", status
    assert "partly replaced" in status["failure"]
    assert not _fenced(invoke, tenant_id)


def test_a_delete_that_failed_half_way_is_finished_by_the_retry(invoke: Lambda, admin, monkeypatch) -> None:
    from backups.store import objects

    claims, tenant_id = admin
    contact(invoke, claims, tenant_id, "Anna")
    old = make_backup(invoke, claims, tenant_id)
    make_backup(invoke, claims, tenant_id)
    real_delete = objects.delete_many

    def s3_down(bucket: str, keys_: list[str]) -> None:
        raise ConnectionError("S3 is down")

    monkeypatch.setattr(objects, "delete_many", s3_down)
    first = backups_call(invoke, "backup_delete", claims, tenant_id, backupId=old["id"])
    hidden = stored_backup(invoke, tenant_id, old["id"])
    listed = backups_call(invoke, "backup_list", claims, tenant_id).body
    monkeypatch.setattr(objects, "delete_many", real_delete)
    retry = backups_call(invoke, "backup_delete", claims, tenant_id, backupId=old["id"])

    assert first.status == 500
    assert hidden["state"]["S"] == "deleting" and old["id"] not in json.dumps(listed)
    assert retry.status == 204
    assert not any(i["sk"]["S"] == f"BACKUP#{old['id']}" for i in tenant_items(invoke, tenant_id))
    s3 = boto3.client("s3")
    key = f"tenants/{tenant_id}/backups/{old['id']}.jsonl.gz"
    assert "Contents" not in s3.list_objects_v2(Bucket=invoke.stack.refs["BackupsBucket"], Prefix=key)


def test_the_restored_audit_entry_commits_with_the_completion(invoke: Lambda, admin, monkeypatch) -> None:
    from backups import store

    claims, tenant_id = admin
    contact(invoke, claims, tenant_id, "Anna")
    backup = make_backup(invoke, claims, tenant_id)

    def no_separate_audit(*args, **kwargs) -> None:
        raise ConnectionError("an audit write of its own would be lost here")

    monkeypatch.setattr(store.backups, "record", no_separate_audit)
    assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
    worked = run_queued(invoke)

    assert worked.failed == 0
    assert _stored_restore(invoke, tenant_id)["state"]["S"] == "completed"
    audit = [i for i in tenant_items(invoke, tenant_id) if i["sk"]["S"].startswith("AUDIT#")]
    assert [i["target"]["S"] for i in audit if i["action"]["S"] == "backup.restored"] == [backup["id"]]


def test_a_tenant_makes_a_few_manual_backups_a_day(invoke: Lambda, admin, monkeypatch) -> None:
    from datetime import timedelta

    from kontor import clock
    from kontor.settings import settings

    claims, tenant_id = admin
    monkeypatch.setenv("KONTOR_MANUAL_BACKUPS_PER_DAY", "2")
    settings.cache_clear()
    request = lambda: backups_call(  # noqa: E731
        invoke, "backup_create", claims, tenant_id, body={}, headers={"Idempotency-Key": None}
    )
    assert request().status == request().status == 202
    catalog = [i for i in tenant_items(invoke, tenant_id) if i["sk"]["S"].startswith("BACKUP#")]

    refused = request()

    assert (refused.status, refused.body["error"]["code"]) == (429, "quota_exceeded")
    assert refused.body["error"]["details"] == {"quota": "manual_backups_per_day", "limit": 2, "per": "day"}
    assert [i for i in tenant_items(invoke, tenant_id) if i["sk"]["S"].startswith("BACKUP#")] == catalog
    clock.advance(timedelta(days=1))
    assert request().status == 202  # a new day, a new allowance
    settings.cache_clear()
