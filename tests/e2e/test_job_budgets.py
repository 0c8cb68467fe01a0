"""The scheduled jobs' AWS calls: a dispatcher reads the due markers only, so its cost and its
workers' grow with the tenants that are due — never with the table."""

from __future__ import annotations

from kontor import keys
from tests.e2e.conftest import Account, Api

# One scheduled backup of a small tenant (one Query page): policy, the tenant's fences, the claim,
# the tenant's restore row (an export never completes across a restore), the export's start, its
# page, the object, completion (a transaction that checks the restore row again), and reading the
# result back.
BACKUP_PER_TENANT = {
    "dynamodb.GetItem": 5,
    "dynamodb.TransactWriteItems": 2,
    "dynamodb.UpdateItem": 1,
    "dynamodb.Query": 1,
    "s3.PutObject": 1,
}
# One tenant's retention run with nothing to delete: claim, policy, the catalog.
PRUNE_PER_TENANT = {"dynamodb.UpdateItem": 1, "dynamodb.GetItem": 1, "dynamodb.Query": 1}


def times(calls: dict[str, int], n: int) -> dict[str, int]:
    return {name: count * n for name, count in calls.items()}


def scheduled_tenant(api: Api) -> Account:
    account = api.new_account("Plan GmbH")
    base = f"/tenants/{account.tenant_id}"
    api.call("POST", f"{base}/contacts", token=account.token, json_body={"kind": "person", "name": "A"})
    assert (
        api.call("PUT", f"{base}/backup-policy", token=account.token, json_body={"schedule": "daily"}).status
        == 200
    )
    return account


def test_job_calls_grow_with_the_due_tenants_not_with_the_table(api: Api) -> None:
    for schedule in ("BackupSchedule", "RetentionSchedule"):  # whatever other tests left due
        api.call("POST", f"/_local/schedules/{schedule}")
    for _ in range(2):
        scheduled_tenant(api)

    backups = api.call("POST", "/_local/schedules/BackupSchedule").body
    prunes = api.call("POST", "/_local/schedules/RetentionSchedule").body
    for n in range(4):  # more tenants and data, none of it due
        filler = api.new_account(f"Füller {n}")
        for m in range(10):
            api.call(
                "POST",
                f"/tenants/{filler.tenant_id}/contacts",
                token=filler.token,
                json_body={"kind": "person", "name": f"K{m}"},
            )
    idle = api.call("POST", "/_local/schedules/BackupSchedule").body

    assert backups["result"]["dispatched"] == 2
    # one Query per shard of the due index
    assert backups["calls"]["dispatch"] == {"dynamodb.Query": keys.DUE_SHARDS, "sqs.SendMessageBatch": 1}
    assert backups["calls"]["work"] == times(BACKUP_PER_TENANT, 2)
    assert prunes["result"]["dispatched"] == 2
    assert prunes["calls"]["dispatch"] == {"dynamodb.Query": keys.DUE_SHARDS, "sqs.SendMessageBatch": 1}
    assert prunes["calls"]["work"] == times(PRUNE_PER_TENANT, 2)
    assert idle["result"]["dispatched"] == 0
    assert idle["calls"] == {"dispatch": {"dynamodb.Query": keys.DUE_SHARDS}, "work": {}}


# ---------------------------------------------------------------- the restore watch
def _lose_the_restore_message(api: Api) -> None:
    """The restore request committed but its SendMessage never arrived: take the message away."""
    sqs = api.aws("sqs")
    [url] = [u for u in sqs.list_queues()["QueueUrls"] if u.endswith("-backupsqueue")]
    for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        assert '"backup.restore"' in message["Body"]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _restore_without_its_message(api: Api, name: str) -> tuple[Account, str]:
    account = api.new_account(name)
    base = f"/tenants/{account.tenant_id}"
    api.call("POST", f"{base}/contacts", token=account.token, json_body={"kind": "person", "name": "A"})
    made = api.call("POST", f"{base}/backups", token=account.token, json_body={}).body
    api.call("POST", "/_local/queues/drain")
    assert api.call("POST", f"{base}/backups/{made['id']}/restore", token=account.token).status == 202
    _lose_the_restore_message(api)
    return account, base


def test_the_restore_watch_sends_a_lost_restore_again_and_costs_little(api: Api) -> None:
    api.call("POST", "/_local/schedules/RestoreWatchSchedule")  # whatever other tests left due
    account, base = _restore_without_its_message(api, "Verloren GmbH")
    early = api.call("POST", "/_local/schedules/RestoreWatchSchedule").body
    api.call("POST", "/_local/clock", json_body={"advance_days": 0.005})  # 7 minutes
    watched = api.call("POST", "/_local/schedules/RestoreWatchSchedule").body
    status = api.call("GET", f"{base}/restore", token=account.token).body

    assert early["result"]["dispatched"] == 0
    assert early["calls"] == {"dispatch": {"dynamodb.Query": keys.DUE_SHARDS}, "work": {}}
    assert watched["result"]["dispatched"] == 1 and status["state"] == "completed"
    # The watch's own work: move the marker, send the message again (then the restore runs).
    assert watched["calls"]["dispatch"] == {"dynamodb.Query": keys.DUE_SHARDS, "sqs.SendMessageBatch": 1}
    assert watched["calls"]["work"]["sqs.SendMessage"] == 1


def test_the_restore_watch_ends_a_restore_that_never_started_failed_and_tells_the_admin(api: Api) -> None:
    api.call("POST", "/_local/schedules/RestoreWatchSchedule")
    account, base = _restore_without_its_message(api, "Vergessen GmbH")
    api.call("POST", "/_local/clock", json_body={"advance_days": 0.03})  # 43 minutes
    watched = api.call("POST", "/_local/schedules/RestoreWatchSchedule").body
    status = api.call("GET", f"{base}/restore", token=account.token).body
    write = api.call(
        "POST", f"{base}/contacts", token=account.token, json_body={"kind": "person", "name": "B"}
    )

    assert watched["result"]["dispatched"] == 1
    assert status["state"] == "failed" and "not changed" in status["failure"]
    assert write.status == 201
    assert any("Wiederherstellung" in m["subject"] for m in api.outbox(account.email))
    assert watched["calls"]["work"]["ses.SendEmail"] == 1
