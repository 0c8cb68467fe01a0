"""Exports and restores in steps: checkpoints, lost step messages, exports the watch ends, and
exports that meet a restore."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from tests.integration.conftest import Lambda
from tests.integration.tenancy import run_queued, signed_up
from tests.integration.test_backups import (
    backup_file,
    backups_call,
    business,
    contact,
    dispatch,
    make_backup,
    restore,
    stored_backup,
    tenant_items,
)


@pytest.fixture
def admin(invoke: Lambda) -> tuple[dict[str, str], str]:
    return signed_up(invoke)


@pytest.fixture
def small_steps(invoke: Lambda, monkeypatch: pytest.MonkeyPatch) -> None:
    """Steps of three items, and parts of 600 bytes (S3 then takes parts of 256 bytes and more)."""
    import moto.s3.models

    from backups.store import objects
    from kontor.settings import settings

    monkeypatch.setenv("KONTOR_BACKUP_STEP_ITEMS", "3")
    monkeypatch.setattr(objects, "PART_SIZE", 600)
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 256)
    settings.cache_clear()


def _request_backup(invoke: Lambda, claims, tenant_id: str) -> str:
    reply = backups_call(
        invoke, "backup_create", claims, tenant_id, body={}, headers={"Idempotency-Key": None}
    )
    assert reply.status == 202, reply.body
    return reply.body["id"]


def _uploads(invoke: Lambda) -> list[Any]:
    listed = boto3.client("s3").list_multipart_uploads(Bucket=invoke.stack.refs["BackupsBucket"])
    return listed.get("Uploads", [])


def _current_objects(invoke: Lambda, tenant_id: str) -> list[str]:
    listed = boto3.client("s3").list_objects_v2(
        Bucket=invoke.stack.refs["BackupsBucket"], Prefix=f"tenants/{tenant_id}/backups/"
    )
    return sorted(o["Key"].rsplit("/", 1)[-1] for o in listed.get("Contents", []))


CHECKPOINT = {"upload_id", "parts", "cursor", "digest", "carry_version", "attempt", "due_pk", "due_sk"}


def test_an_export_in_steps_writes_the_whole_key_range_in_one_file(
    invoke: Lambda, admin, small_steps: None
) -> None:
    claims, tenant_id = admin
    for n in range(24):
        contact(invoke, claims, tenant_id, f"Kontakt {n:02} " + "x" * 40)
    backup_id = _request_backup(invoke, claims, tenant_id)
    expected = tenant_items(invoke, tenant_id)

    worked = run_queued(invoke)

    assert worked.failed == 0 and worked.jobs.count("backup.export") >= 9  # 30 items, 3 a step
    assert worked.calls["s3.UploadPart"] >= 2 and worked.calls["s3.CompleteMultipartUpload"] == 1
    done = stored_backup(invoke, tenant_id, backup_id)
    assert done["state"]["S"] == "completed" and not CHECKPOINT & done.keys()
    lines = backup_file(invoke, tenant_id, backup_id)
    own = f"BACKUP#{backup_id}"
    assert [i for i in lines[1:-1] if i["sk"]["S"] != own] == [i for i in expected if i["sk"]["S"] != own]
    assert lines[-1]["trailer"]["checksum"] == done["checksum"]["S"]
    assert (
        int(done["size"]["N"])
        == boto3.client("s3").head_object(
            Bucket=invoke.stack.refs["BackupsBucket"], Key=done["object_key"]["S"]
        )["ContentLength"]
    )
    assert _uploads(invoke) == [] and _current_objects(invoke, tenant_id) == [f"{backup_id}.jsonl.gz"]


def test_a_restore_in_steps_converges_on_the_backup(invoke: Lambda, admin, small_steps: None) -> None:
    claims, tenant_id = admin
    for n in range(10):
        contact(invoke, claims, tenant_id, f"Kontakt {n:02}")
    backup = make_backup(invoke, claims, tenant_id)
    saved = business(tenant_items(invoke, tenant_id))
    for n in range(7):
        contact(invoke, claims, tenant_id, f"Neu {n}")

    assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
    worked = run_queued(invoke)

    assert worked.failed == 0 and worked.jobs.count("backup.restore") >= 10
    status = backups_call(invoke, "restore_get", claims, tenant_id).body
    assert status["state"] == "completed" and status["removed_items"] == 7
    assert business(tenant_items(invoke, tenant_id)) == saved


def test_a_step_that_dies_is_done_again_from_its_checkpoint(
    invoke: Lambda, admin, small_steps: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backups.store import tenant_data

    claims, tenant_id = admin
    for n in range(12):
        contact(invoke, claims, tenant_id, f"Kontakt {n:02} " + "y" * 60)
    backup_id = _request_backup(invoke, claims, tenant_id)
    expected = tenant_items(invoke, tenant_id)
    real_items = tenant_data.items

    def dies_in_the_third_step(tenant: str, after: str | None = None, page_items=None):
        rows = real_items(tenant, after, page_items)
        if after is not None and after > "CONTACT#":
            yield next(iter(rows))
            raise ConnectionError("killed half-way")
        yield from rows

    monkeypatch.setattr(tenant_data, "items", dies_in_the_third_step)
    boto3.client("sqs").set_queue_attributes(
        QueueUrl=invoke.stack.refs["BackupsQueue"], Attributes={"VisibilityTimeout": "0"}
    )
    first = run_queued(invoke)
    half = stored_backup(invoke, tenant_id, backup_id)
    monkeypatch.setattr(tenant_data, "items", real_items)
    rest = run_queued(invoke)

    assert first.failed == 1 and half["state"]["S"] == "running" and "attempt" not in half
    assert rest.failed == 0
    lines = backup_file(invoke, tenant_id, backup_id)
    own = f"BACKUP#{backup_id}"
    assert [i for i in lines[1:-1] if i["sk"]["S"] != own] == [i for i in expected if i["sk"]["S"] != own]
    assert _uploads(invoke) == []


def test_a_lost_step_message_is_sent_again_by_the_watch(
    invoke: Lambda, admin, small_steps: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kontor import clock, jobs

    claims, tenant_id = admin
    for n in range(6):
        contact(invoke, claims, tenant_id, f"Kontakt {n}")
    backup_id = _request_backup(invoke, claims, tenant_id)
    real_send = jobs.send
    lost: list[dict] = []

    def loses_step_two(job: str, **fields: Any) -> None:
        if fields.get("step") == 2:
            lost.append(fields)
            raise ConnectionError("SendMessage never arrived")
        real_send(job, **fields)

    monkeypatch.setattr(jobs, "send", loses_step_two)
    boto3.client("sqs").set_queue_attributes(
        QueueUrl=invoke.stack.refs["BackupsQueue"], Attributes={"VisibilityTimeout": "0"}
    )
    stalled = run_queued(invoke)
    monkeypatch.setattr(jobs, "send", real_send)
    waiting = stored_backup(invoke, tenant_id, backup_id)
    clock.advance(timedelta(minutes=6))
    watched, _ = dispatch(invoke, "export_watch_schedule")
    resumed = run_queued(invoke)

    assert lost and stalled.failed == 1
    assert waiting["state"]["S"] == "running" and waiting["step"]["N"] == "2" and "attempt" not in waiting
    assert watched["dispatched"] == 1
    assert "backup.export_watch" in resumed.jobs and resumed.failed == 0
    assert stored_backup(invoke, tenant_id, backup_id)["state"]["S"] == "completed"


# ---------------------------------------------------------------- exports the watch ends
def test_an_export_killed_on_every_delivery_is_ended_failed_by_the_watch_then_deletable(
    invoke: Lambda, admin
) -> None:
    from backups import store
    from kontor import clock

    claims, tenant_id = admin
    contact(invoke, claims, tenant_id, "Anna")
    make_backup(invoke, claims, tenant_id)
    backup_id = _request_backup(invoke, claims, tenant_id)
    # Each of the five deliveries claims the export and is killed by the timeout without a word
    # (the next comes after the queue's visibility timeout); then the message is dead-lettered.
    for n in range(5):
        when = clock.iso(clock.now())
        assert store.backups.start(tenant_id, backup_id, f"a{n}", 0, when, dead_before=when, restore_seen="-")
        clock.advance(timedelta(minutes=18))
    boto3.client("sqs").purge_queue(QueueUrl=invoke.stack.refs["BackupsQueue"])
    stuck = backups_call(invoke, "backup_delete", claims, tenant_id, backupId=backup_id)

    clock.advance(timedelta(minutes=3))  # 21 minutes after the last claim
    watched, _ = dispatch(invoke, "export_watch_schedule")
    worked = run_queued(invoke)

    assert stuck.status == 409 and stuck.body["error"]["code"] == "backup_in_progress"
    assert watched["dispatched"] == 1 and worked.failed == 0
    ended = stored_backup(invoke, tenant_id, backup_id)
    assert ended["state"]["S"] == "failed" and "no progress for 20 minutes" in ended["error"]["S"]
    assert not CHECKPOINT & ended.keys()  # off the due index, nothing left open
    pruned = backups_call(
        invoke, "backup_prune", claims, tenant_id, body={"older_than_days": 0}
    ).body  # failed backups are pruned; the newest completed one stays
    assert backup_id in [b["id"] for b in pruned["deleted"]]
    assert not any(i["sk"]["S"] == f"BACKUP#{backup_id}" for i in tenant_items(invoke, tenant_id))


def test_an_export_whose_message_was_lost_is_sent_again_and_one_never_picked_up_ends_failed(
    invoke: Lambda, admin
) -> None:
    from kontor import clock

    claims, tenant_id = admin
    contact(invoke, claims, tenant_id, "Anna")
    first = _request_backup(invoke, claims, tenant_id)
    _take_queued(invoke)  # lost
    clock.advance(timedelta(minutes=6))
    dispatch(invoke, "export_watch_schedule")
    resent = run_queued(invoke)
    second = _request_backup(invoke, claims, tenant_id)
    for _ in range(7):  # every message lost, again and again
        _take_queued(invoke)
        clock.advance(timedelta(minutes=5))
        dispatch(invoke, "export_watch_schedule")
        run_queued(invoke, limit=1)  # only the watch: the message it sends again is lost too

    assert resent.jobs == ["backup.export_watch", "backup.export"]
    assert stored_backup(invoke, tenant_id, first)["state"]["S"] == "completed"
    _take_queued(invoke)
    clock.advance(timedelta(minutes=5))
    dispatch(invoke, "export_watch_schedule")
    run_queued(invoke)
    ended = stored_backup(invoke, tenant_id, second)
    assert ended["state"]["S"] == "failed" and "never picked up" in ended["error"]["S"]


# ---------------------------------------------------------------- exports across a restore
def test_an_export_reading_while_a_restore_replaces_the_data_never_completes(
    invoke: Lambda, admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export has read part of the tenant when a restore is requested and replaces the data;
    then it reads the rest. Completed, it would hold a state that never existed."""
    from backups import jobs as backup_jobs
    from backups.store import tenant_data
    from kontor import clock

    claims, tenant_id = admin
    for n in range(6):
        contact(invoke, claims, tenant_id, f"Alt {n}")
    old = make_backup(invoke, claims, tenant_id)
    for n in range(6):
        contact(invoke, claims, tenant_id, f"Neu {n}")
    exporting = _request_backup(invoke, claims, tenant_id)
    [export_message] = [m for m in _take_queued(invoke) if m["job"] == "backup.export"]
    real_items = tenant_data.items
    interleaved: list[str] = []

    def restore_half_way(tenant: str, after: str | None = None, page_items=None):
        for n, row in enumerate(real_items(tenant, after, page_items)):
            if n == 3 and not interleaved:  # a few rows read: now a restore runs to its end
                interleaved.append("restore")
                monkeypatch.setattr(tenant_data, "items", real_items)
                assert restore(invoke, claims, tenant_id, old["id"]).status == 202
                clock.advance(timedelta(minutes=1))  # past the fence's grace period
                [message] = [m for m in _take_queued(invoke) if m["job"] == "backup.restore"]
                backup_jobs.restore(message)
                monkeypatch.setattr(tenant_data, "items", restore_half_way)
            yield row

    monkeypatch.setattr(tenant_data, "items", restore_half_way)
    backup_jobs.export_message(export_message)
    monkeypatch.setattr(tenant_data, "items", real_items)

    assert interleaved == ["restore"]
    assert backups_call(invoke, "restore_get", claims, tenant_id).body["state"] == "completed"
    ended = stored_backup(invoke, tenant_id, exporting)
    assert ended["state"]["S"] == "failed" and "restore" in ended["error"]["S"]
    assert "checksum" not in ended
    assert f"{exporting}.jsonl.gz" not in _current_objects(invoke, tenant_id)  # its file deleted


def test_an_export_in_steps_that_a_restore_overtakes_ends_failed_and_the_restore_completes(
    invoke: Lambda, admin, small_steps: None
) -> None:
    claims, tenant_id = admin
    for n in range(8):
        contact(invoke, claims, tenant_id, f"Kontakt {n}")
    old = make_backup(invoke, claims, tenant_id)
    contact(invoke, claims, tenant_id, "Neu")
    exporting = _request_backup(invoke, claims, tenant_id)
    first_step = run_queued(invoke, limit=1)  # one step, the next one's message queued
    assert restore(invoke, claims, tenant_id, old["id"]).status == 202

    worked = run_queued(invoke)

    assert first_step.jobs[:1] == ["backup.export"]
    assert worked.failed == 0
    assert backups_call(invoke, "restore_get", claims, tenant_id).body["state"] == "completed"
    ended = stored_backup(invoke, tenant_id, exporting)
    assert ended["state"]["S"] == "failed" and "restore" in ended["error"]["S"]
    assert _uploads(invoke) == []
    # A backup requested after the restore captures the restored data and completes.
    after = make_backup(invoke, claims, tenant_id)
    assert after["item_count"] > 0


def _take_queued(invoke: Lambda) -> list[dict[str, Any]]:
    """Receive and delete every queued message; their bodies."""
    sqs = boto3.client("sqs")
    url = invoke.stack.refs["BackupsQueue"]
    taken = []
    while found := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in found:
            taken.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return taken


def test_an_export_ended_while_it_writes_leaves_its_file_to_the_lifecycle_not_a_version_delete(
    invoke: Lambda, admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given an export whose backup is ended failed while it reads (as the watch does), when it
    has written its file, then its completion finds the claim gone and deletes the file with a
    plain delete: a marker on top, the version noncurrent for the lifecycle — only the purge job
    may delete object versions."""
    from backups import jobs as backup_jobs
    from backups.store import backups as backup_rows
    from backups.store import tenant_data
    from kontor import clock

    claims, tenant_id = admin
    for n in range(4):
        contact(invoke, claims, tenant_id, f"Kontakt {n}")
    exporting = _request_backup(invoke, claims, tenant_id)
    [export_message] = [m for m in _take_queued(invoke) if m["job"] == "backup.export"]
    real_items = tenant_data.items

    def ended_half_way(tenant: str, after: str | None = None, page_items=None):
        for n, row in enumerate(real_items(tenant, after, page_items)):
            if n == 2:
                assert backup_rows.fail(
                    tenant_id, exporting, None, "ended by the watch", clock.iso(clock.now())
                )
            yield row

    monkeypatch.setattr(tenant_data, "items", ended_half_way)
    deletes: list[dict[str, Any]] = []
    s3 = boto3.client("s3")
    real_client = backup_jobs.store.objects.client

    def watching(service: str):
        found = real_client(service)
        if service == "s3":
            s3.meta.events.register("before-call.s3.DeleteObject", lambda params, **_: deletes.append(params))
            return s3
        return found

    monkeypatch.setattr(backup_jobs.store.objects, "client", watching)
    backup_jobs.export_message(export_message)

    ended = stored_backup(invoke, tenant_id, exporting)
    assert ended["state"]["S"] == "failed" and ended["error"]["S"] == "ended by the watch"
    assert f"{exporting}.jsonl.gz" not in _current_objects(invoke, tenant_id)
    key = f"tenants/{tenant_id}/backups/{exporting}.jsonl.gz"
    listed = s3.list_object_versions(Bucket=invoke.stack.refs["BackupsBucket"], Prefix=key)
    assert [v["IsLatest"] for v in listed["Versions"]] == [False]  # kept, for the lifecycle
    assert [m["IsLatest"] for m in listed["DeleteMarkers"]] == [True]
    assert deletes and all("VersionId" not in d for d in deletes)
